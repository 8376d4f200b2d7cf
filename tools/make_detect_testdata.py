#!/usr/bin/python3
"""Generates src/detect/testdata/tiny_yolov8.onnx, a tiny model with a YOLOv8-shaped output.

Run once with Debian's python3 (python3-onnx, python3-numpy); the output is committed so tests
need no Python. Re-running produces a byte-identical file.

The model ("tiny YOLOv8"): input "images" [1,3,128,128] (RGB, /255). An 8x8 average pool gives
a 16x16 grid of cells; a 1x1 conv maps each cell's mean colour to 84 channels; class channels go
through a sigmoid and box channels are replaced by the cell's own box. Output "output0"
[1,84,256] in the YOLOv8 raw layout (cx, cy, w, h, 80 class scores; channels first):
  cx, cy = cell centre in network pixels, w = h = 8 (the cell),
  score(person) = sigmoid(10/3 * (r + g + b) - 6)   -> 0.982 on white, 0.0025 on black,
                                                       0.18 on the YOLO pad grey (114)
  score(other classes) = sigmoid(-10).
So a white 8x8-aligned square on black becomes one "person" per covered cell, which tests the
whole CNN detector path (letterbox, engine, decode, NMS, un-letterbox) with known answers.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SIZE, CELL, CHANNELS = 128, 8, 84
GRID = SIZE // CELL


def build():
    w = np.zeros((CHANNELS, 3, 1, 1), np.float32)
    b = np.full((CHANNELS,), -10.0, np.float32)
    w[4, :, 0, 0] = 10.0 / 3.0
    b[4] = -6.0
    b[:4] = 0.0
    mask = np.ones((1, CHANNELS, 1, 1), np.float32)
    mask[0, :4] = 0.0
    grid = np.zeros((1, CHANNELS, GRID, GRID), np.float32)
    ys, xs = np.meshgrid(np.arange(GRID), np.arange(GRID), indexing="ij")
    grid[0, 0] = (xs + 0.5) * CELL
    grid[0, 1] = (ys + 0.5) * CELL
    grid[0, 2] = CELL
    grid[0, 3] = CELL
    shape = np.array([1, CHANNELS, GRID * GRID], np.int64)

    inits = [numpy_helper.from_array(a, n) for a, n in
             [(w, "conv_w"), (b, "conv_b"), (mask, "cls_mask"), (grid, "box_grid"),
              (shape, "out_shape")]]
    nodes = [
        helper.make_node("AveragePool", ["images"], ["pooled"], kernel_shape=[CELL, CELL],
                         strides=[CELL, CELL]),
        helper.make_node("Conv", ["pooled", "conv_w", "conv_b"], ["logits"],
                         kernel_shape=[1, 1]),  # OpenCV 4.6 needs kernel_shape
        helper.make_node("Sigmoid", ["logits"], ["probs"]),
        helper.make_node("Mul", ["probs", "cls_mask"], ["scores"]),
        helper.make_node("Add", ["scores", "box_grid"], ["grid_out"]),
        helper.make_node("Reshape", ["grid_out", "out_shape"], ["output0"]),
    ]
    graph = helper.make_graph(
        nodes, "tiny_yolov8",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, CHANNELS, GRID * GRID])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="edgesight-tools")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "detect",
                       "testdata", "tiny_yolov8.onnx")
    onnx.save(build(), os.path.normpath(out))
    print("wrote", os.path.normpath(out))
