#!/usr/bin/python3
"""Static post-training INT8 quantisation of the converted NanoDet model into an ONNX QDQ model.

Input: the FP32 model written by convert_nanodet.py (opset 11, input [1, 3, 416, 416], output
[1, 3549, 124]; or a model from its --input-size N, e.g. 320: input [1, 3, 320, 320], output
[1, 2100, 124]; the input size is read from the model).  Output: the same graph at opset 13
with QuantizeLinear/DequantizeLinear pairs, which ONNX Runtime's graph optimiser fuses into
QLinearConv, QLinearLeakyRelu, QLinearAdd, QLinearConcat and integer MaxPool/Resize kernels.
Input and output stay float32 with the same names, shapes and meaning, so the C++ detector loads
it like the FP32 model (format=nanodet).

Quantisation:
  weights      Conv weights int8, symmetric, per output channel (axis 0), 7 bits by default:
               [-63, 63] (ONNX Runtime's "reduce_range"), so that the int16 sums of u8 x s8 pairs
               (vpmaddubsw) cannot saturate on AVX2 CPUs without VNNI; on vtest.avi this halves
               the score error against FP32 (docs/tradeoffs.md).  --weight-bits 8: [-127, 127].
  bias         int32, scale = input scale * weight scale (per channel), zero point 0.
  activations  per tensor, uint8 asymmetric (--activations s8: int8 asymmetric), ranges from
               calibration frames: every body tensor (input, Conv, LeakyRelu, MaxPool, Resize,
               Add, Concat outputs) gets one Q -> DQ pair that all its consumers read.
  head         Split / Sigmoid / Reshape / Transpose / Concat stay float.  The last 1x1 Conv of
               each level (the class and box logits) stays float with --float-head (default) or
               is quantised with its output (--no-float-head).
Calibration: N frames evenly spaced over a video, decoded and scaled by the ffmpeg CLI (area
  scaling, bit-exact) to the letterbox size, placed top-left on a black NxN canvas (N: the
  model's input size), BGR, (pixel - mean) / std: the C++ detector's preprocessing
  (models/README.md; OpenCV's INTER_AREA there, swscale's area scaler here).  The FP32 graph
  runs in a small numpy evaluator (this file) and records each tensor's range: min/max over all
  frames (--calibration minmax) or the mean of per-frame percentiles (--calibration percentile
  --percentile 99.99).  Ranges are snapped outward to a grid of 1/256 of their magnitude so that
  last-bit differences of the float maths (another BLAS) do not change the output file.
Deterministic: the same FP32 model, video and options give a byte-identical file.

Usage:
  quantize_nanodet.py --model nanodet-m-416.onnx --video vtest.avi --out nanodet-m-416-int8.onnx
  quantize_nanodet.py ... --check-evaluator nanodet.json nanodet.bin
      (also runs the original TF.js graph (convert_nanodet.py) on the first calibration frame and
      exits 1 if this file's ONNX evaluator differs from it by more than 1e-3)
  quantize_nanodet.py ... --simulate K
      (runs the FP32 and the QDQ model in numpy on K frames of the video between the calibration
      frames and prints the max output difference and the detections' agreement)

Needs numpy, onnx (Debian: python3-numpy, python3-onnx) and the ffmpeg / ffprobe CLI.
"""

import argparse
import math
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import convert_nanodet as cn  # noqa: E402  (shares the preprocessing constants and decoding)

OPSET = 13
HEAD_FLOAT_OPS = ("Split", "Sigmoid", "Reshape", "Transpose")


# ----------------------------------------------------------------------------------------------
# Calibration frames (ffmpeg CLI)


def probe(video):
    """Returns (width, height, frame count) of the first video stream."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries",
         "stream=width,height,nb_read_packets", "-of", "csv=p=0", video],
        check=True, capture_output=True, text=True).stdout.strip().split(",")
    return int(out[0]), int(out[1]), int(out[2])


def letterbox_size(w, h, size=cn.INPUT_SIZE):
    """The C++ detector's resized size (float scale, lround), src/detect/letterbox.cc."""
    scale = min(np.float32(size) / np.float32(w), np.float32(size) / np.float32(h))
    return (min(int(math.floor(w * float(scale) + 0.5)), size),
            min(int(math.floor(h * float(scale) + 0.5)), size), float(scale))


