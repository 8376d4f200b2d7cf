#!/usr/bin/python3
"""Rewrite the converted NanoDet ONNX model so that its batch dimension is not fixed to 1.

convert_nanodet.py emits input [1, 3, 416, 416] and output [1, 3549, 124], and the head's six
Reshape nodes carry the constant shapes [1, 80, -1] / [1, 44, -1]. Everything else in the graph
(Conv, LeakyRelu, MaxPool, Resize with scales [1, 1, s, s], Split/Concat on axes >= 1,
Transpose [0, 2, 1]) is batch-agnostic. This tool:
  - replaces the leading 1 of every Reshape shape constant by 0 ("copy the input's dimension",
    opset 11 semantics: allowzero does not exist before opset 14), so the batch flows through;
  - sets the batch dimension of the graph input and output to the symbol "N" (--batch dynamic,
    the default) or to a fixed size (--batch 4);
  - refuses any model whose Reshape constants do not start with 1, or that has other batch-bound
    constants it does not know about (checked by ONNX shape inference on the result).

The weights, node order and everything else stay byte-identical, so per image the batched model
computes the same function as the original. Proof of that (ONNX Runtime, batch of different
frames vs one call per frame, max abs difference) is printed by bench/detector_batch_bench.

Usage:
  make_batch_model.py --in  $CACHE/models/nanodet-m-416.onnx \
                      --out $CACHE/models/nanodet-m-416-batch.onnx [--batch dynamic|N]

Needs numpy and onnx (Debian: python3-numpy, python3-onnx). Deterministic output.
"""

import argparse
import sys

import numpy as np


def make_batch_model(model, batch):
    import onnx
    from onnx import numpy_helper, shape_inference, checker

    inits = {i.name: i for i in model.graph.initializer}
    shape_consts = set()
    for n in model.graph.node:
        if n.op_type != "Reshape":
            continue
        name = n.input[1]
        if name not in inits:
            raise ValueError("Reshape %s has a computed shape; only constant shapes are handled"
                             % n.name)
        shape_consts.add(name)
    users = {}
    for n in model.graph.node:
        for i in n.input:
            users.setdefault(i, []).append(n.op_type)
    changed = 0
    for name in sorted(shape_consts):
        if any(u != "Reshape" for u in users[name]):
            raise ValueError("shape constant %s is also used by a non-Reshape node" % name)
        shape = numpy_helper.to_array(inits[name]).copy()
        if shape.ndim != 1 or shape.size < 2 or shape[0] != 1:
            raise ValueError("Reshape shape %s = %s does not start with batch 1"
                             % (name, shape.tolist()))
        shape[0] = 0
        inits[name].CopyFrom(numpy_helper.from_array(shape.astype(np.int64), name))
        changed += 1

    for vi in list(model.graph.input) + list(model.graph.output):
        d0 = vi.type.tensor_type.shape.dim[0]
        if d0.dim_value != 1:
            raise ValueError("%s: batch dimension is not 1" % vi.name)
        if batch == "dynamic":
            d0.Clear()
            d0.dim_param = "N"
        else:
            d0.dim_value = int(batch)
    del model.graph.value_info[:]

    checker.check_model(model)
    # Shape inference on a copy whose output shape is left open must give back the declared
    # output: a batch-bound constant we missed would show up as a 1 (or a clash) in dimension 0.
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    out_dims = probe.graph.output[0].type.tensor_type.shape.dim
    want = [d.dim_param or d.dim_value for d in out_dims]
    del out_dims[:]
    probe.graph.output[0].type.tensor_type.ClearField("shape")
    inferred = shape_inference.infer_shapes(probe, strict_mode=True)
    got = [d.dim_param or d.dim_value
           for d in inferred.graph.output[0].type.tensor_type.shape.dim]
    ok = len(got) == len(want) and got[1:] == want[1:] and got[0] != 1 and \
        (batch == "dynamic" or got[0] == want[0])
    if not ok:
        raise ValueError("shape inference gives output %s, expected %s" % (got, want))
    model.doc_string += " Batch dimension: %s (tools/make_batch_model.py)." % batch
    return model, changed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--in", dest="inp", required=True, help="nanodet-m-416.onnx")
    ap.add_argument("--out", required=True, help="output .onnx path")
    ap.add_argument("--batch", default="dynamic",
                    help="'dynamic' (symbol N, default) or a fixed batch size >= 1")
    args = ap.parse_args()
    if args.batch != "dynamic" and not (args.batch.isdigit() and int(args.batch) >= 1):
        ap.error("--batch must be 'dynamic' or a positive integer")
    import onnx
    try:
        model = onnx.load(args.inp)
        model, changed = make_batch_model(model, args.batch)
        data = model.SerializeToString(deterministic=True)
        with open(args.out, "wb") as f:
            f.write(data)
    except (OSError, ValueError, onnx.checker.ValidationError) as e:
        print("make_batch_model: error: %s" % e, file=sys.stderr)
        return 1
    print("make_batch_model: %s -> %s (batch %s, %d Reshape shapes rewritten)"
          % (args.inp, args.out, args.batch, changed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
