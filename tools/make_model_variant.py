#!/usr/bin/python3
"""Make deliberately bad variants of the converted NanoDet model, for the model-update tests
(docs/models.md): candidates that must be rejected in shadow.

  make_model_variant.py --in nanodet-m-416.onnx --out broken.onnx --no-classes
  make_model_variant.py --in nanodet-m-416.onnx --out slow.onnx --slow 24

--no-classes: the class logits of NanoDet's three head convolutions (the convs whose output has
80 + 4 * (reg_max + 1) = 124 channels) get their biases lowered by 30, so every class score
(sigmoid in the graph) is below 1e-13: the model loads, runs at the same speed and detects
nothing. Nothing else changes.
--slow N: N pairs of 1x1 convolutions (3 -> 64 -> 3 channels, identity on the first 3 channels,
zeros elsewhere) are put in front of the network: the input reaches it unchanged (exact in
float: 1 * x + 0), so the detections are the original's, but every run does N x 2 x 64 x 3
multiply-adds per pixel more (about 0.13 GFLOP per pair at 416 x 416).
Needs python3-onnx and numpy. Deterministic.
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


def slow(model, pairs):
    graph = model.graph
    src = graph.input[0].name
    up = np.zeros((64, 3, 1, 1), np.float32)
    down = np.zeros((3, 64, 1, 1), np.float32)
    for c in range(3):
        up[c, c, 0, 0] = 1
        down[c, c, 0, 0] = 1
    graph.initializer.extend([numpy_helper.from_array(up, "slow_up_W"),
                              numpy_helper.from_array(down, "slow_down_W")])
    nodes = []
    x = src
    for i in range(pairs):
        h, y = "slow_%d_h" % i, "slow_%d_y" % i
        nodes.append(onnx.helper.make_node("Conv", [x, "slow_up_W"], [h], name="slow_up_%d" % i))
        nodes.append(onnx.helper.make_node("Conv", [h, "slow_down_W"], [y],
                                           name="slow_down_%d" % i))
        x = y
    for node in graph.node:
        for k, name in enumerate(node.input):
            if name == src:
                node.input[k] = x
    old = list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes + old)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--in", dest="src", required=True, help="the converted NanoDet .onnx")
    ap.add_argument("--out", required=True, help="the variant to write")
    ap.add_argument("--no-classes", action="store_true", help="a model that detects nothing")
    ap.add_argument("--slow", type=int, default=0, metavar="N",
                    help="N extra identity conv pairs in front: same detections, slower")
    args = ap.parse_args()
    if not args.no_classes and args.slow <= 0:
        ap.error("name the variant (--no-classes or --slow N)")
    try:
        model = onnx.load(args.src)
        if args.no_classes:
            no_classes(model)
        if args.slow > 0:
            slow(model, args.slow)
        onnx.checker.check_model(model)
        with open(args.out, "wb") as f:
            f.write(model.SerializeToString(deterministic=True))
    except (OSError, ValueError, onnx.checker.ValidationError) as e:
        print("make_model_variant.py: error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