def model_input_size(model):
    """The square input size N of a model with input [1, 3, N, N]."""
    dims = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    if len(dims) != 4 or dims[1] != 3 or dims[2] != dims[3] or dims[2] <= 0:
        raise ValueError("expected a model input [1, 3, N, N], got %s" % dims)
    return dims[2]


def read_frames(video, indices, size=cn.INPUT_SIZE):
    """Decodes the frames with the given 0-based indices; returns (list of [size,size,3] uint8
    BGR canvases, scale, (w, h))."""
    w, h, _ = probe(video)
    nw, nh, scale = letterbox_size(w, h, size)
    expr = "+".join("eq(n\\,%d)" % i for i in indices)
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-threads", "1", "-i", video, "-an",
           "-vf", "select=%s,scale=%d:%d:flags=area+accurate_rnd+bitexact" % (expr, nw, nh),
           "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "bgr24", "-"]
    raw = subprocess.run(cmd, check=True, capture_output=True).stdout
    n = len(raw) // (nw * nh * 3)
    if n != len(indices):
        raise ValueError("ffmpeg returned %d of %d frames from %s" % (n, len(indices), video))
    frames = np.frombuffer(raw, np.uint8).reshape(n, nh, nw, 3)
    canvases = []
    for f in frames:
        c = np.zeros((size, size, 3), np.uint8)
        c[:nh, :nw] = f
        canvases.append(c)
    return canvases, scale, (w, h)


def evenly_spaced(count, n, offset=0.0):
    """n frame indices evenly spread over [0, count); offset in (0, 1) shifts them by a fraction
    of the spacing (0.5: half-way between the offset-0 indices)."""
    step = count / n
    return sorted({min(int((k + offset) * step), count - 1) for k in range(n)})


# ----------------------------------------------------------------------------------------------
# A numpy evaluator for the ONNX ops of the converted model (float32, NCHW) plus Q/DQ.


def attrs_of(node):
    from onnx import helper
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def conv(x, w, b, a):
    group = a.get("group", 1)
    if any(d != 1 for d in a.get("dilations", [1, 1])):
        raise ValueError("dilated Conv not supported")
    pads = a.get("pads", [0, 0, 0, 0])
    sh, sw = a.get("strides", [1, 1])
    cout, cin, kh, kw = w.shape
    xn = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    p, oh, ow = cn.np_windows(xn, kh, kw, sh, sw, [(pads[0], pads[2]), (pads[1], pads[3])], 0.0)
    if group != 1:      # depthwise only (convert_blazepose.py): one input channel per group
        if cin != 1 or group != x.shape[1] or cout % group:
            raise ValueError("grouped Conv other than depthwise not supported")
        mult = cout // group
        y = np.einsum("nhwijc,cmij->nhwcm", p, w.reshape(group, mult, kh, kw),
                      optimize=True).reshape(x.shape[0], oh, ow, cout).astype(np.float32)
        if b is not None:
            y += b
        return np.ascontiguousarray(y.transpose(0, 3, 1, 2))
    wm = np.ascontiguousarray(w.transpose(2, 3, 1, 0).reshape(kh * kw * cin, cout))
    y = p.reshape(-1, kh * kw * cin) @ wm
    if b is not None:
        y += b
    return np.ascontiguousarray(y.reshape(x.shape[0], oh, ow, cout).transpose(0, 3, 1, 2))


