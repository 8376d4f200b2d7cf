"""TF.js graph models -> ONNX: the shared machinery of the model converters.

Used by convert_nanodet.py (NanoDet, from onnx-tf: NCHW<->NHWC transposes around every conv) and
convert_blazepose.py (BlazePose, a Keras export: NHWC throughout, fused conv ops).  Three parts:

  load_tfjs()         reads model.json + one weight shard (float16-quantised weights are
                      dequantised to float32) and returns the nodes in topological order
  run_tf_graph()      a numpy reference evaluator of the TF graph, op by op, float32
                      (eval_op: the ops these models use, nothing more)
  Converter           emits an ONNX graph (opset 11) while tracking each tensor's layout, so
                      TF Transposes cost nothing and convs run NCHW; constant sub-graphs are
                      folded in numpy; fold_pads_and_bias() and prune() tidy the result.

Supported TF ops: Identity, Add/AddV2, Sigmoid, LeakyRelu, Relu6, Transpose, Reshape, Pad/PadV2,
ConcatV2, SplitV, SparseToDense (constant only), Conv2D, _FusedConv2D and
FusedDepthwiseConv2dNative (fused BiasAdd, then optionally Relu or Relu6), MaxPool,
ResizeBilinear.  Anything else raises ValueError naming the op.

Deterministic: node and initializer names and order depend only on the TF.js graph.
Needs numpy; the Converter needs onnx (Debian: python3-numpy, python3-onnx).
"""

import base64
import collections
import json

import numpy as np


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


def fused_ops(node):
    """The fused_ops of _FusedConv2D / FusedDepthwiseConv2dNative: ("BiasAdd",) optionally
    followed by "Relu" or "Relu6" (the only forms supported)."""
    a = node.get("attr", {}).get("fused_ops", {}).get("list", {}).get("s", [])
    ops = tuple(base64.b64decode(v).decode() for v in a)
    if not ops or ops[0] != "BiasAdd" or len(ops) > 2 or \
            (len(ops) == 2 and ops[1] not in ("Relu", "Relu6")):
        raise ValueError("unsupported fused_ops %s in %s" % (list(ops), node["name"]))
    if int(node.get("attr", {}).get("num_args", {}).get("i", 1)) != 1 or \
            len(node.get("input", [])) != 3:
        raise ValueError("fused conv %s: expected one extra argument (the bias)" % node["name"])
    return ops


def fused_activation(node, y):
    act = fused_ops(node)[1:]
    if act == ("Relu",):
        return np.maximum(y, 0).astype(np.float32)
    if act == ("Relu6",):
        return np.clip(y, 0, 6).astype(np.float32)
    return y.astype(np.float32)


