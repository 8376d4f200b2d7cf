#!/usr/bin/python3
"""Make a deliberately broken variant of the converted NanoDet model, for the model-update tests
(docs/models.md): the candidate that must be rejected in shadow.

  make_model_variant.py --in nanodet-m-416.onnx --out broken.onnx --no-classes

--no-classes: the class logits of NanoDet's three head convolutions (the convs whose output has
80 + 4 * (reg_max + 1) = 124 channels) get their biases lowered by 30, so every class score
(sigmoid in the graph) is below 1e-13: the model loads, runs at the same speed and detects
nothing. Nothing else changes. Needs python3-onnx and numpy. Deterministic.
"""

import argparse
import sys

import numpy as np
import onnx
from onnx import numpy_helper

NUM_CLASSES = 80
HEAD_CHANNELS = NUM_CLASSES + 4 * 11


def no_classes(model):
    inits = {i.name: i for i in model.graph.initializer}
    changed = 0
    for node in model.graph.node:
        if node.op_type != "Conv" or len(node.input) < 3 or node.input[2] not in inits:
            continue
        init = inits[node.input[2]]
        bias = numpy_helper.to_array(init).copy()
        if bias.shape != (HEAD_CHANNELS,):
            continue
        bias[:NUM_CLASSES] -= np.float32(30)
        init.CopyFrom(numpy_helper.from_array(bias.astype(np.float32), init.name))
        changed += 1
    if changed != 3:
        raise ValueError("expected NanoDet's 3 head convolutions (%d output channels), found %d"
                         % (HEAD_CHANNELS, changed))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--in", dest="src", required=True, help="the converted NanoDet .onnx")
    ap.add_argument("--out", required=True, help="the variant to write")
    ap.add_argument("--no-classes", action="store_true", help="a model that detects nothing")
    args = ap.parse_args()
    if not args.no_classes:
        ap.error("name the variant (--no-classes)")
    try:
        model = onnx.load(args.src)
        no_classes(model)
        onnx.checker.check_model(model)
        with open(args.out, "wb") as f:
            f.write(model.SerializeToString(deterministic=True))
    except (OSError, ValueError, onnx.checker.ValidationError) as e:
        print("make_model_variant.py: error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