def maxpool(x, a):
    kh, kw = a["kernel_shape"]
    sh, sw = a.get("strides", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    xn = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    p, _, _ = cn.np_windows(xn, kh, kw, sh, sw, [(pads[0], pads[2]), (pads[1], pads[3])], -np.inf)
    return np.ascontiguousarray(p.max(axis=(3, 4)).transpose(0, 3, 1, 2))


def resize(x, scales, a):
    if a.get("mode") != b"linear" or a.get("coordinate_transformation_mode") != b"half_pixel":
        raise ValueError("only linear half_pixel Resize is supported")
    n, c, h, w = x.shape
    oh, ow = int(math.floor(h * scales[2])), int(math.floor(w * scales[3]))
    y = cn.tf_resize_bilinear(x.transpose(0, 2, 3, 1), (oh, ow), False, True)
    return np.ascontiguousarray(y.transpose(0, 3, 1, 2))


def axis_shape(v, x, axis):
    """Reshapes a per-axis parameter v to broadcast along axis of x."""
    if v.ndim == 0:
        return v
    shape = [1] * x.ndim
    shape[axis] = v.size
    return v.reshape(shape)


def quantize_linear(x, scale, zp, axis=1):
    info = np.iinfo(zp.dtype)
    q = np.rint(x / axis_shape(scale, x, axis)) + axis_shape(zp, x, axis).astype(np.float32)
    return np.clip(q, info.min, info.max).astype(zp.dtype)


def dequantize_linear(q, scale, zp, axis=1):
    zp = np.zeros_like(scale, np.int32) if zp is None else zp
    return ((q.astype(np.int64) - axis_shape(zp, q, axis)).astype(np.float32) *
            axis_shape(scale, q, axis)).astype(np.float32)


def run_onnx(model, feeds, keep=None):
    """Evaluates model (onnx.ModelProto) on feeds; returns dict name -> array of the graph
    outputs and of every tensor for which keep(name) is true."""
    from onnx import numpy_helper
    g = model.graph
    vals = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    vals.update(feeds)
    wanted = {o.name for o in g.output}
    kept = {}
    for n in g.node:
        ins = [vals[i] if i else None for i in n.input]
        a = attrs_of(n)
        op = n.op_type
        if op == "Conv":
            outs = [conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)]
        elif op == "LeakyRelu":
            x = ins[0]
            outs = [np.where(x >= 0, x, x * np.float32(a.get("alpha", 0.01))).astype(np.float32)]
        elif op == "Clip":
            lo = ins[1] if len(ins) > 1 else a.get("min", -np.inf)      # inputs (11) or
            hi = ins[2] if len(ins) > 2 else a.get("max", np.inf)       # attributes (< 11)
            outs = [np.clip(ins[0], lo, hi).astype(np.float32)]
        elif op == "Relu":
            outs = [np.maximum(ins[0], 0).astype(np.float32)]
        elif op == "Pad":
            r = ins[0].ndim
            pads = ins[1].tolist()
            outs = [np.pad(ins[0], [(pads[i], pads[i + r]) for i in range(r)],
                           constant_values=float(ins[2]) if len(ins) > 2 else 0.0)]
        elif op == "MaxPool":
            outs = [maxpool(ins[0], a)]
        elif op == "Resize":
            outs = [resize(ins[0], ins[2], a)]
        elif op == "Add":
            outs = [ins[0] + ins[1]]
        elif op == "Concat":
            outs = [np.concatenate(ins, axis=a["axis"])]
        elif op == "Split":
            sizes = a["split"] if "split" in a else ins[1].tolist()
            outs = np.split(ins[0], np.cumsum(sizes)[:-1], axis=a.get("axis", 0))
        elif op == "Sigmoid":
            outs = [(1.0 / (1.0 + np.exp(-ins[0]))).astype(np.float32)]
        elif op == "Reshape":
            outs = [ins[0].reshape(ins[1].tolist())]
        elif op == "Transpose":
            outs = [np.ascontiguousarray(np.transpose(ins[0], a["perm"]))]
        elif op == "QuantizeLinear":
            outs = [quantize_linear(ins[0], ins[1], ins[2], a.get("axis", 1))]
        elif op == "DequantizeLinear":
            outs = [dequantize_linear(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                                      a.get("axis", 1))]
        else:
            raise ValueError("evaluator: unsupported op %s (%s)" % (op, n.name))
        for name, v in zip(n.output, outs):
            vals[name] = v
            if keep is not None and keep(name):
                kept[name] = v
    kept.update({k: vals[k] for k in wanted})
    return kept


# ----------------------------------------------------------------------------------------------
# Calibration


def snap_out(v):
    """Rounds v away from zero onto a grid of about 1/256 of its magnitude (see module doc)."""
    if v == 0.0:
        return 0.0
    e = math.floor(math.log2(abs(v))) - 8
    q = math.ldexp(1.0, e)
    return math.copysign(math.ceil(abs(v) / q) * q, v)