def eval_op(node, ins):
    """Evaluates one TF node on numpy inputs; returns a list of outputs."""
    op = node["op"]
    if op == "Identity":
        return [ins[0]]
    if op in ("Add", "AddV2"):
        return [ins[0] + ins[1]]
    if op == "Sigmoid":
        with np.errstate(over="ignore"):      # exp(-x) -> inf for x << 0: sigmoid 0, exact
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
    if op == "Relu6":
        return [np.clip(ins[0], 0, 6).astype(ins[0].dtype)]
    if op == "_FusedConv2D":
        y, = eval_op(dict(node, op="Conv2D"), ins[:2])
        return [fused_activation(node, y + ins[2])]
    if op == "FusedDepthwiseConv2dNative":
        x, f = ins[:2]
        nhwc, (sh, sw), pads = conv_geometry(node, x.shape, f.shape[:2])
        if not nhwc:
            raise ValueError("NCHW depthwise conv not supported in " + node["name"])
        kh, kw, cin, mult = f.shape
        p, oh, ow = np_windows(x, kh, kw, sh, sw, pads, 0.0)
        y = np.einsum("nhwijc,ijcm->nhwcm", p, f, optimize=True).reshape(
            x.shape[0], oh, ow, cin * mult).astype(np.float32)
        return [fused_activation(node, y + ins[2])]
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
    """input_perm: the layout of the ONNX input "input" relative to the TF placeholder
    (TF tensor == transpose(input, input_perm)); identity keeps the TF layout, (0, 2, 3, 1) makes
    an NHWC TF input an NCHW ONNX input.  strip: substrings removed from TF node names to make
    ONNX node names.  opset: the opset the graph is for (Clip takes its bounds as inputs from
    11 on, as attributes before; OpenCV 4.6's importer reads only the attribute form)."""

    def __init__(self, nodes, consts, shapes, input_perm=(0, 1, 2, 3),
                 strip=("PartitionedCall/", "onnx_tf_prefix_"), opset=11):
        self.opset = opset
        self.input_perm = tuple(input_perm)
        self.strip = strip
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
                self.vals[(node["name"], 0)] = Value("input", self.input_perm)
                continue
            if all(isinstance(i, np.ndarray) for i in ins):
                for k, out in enumerate(eval_op(node, ins)):      # constant folding
                    self.vals[(node["name"], k)] = out
                continue
            outs = getattr(self, "op_" + node["op"])(node, ins)
            for k, out in enumerate(outs):
                self.vals[(node["name"], k)] = out

    def out_name(self, node, k=0):
        name = node["name"]
        for prefix in self.strip:
            name = name.replace(prefix, "")
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

    def emit_relu6(self, x, out):
        if self.opset < 11:
            self.emit("Clip", [x], [out], out, min=0.0, max=6.0)
        else:
            self.emit("Clip", [x, self.init(out + "_min", np.array(0, np.float32)),
                               self.init(out + "_max", np.array(6, np.float32))], [out], out)

    def op_Relu6(self, node, ins):
        v = ins[0]
        out = self.out_name(node)
        self.emit_relu6(v.name, out)
        return [Value(out, v.perm)]

    def fused_conv(self, node, v, w, bias, group):
        """Conv (weights w [co, ci/group, kh, kw], bias) plus the node's fused activation."""
        if not isinstance(bias, np.ndarray) or bias.shape != (w.shape[0],):
            raise ValueError("non-constant or misshapen bias in " + node["name"])
        x, want = self.nchw_input(node, v)
        nhwc, (sh, sw), pads = conv_geometry(node, self.shapes[split_name(node["input"][0])],
                                             w.shape[2:])
        act = fused_ops(node)[1:]
        out = self.out_name(node)
        conv_out = out + "_conv" if act else out
        self.emit("Conv", [x, self.init(out + "_W", w.astype(np.float32)),
                           self.init(out + "_B", bias.astype(np.float32))], [conv_out], conv_out,
                  kernel_shape=list(w.shape[2:]), strides=[sh, sw],
                  pads=[pads[0][0], pads[1][0], pads[0][1], pads[1][1]], dilations=[1, 1],
                  group=group)
        if act == ("Relu",):
            self.emit("Relu", [conv_out], [out], out)
        elif act == ("Relu6",):
            self.emit_relu6(conv_out, out)
        return [Value(out, want)]

    def op__FusedConv2D(self, node, ins):
        v, f, bias = ins
        if not isinstance(f, np.ndarray):
            raise ValueError("non-constant filter in " + node["name"])
        cin_axis = 3 if attr_s(node, "data_format", "NHWC") == "NHWC" else 1
        if self.shapes[split_name(node["input"][0])][cin_axis] != f.shape[2]:
            raise ValueError("grouped Conv2D not supported in " + node["name"])
        w = np.transpose(f, (3, 2, 0, 1))                         # [kh,kw,ci,co] -> [co,ci,kh,kw]
        return self.fused_conv(node, v, w, bias, 1)

    def op_FusedDepthwiseConv2dNative(self, node, ins):
        v, f, bias = ins
        if not isinstance(f, np.ndarray):
            raise ValueError("non-constant filter in " + node["name"])
        if attr_s(node, "data_format", "NHWC") != "NHWC":
            raise ValueError("NCHW depthwise conv not supported in " + node["name"])
        kh, kw, cin, mult = f.shape
        # TF output channel c * mult + m reads input channel c: ONNX group = cin.
        w = np.transpose(f.reshape(kh, kw, cin * mult), (2, 0, 1))[:, None]
        return self.fused_conv(node, v, w, bias, cin)

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


def prune(nodes, outputs):
    """Drops the nodes that no graph output depends on (heads a model does not export)."""
    needed = set(outputs)
    keep = []
    for n in reversed(nodes):
        if any(o in needed for o in n.output):
            keep.append(n)
            needed.update(i for i in n.input if i)
    return keep[::-1]