def calibrate(model, blobs, tensors, method, percentile):
    """Returns name -> (lo, hi) over the blobs for the named tensors."""
    lo = {t: [] for t in tensors}
    hi = {t: [] for t in tensors}
    for blob in blobs:
        vals = run_onnx(model, {"input": blob}, keep=lambda n: n in lo)
        vals["input"] = blob
        for t in tensors:
            x = vals[t]
            if method == "minmax":
                lo[t].append(float(x.min()))
                hi[t].append(float(x.max()))
            else:
                a, b = np.percentile(x, [100.0 - percentile, percentile])
                lo[t].append(float(a))
                hi[t].append(float(b))
    ranges = {}
    for t in tensors:
        if method == "minmax":
            a, b = min(lo[t]), max(hi[t])
        else:
            a, b = float(np.mean(lo[t])), float(np.mean(hi[t]))
        ranges[t] = (snap_out(min(a, 0.0)), snap_out(max(b, 0.0)))
    return ranges


def share_ranges(model, ranges):
    """MaxPool and Resize outputs take their input's range (their values lie inside it), so
    ONNX Runtime runs them on 8-bit data instead of DQ -> float op -> Q."""
    for n in model.graph.node:
        if n.op_type in ("MaxPool", "Resize") and n.output[0] in ranges and n.input[0] in ranges:
            ranges[n.output[0]] = ranges[n.input[0]]


def activation_params(lo, hi, signed):
    """(scale, zero point) of an asymmetric 8-bit tensor covering [lo, hi] (lo <= 0 <= hi)."""
    qmin, qmax = (-128, 127) if signed else (0, 255)
    scale = (hi - lo) / (qmax - qmin) if hi > lo else 1.0
    zp = int(np.clip(round(qmin - lo / scale), qmin, qmax))
    return np.float32(scale), (np.int8 if signed else np.uint8)(zp)


# ----------------------------------------------------------------------------------------------
# QDQ model


def quantizable_tensors(model, float_head):
    """Tensors that get a Q -> DQ pair, in graph order, and the set of Conv nodes to quantise."""
    g = model.graph
    inits = {i.name for i in g.initializer}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    head_convs = set()
    for n in g.node:     # Conv whose output feeds the float head (Split): the logits layer
        if n.op_type == "Conv" and all(c.op_type in HEAD_FLOAT_OPS
                                       for c in consumers.get(n.output[0], [])):
            head_convs.add(n.name)
    qconvs = {n.name for n in g.node if n.op_type == "Conv" and
              not (float_head and n.name in head_convs)}
    tensors = []
    body_ops = ("Conv", "LeakyRelu", "MaxPool", "Resize", "Add", "Concat")

    def add(t):
        if t not in tensors and t not in inits:
            tensors.append(t)

    for n in g.node:
        if n.op_type not in body_ops:
            continue
        if n.op_type == "Conv" and n.name not in qconvs:
            add(n.input[0])          # float Conv still reads its input through Q -> DQ
            continue
        ins = n.input[:1] if n.op_type in ("Conv", "Resize") else n.input
        for i in ins:
            add(i)
        add(n.output[0])
    # The output Concats of the head (level_s*, output) read float tensors: keep them float.
    head_tensors = set()
    for n in g.node:
        if n.op_type in HEAD_FLOAT_OPS or (n.op_type == "Concat" and
                                           any(i in head_tensors for i in n.input)):
            head_tensors.update(n.output)
    tensors = [t for t in tensors if t not in head_tensors]
    return tensors, qconvs


def build_qdq(model, ranges, qconvs, signed, weight_bits):
    import onnx
    from onnx import helper, numpy_helper
    g = model.graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    qmax_w = 2 ** (weight_bits - 1) - 1
    new_inits = []
    nodes = []
    params = {}                  # tensor -> (scale name, zp name, scale value)

    def const(name, arr):
        new_inits.append(numpy_helper.from_array(np.array(arr, order="C"), name))
        return name

    dq_name = {}

    def qdq(t):
        """Emits Q -> DQ for tensor t (once); returns the DQ output name."""
        if t in dq_name:
            return dq_name[t]
        lo, hi = ranges[t]
        scale, zp = activation_params(lo, hi, signed)
        s = const(t + "_scale", np.array(scale, np.float32))
        z = const(t + "_zero_point", np.array(zp))
        nodes.append(helper.make_node("QuantizeLinear", [t, s, z], [t + "_q"], t + "_Q"))
        nodes.append(helper.make_node("DequantizeLinear", [t + "_q", s, z], [t + "_dq"],
                                      t + "_DQ"))
        params[t] = float(scale)
        dq_name[t] = t + "_dq"
        return dq_name[t]

    if "input" in ranges:
        qdq("input")
    for n in g.node:
        n2 = onnx.NodeProto()
        n2.CopyFrom(n)
        for k, i in enumerate(n2.input):
            if i in ranges:
                n2.input[k] = qdq(i)
        if n.op_type == "Split" and any(a.name == "split" for a in n.attribute):
            sizes = [a for a in n.attribute if a.name == "split"][0].ints
            n2.input.append(const(n.name + "_split", np.array(list(sizes), np.int64)))
            keep = [a for a in n2.attribute if a.name != "split"]
            del n2.attribute[:]
            n2.attribute.extend(keep)
        if n.op_type == "Conv" and n.name in qconvs:
            w = inits[n.input[1]]
            amax = np.abs(w.reshape(w.shape[0], -1)).max(axis=1)
            ws = np.where(amax > 0, amax / qmax_w, 1.0).astype(np.float32)
            wq = np.clip(np.rint(w / ws[:, None, None, None]), -qmax_w, qmax_w).astype(np.int8)
            wname = n.input[1]
            const(wname + "_quantized", wq)
            const(wname + "_scale", ws)
            const(wname + "_zero_point", np.zeros(w.shape[0], np.int8))
            nodes.append(helper.make_node(
                "DequantizeLinear", [wname + "_quantized", wname + "_scale", wname + "_zero_point"],
                [wname + "_dq"], wname + "_DQ", axis=0))
            n2.input[1] = wname + "_dq"
            if len(n.input) > 2:
                b = inits[n.input[2]]
                bs = (np.float32(params[n.input[0]]) * ws).astype(np.float32)
                bq = np.rint(b.astype(np.float64) / bs).astype(np.int32)
                bname = n.input[2]
                const(bname + "_quantized", bq)
                const(bname + "_scale", bs)
                const(bname + "_zero_point", np.zeros(w.shape[0], np.int32))
                nodes.append(helper.make_node(
                    "DequantizeLinear", [bname + "_quantized", bname + "_scale",
                                         bname + "_zero_point"],
                    [bname + "_dq"], bname + "_DQ", axis=0))
                n2.input[2] = bname + "_dq"
        nodes.append(n2)
        for o in n.output:
            if o in ranges:
                qdq(o)
    used = {i for n in nodes for i in n.input}
    kept_inits = [i for i in g.initializer if i.name in used]
    graph = helper.make_graph(nodes, g.name + "_int8_qdq", list(g.input), list(g.output),
                              kept_inits + [i for i in new_inits if i.name in used])
    out = helper.make_model(graph, producer_name="edgesight-quantize_nanodet",
                            producer_version="1", opset_imports=[helper.make_opsetid("", OPSET)])
    out.ir_version = 7
    out.doc_string = model.doc_string + (
        " INT8 QDQ (static, per-channel symmetric int%d weights, per-tensor %s activations) by "
        "tools/quantize_nanodet.py." % (weight_bits, "int8" if signed else "uint8"))
    onnx.checker.check_model(out)
    return out


# ----------------------------------------------------------------------------------------------
# Checks


def agreement(ref, got, iou_threshold=0.5):
    """Greedy same-class matching of got to ref by score order; returns (tp, fp, fn)."""
    used = set()
    tp = 0
    for d in sorted(got, key=lambda d: -d[1]):
        best, best_iou = None, iou_threshold
        for k, r in enumerate(ref):
            if k in used or r[0] != d[0]:
                continue
            v = cn.iou(r, d)
            if v >= best_iou:
                best, best_iou = k, v
        if best is not None:
            used.add(best)
            tp += 1
    return tp, len(got) - tp, len(ref) - tp


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, help="FP32 model from convert_nanodet.py")
    ap.add_argument("--video", required=True, help="calibration footage (any ffmpeg input)")
    ap.add_argument("--out", required=True, help="output .onnx path")
    ap.add_argument("--frames", type=int, default=32, help="calibration frames (default 32)")
    ap.add_argument("--calibration", choices=("minmax", "percentile"), default="minmax")
    ap.add_argument("--percentile", type=float, default=99.99)
    ap.add_argument("--activations", choices=("u8", "s8"), default="u8")
    ap.add_argument("--weight-bits", type=int, choices=(7, 8), default=7)
    ap.add_argument("--float-head", dest="float_head", action="store_true", default=True,
                    help="keep the last 1x1 Conv of each level in float (default)")
    ap.add_argument("--no-float-head", dest="float_head", action="store_false")
    ap.add_argument("--check-evaluator", nargs=2, metavar=("JSON", "BIN"),
                    help="compare the numpy ONNX evaluator with the TF.js graph on one frame")
    ap.add_argument("--simulate", type=int, default=0, metavar="K",
                    help="compare FP32 and QDQ in numpy on K held-out frames")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    import onnx
    try:
        model = onnx.load(args.model)
        size = model_input_size(model)
        _, _, count = probe(args.video)
        idx = evenly_spaced(count, args.frames)
        canvases, _, _ = read_frames(args.video, idx, size)
        blobs = [cn.to_blob(c) for c in canvases]
        if args.check_evaluator:
            nodes, consts = cn.load_tfjs(*args.check_evaluator)
            consts = cn.set_input_size(nodes, consts, size)
            ref = cn.tf_reference_output(nodes, consts, blobs[0])
            got = run_onnx(model, {"input": blobs[0]})["output"]
            diff = float(np.abs(got.astype(np.float64) - ref).max())
            print("evaluator check (frame %d): max |onnx numpy - tf numpy| = %.3g, max |ref| = "
                  "%.3g" % (idx[0], diff, float(np.abs(ref).max())))
            if diff > 1e-3:
                return 1
        tensors, qconvs = quantizable_tensors(model, args.float_head)
        ranges = calibrate(model, blobs, tensors, args.calibration, args.percentile)
        share_ranges(model, ranges)
        if args.verbose:
            for t in tensors:
                print("range %-40s %10.4f %10.4f" % (t, ranges[t][0], ranges[t][1]),
                      file=sys.stderr)
        q = build_qdq(model, ranges, qconvs, args.activations == "s8", args.weight_bits)
        data = q.SerializeToString(deterministic=True)
        with open(args.out, "wb") as f:
            f.write(data)
    except (OSError, ValueError, KeyError, subprocess.CalledProcessError) as e:
        print("quantize_nanodet: error: %s" % e, file=sys.stderr)
        return 1
    if args.verbose:
        print("%d calibration frames %s, %d tensors quantised, %d of 34 Conv int8" % (
            len(idx), idx, len(tensors), len(qconvs)), file=sys.stderr)
    if args.simulate:
        held = [i for i in evenly_spaced(count, args.simulate, 0.5) if i not in idx]
        if not held:
            print("quantize_nanodet: error: --simulate %d: all its frames are calibration frames "
                  "(choose another K)" % args.simulate, file=sys.stderr)
            return 1
        canv, scale, (w, h) = read_frames(args.video, held, size)
        tot = np.zeros(3, int)
        dmax = 0.0
        for c in canv:
            blob = cn.to_blob(c)
            a = run_onnx(model, {"input": blob})["output"]
            b = run_onnx(q, {"input": blob})["output"]
            dmax = max(dmax, float(np.abs(a - b).max()))
            tot += agreement(cn.decode(a, scale, w, h, size=size),
                             cn.decode(b, scale, w, h, size=size))
        tp, fp, fn = tot
        print("simulate: %d frames, max |fp32 - qdq| = %.3g, detections tp %d fp %d fn %d, "
              "F1 %.3f" % (len(canv), dmax, tp, fp, fn, 2 * tp / max(2 * tp + fp + fn, 1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
