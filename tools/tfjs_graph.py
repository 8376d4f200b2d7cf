"""TF.js graph models -> ONNX: the shared machinery of the model converters.

Used by convert_nanodet.py (NanoDet, from onnx-tf: NCHW<->NHWC transposes around every conv),
convert_blazepose.py (BlazePose, a Keras export: NHWC throughout, fused conv ops) and
convert_movenet.py (MoveNet, a TF Object Detection API export: NHWC, with its keypoint decoding
in the graph: integer ArgMax / index arithmetic and GatherNd).  Three parts:

  load_tfjs()         reads model.json + one weight shard (float16-quantised weights are
                      dequantised to float32) and returns the nodes in topological order
  run_tf_graph()      a numpy reference evaluator of the TF graph, op by op, float32
                      (eval_op: the ops these models use, nothing more)
  Converter           emits an ONNX graph (opset 11) while tracking each tensor's layout, so
                      TF Transposes cost nothing and convs run NCHW; constant sub-graphs are
                      folded in numpy; fold_pads_and_bias(), fold_squeeze_pairs() and prune()
                      tidy the result.

Supported TF ops: Identity, Add/AddV2, Sub, Mul, RealDiv, SquaredDifference, Sqrt, Sigmoid,
LeakyRelu, Relu6, Cast (int32 <-> float32), Transpose, Reshape, ExpandDims, Squeeze, Pack,
Unpack, Pad/PadV2, ConcatV2, SplitV, SparseToDense (constant only), Conv2D, _FusedConv2D and
FusedDepthwiseConv2dNative (fused BiasAdd, then optionally Relu or Relu6),
DepthwiseConv2dNative, MaxPool, ResizeBilinear, ArgMax, FloorDiv (integer, of non-negative
values: ArgMax indices) and GatherNd.  Anything else raises ValueError naming the op.

Integer tensors: TF int32 values computed at run time (ArgMax and what follows it) are int64 in
the ONNX graph (ONNX ArgMax and GatherND indices are int64); constants they meet are converted.

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


def attr_i(node, key, default=None):
    a = node.get("attr", {}).get(key)
    return int(a["i"]) if a and "i" in a else default


TF_DTYPES = {"DT_FLOAT": np.float32, "DT_INT32": np.int32, "DT_INT64": np.int64}


def attr_dtype(node, key, default=None):
    """A type attribute (e.g. Cast's DstT) as a numpy dtype."""
    a = node.get("attr", {}).get(key)
    if not a or "type" not in a:
        return default
    if a["type"] not in TF_DTYPES:
        raise ValueError("unsupported dtype %s in %s" % (a["type"], node["name"]))
    return TF_DTYPES[a["type"]]


# ----------------------------------------------------------------------------------------------
# Reference evaluator: the TF graph in numpy (only the ops these models use), float32 (int32 for
# index arithmetic).


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


def np_depthwise(node, x, f):
    """DepthwiseConv2dNative (NHWC, no bias): [N, OH, OW, C * mult] float32."""
    nhwc, (sh, sw), pads = conv_geometry(node, x.shape, f.shape[:2])
    if not nhwc:
        raise ValueError("NCHW depthwise conv not supported in " + node["name"])
    kh, kw, cin, mult = f.shape
    p, oh, ow = np_windows(x, kh, kw, sh, sw, pads, 0.0)
    return np.einsum("nhwijc,ijcm->nhwcm", p, f, optimize=True).reshape(
        x.shape[0], oh, ow, cin * mult).astype(np.float32)


def np_binary(op, a, b):
    """Sub, Mul, RealDiv, SquaredDifference with TF's broadcasting, in the inputs' dtype."""
    dtype = np.result_type(a, b)
    if op == "Sub":
        y = a - b
    elif op == "Mul":
        y = a * b
    elif op == "RealDiv":
        if not np.issubdtype(dtype, np.floating):
            raise ValueError("integer RealDiv not supported")
        y = a / b
    else:
        d = a - b
        y = d * d
    return np.asarray(y, dtype)


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
    if op == "DepthwiseConv2dNative":
        return [np_depthwise(node, ins[0], ins[1])]
    if op in ("Sub", "Mul", "RealDiv", "SquaredDifference"):
        return [np_binary(op, ins[0], ins[1])]
    if op == "Sqrt":
        return [np.sqrt(ins[0]).astype(ins[0].dtype)]
    if op == "Cast":
        return [ins[0].astype(attr_dtype(node, "DstT"))]
    if op == "ExpandDims":
        return [np.expand_dims(ins[0], int(ins[1]))]
    if op == "Squeeze":
        dims = attr_ints(node, "squeeze_dims") or \
            [d for d, n in enumerate(ins[0].shape) if n == 1]
        return [np.squeeze(ins[0], axis=tuple(dims))]
    if op == "Pack":
        return [np.stack(ins, axis=attr_i(node, "axis", 0))]
    if op == "Unpack":
        x, axis = ins[0], attr_i(node, "axis", 0)
        return [np.take(x, k, axis=axis) for k in range(x.shape[axis])]
    if op == "ArgMax":                        # first index of the maximum, like TF
        dtype = attr_dtype(node, "output_type", np.int64)
        return [np.argmax(ins[0], axis=int(ins[1])).astype(dtype)]
    if op == "FloorDiv":
        return [np.floor_divide(ins[0], ins[1]).astype(np.result_type(ins[0], ins[1]))]
    if op == "GatherNd":
        params, idx = ins
        if idx.shape[-1] > params.ndim:
            raise ValueError("GatherNd index depth %d > rank %d in %s" % (
                idx.shape[-1], params.ndim, node["name"]))
        return [np.ascontiguousarray(params[tuple(idx[..., j] for j in range(idx.shape[-1]))])]
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
    """dtype: np.float32 or np.int64 (TF int32 at run time); nonneg: an integer known to be
    >= 0 (ArgMax indices), so that FloorDiv may become ONNX Div (which truncates)."""

    def __init__(self, onnx_name, perm, dtype=np.float32, nonneg=False):
        self.name = onnx_name
        self.perm = tuple(perm)
        self.dtype = dtype
        self.nonneg = nonneg


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
        return [Value(v.name, [v.perm[i] for i in perm.tolist()], v.dtype, v.nonneg)]

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
        if a.dtype != np.float32 or (b.ndim > len(a.perm) if isinstance(b, np.ndarray) else
                                     len(b.perm) != len(a.perm)):
            return self.binary(node, ins, "Add")    # integers, or ranks that broadcast up
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
        first = next(v for v in vs if isinstance(v, Value))
        perm = first.perm
        axis = axis % len(perm)
        out = self.out_name(node)
        names = [self.materialize(v, perm) if isinstance(v, Value) else
                 self.const_like(out + "_c%d" % k, v, first) for k, v in enumerate(vs)]
        self.emit("Concat", names, [out], out, axis=int(perm[axis]))
        return [Value(out, perm, first.dtype)]

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
        return [Value(out, range(len(shape)), v.dtype, v.nonneg)]

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

    # MoveNet's ops: unfused depthwise convs, elementwise maths with broadcasting, rank changes,
    # and the keypoint decoding's integer index arithmetic and gathers ---------------------------
    def op_DepthwiseConv2dNative(self, node, ins):
        v, f = ins
        if not isinstance(f, np.ndarray):
            raise ValueError("non-constant filter in " + node["name"])
        if attr_s(node, "data_format", "NHWC") != "NHWC":
            raise ValueError("NCHW depthwise conv not supported in " + node["name"])
        kh, kw, cin, mult = f.shape
        w = np.transpose(f.reshape(kh, kw, cin * mult), (2, 0, 1))[:, None].astype(np.float32)
        x, want = self.nchw_input(node, v)
        _, (sh, sw), pads = conv_geometry(node, self.shapes[split_name(node["input"][0])],
                                          (kh, kw))
        out = self.out_name(node)
        self.emit("Conv", [x, self.init(out + "_W", w)], [out], out, kernel_shape=[kh, kw],
                  strides=[sh, sw], pads=[pads[0][0], pads[1][0], pads[0][1], pads[1][1]],
                  dilations=[1, 1], group=cin)
        return [Value(out, want)]

    def const_like(self, base, c, like):
        """An initializer holding constant c in the dtype and layout of Value `like` (a c of
        lower rank gets leading 1s, as TF broadcasting does)."""
        c = np.asarray(c).astype(like.dtype)
        c = c.reshape((1,) * (len(like.perm) - c.ndim) + c.shape)
        return self.init(base, np.transpose(c, inverse(like.perm)))

    def binary(self, node, ins, op):
        """Elementwise Add / Sub / Mul / Div / SquaredDifference with TF's broadcasting; either
        input may be a constant.  Operands of different ranks are computed in TF order."""
        a, b = ins
        v = a if isinstance(a, Value) else b
        ranks = [len(x.perm) if isinstance(x, Value) else np.ndim(x) for x in ins]
        rank = max(ranks)
        out = self.out_name(node)
        if isinstance(a, Value) and isinstance(b, Value):
            if a.dtype != b.dtype:
                raise ValueError("mixed dtypes in " + node["name"])
            perm = a.perm if ranks[0] == ranks[1] else tuple(range(rank))
            names = [self.materialize(x, perm if len(x.perm) == rank else range(len(x.perm)))
                     for x in ins]
        else:
            c = a if v is b else b
            if len(v.perm) < rank:             # the constant has more axes: TF order
                perm = tuple(range(rank))
                x = self.materialize(v, range(len(v.perm)))
                cname = self.init(out + "_c", np.asarray(c).astype(v.dtype))
            else:
                perm, x, cname = v.perm, v.name, self.const_like(out + "_c", c, v)
            names = [x, cname] if v is a else [cname, x]
        if op == "SquaredDifference":
            diff = out + "_diff"
            self.emit("Sub", names, [diff], diff)
            self.emit("Mul", [diff, diff], [out], out)
        else:
            self.emit(op, names, [out], out)
        return [Value(out, perm, v.dtype)]

    def op_Sub(self, node, ins):
        return self.binary(node, ins, "Sub")

    def op_Mul(self, node, ins):
        return self.binary(node, ins, "Mul")

    def op_RealDiv(self, node, ins):
        if ins[0].dtype != np.float32:
            raise ValueError("integer RealDiv not supported in " + node["name"])
        return self.binary(node, ins, "Div")

    def op_SquaredDifference(self, node, ins):
        return self.binary(node, ins, "SquaredDifference")

    def op_FloorDiv(self, node, ins):
        """Integer FloorDiv of a non-negative value (ArgMax indices) by a positive constant: ONNX
        Div truncates towards zero, which is the floor there."""
        a, b = ins
        if not (isinstance(a, Value) and a.dtype == np.int64 and a.nonneg and
                isinstance(b, np.ndarray) and np.issubdtype(b.dtype, np.integer) and
                np.all(b > 0)):
            raise ValueError("FloorDiv supported only for a non-negative integer by a positive "
                             "constant (%s)" % node["name"])
        y, = self.binary(node, ins, "Div")
        y.nonneg = True
        return [y]

    def op_Sqrt(self, node, ins):
        return self.unary(node, ins, "Sqrt")

    def op_Cast(self, node, ins):
        """int32 -> float32 (an ONNX Cast) and same-kind casts (nothing).  The graph input is
        float32 in ONNX even where the TF placeholder is int32 (the engines feed floats), so the
        placeholder's own Cast to float vanishes."""
        v = ins[0]
        dst = attr_dtype(node, "DstT")
        want = np.float32 if dst == np.float32 else np.int64
        if v.dtype == want:
            return [v]
        if want != np.float32:
            raise ValueError("Cast from float to an integer not supported in " + node["name"])
        from onnx import TensorProto
        out = self.out_name(node)
        self.emit("Cast", [v.name], [out], out, to=TensorProto.FLOAT)
        return [Value(out, v.perm)]

    def emit_axes_op(self, op, x, axes, out):
        """Squeeze / Unsqueeze: axes are an attribute before opset 13, an input from 13 on."""
        if self.opset < 13:
            self.emit(op, [x], [out], out, axes=list(axes))
        else:
            self.emit(op, [x, self.init(out + "_axes", np.array(axes, np.int64))], [out], out)

    def op_ExpandDims(self, node, ins):
        """A new axis of size 1; in the ONNX tensor it goes right after the axis that holds the
        TF axis before it, so that layouts stay as they are (no Transpose)."""
        v, dim = ins
        d = int(dim) % (len(v.perm) + 1)
        q = 0 if d == 0 else v.perm[d - 1] + 1
        shifted = [p + (p >= q) for p in v.perm]
        out = self.out_name(node)
        self.emit_axes_op("Unsqueeze", v.name, [q], out)
        return [Value(out, shifted[:d] + [q] + shifted[d:], v.dtype, v.nonneg)]

    def op_Squeeze(self, node, ins):
        v = ins[0]
        shape = self.shapes[split_name(node["input"][0])]
        dims = attr_ints(node, "squeeze_dims") or [d for d, n in enumerate(shape) if n == 1]
        dims = sorted(d % len(shape) for d in dims)
        xs = sorted(v.perm[d] for d in dims)
        perm = [p - sum(x < p for x in xs) for i, p in enumerate(v.perm) if i not in dims]
        out = self.out_name(node)
        self.emit_axes_op("Squeeze", v.name, xs, out)
        return [Value(out, perm, v.dtype, v.nonneg)]

    def op_Unpack(self, node, ins):
        v = ins[0]
        axis = attr_i(node, "axis", 0) % len(v.perm)
        n = self.shapes[split_name(node["input"][0])][axis]
        q = v.perm[axis]
        perm = [p - (p > q) for i, p in enumerate(v.perm) if i != axis]
        base = self.out_name(node)
        parts = [v.name]
        if n != 1:
            parts = [base + "_part%d" % k for k in range(n)]
            if self.opset < 13:
                self.emit("Split", [v.name], parts, base + "_split", axis=q, split=[1] * n)
            else:
                self.emit("Split", [v.name, self.init(base + "_split", np.ones(n, np.int64))],
                          parts, base + "_split", axis=q)
        outs = []
        for k, part in enumerate(parts):
            out = self.out_name(node, k)
            self.emit_axes_op("Squeeze", part, [q], out)
            outs.append(Value(out, perm, v.dtype, v.nonneg))
        return outs

    def op_Pack(self, node, ins):
        first = next(v for v in ins if isinstance(v, Value))
        rank = len(first.perm)
        axis = attr_i(node, "axis", 0) % (rank + 1)
        out = self.out_name(node)
        names = []
        for k, v in enumerate(ins):
            if isinstance(v, Value):
                if v.dtype != first.dtype:
                    raise ValueError("mixed dtypes in " + node["name"])
                name = out + "_%d" % k
                self.emit_axes_op("Unsqueeze", self.materialize(v, range(rank)), [axis], name)
            else:
                name = self.init(out + "_c%d" % k, np.expand_dims(v, axis).astype(first.dtype))
            names.append(name)
        self.emit("Concat", names, [out], out, axis=axis)
        return [Value(out, range(rank + 1), first.dtype,
                      all(isinstance(v, Value) and v.nonneg or
                          isinstance(v, np.ndarray) and np.all(v >= 0) for v in ins))]

    def op_ArgMax(self, node, ins):
        """TF ArgMax (int32 or int64) -> ONNX ArgMax (int64, keepdims 0); both return the first
        index of the maximum."""
        v, dim = ins
        axis = int(dim) % len(v.perm)
        q = v.perm[axis]
        out = self.out_name(node)
        self.emit("ArgMax", [v.name], [out], out, axis=q, keepdims=0)
        return [Value(out, [p - (p > q) for i, p in enumerate(v.perm) if i != axis], np.int64,
                      nonneg=True)]

    def op_GatherNd(self, node, ins):
        params, idx = ins
        p_shape = self.shapes[split_name(node["input"][0])]
        i_shape = self.shapes[split_name(node["input"][1])]
        out = self.out_name(node)
        if isinstance(params, Value):
            p, dtype = self.materialize(params, range(len(params.perm))), params.dtype
        else:
            dtype = np.float32 if np.issubdtype(params.dtype, np.floating) else np.int64
            p = self.init(out + "_params", params.astype(dtype))
        if isinstance(idx, Value):
            i = self.materialize(idx, range(len(idx.perm)))
        else:
            i = self.init(out + "_indices", idx.astype(np.int64))
        self.emit("GatherND", [p, i], [out], out)
        return [Value(out, range(len(i_shape) - 1 + len(p_shape) - i_shape[-1]), dtype)]


def fold_squeeze_pairs(nodes, outputs=()):
    """Drops Unsqueeze(Squeeze(x)) pairs over the same axes (TF's unstack / expand_dims around a
    batch of one): consumers read x directly; prune() then removes the pair."""
    from onnx import helper
    producer = {}
    alias = {}
    for n in nodes:
        for k, i in enumerate(n.input):
            if i in alias:
                n.input[k] = alias[i]
        for o in n.output:
            producer[o] = n
        if n.op_type != "Unsqueeze" or len(n.input) != 1 or n.output[0] in outputs:
            continue
        src = producer.get(n.input[0])
        if src is None or src.op_type != "Squeeze" or len(src.input) != 1:
            continue
        axes = {a.name: helper.get_attribute_value(a) for a in n.attribute}.get("axes")
        src_axes = {a.name: helper.get_attribute_value(a) for a in src.attribute}.get("axes")
        if axes is not None and list(axes) == list(src_axes or []):
            alias[n.output[0]] = src.input[0]
    return nodes


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


def read_letterboxed(image_path, size):
    """IMAGE decoded and letterboxed by the ffmpeg CLI: [size, size, 3] uint8 RGB, the image
    scaled to fit (bilinear) and centred on black (the converters' --verify and --reference)."""
    import subprocess  # only the image paths need it
    vf = ("scale=%d:%d:force_original_aspect_ratio=decrease:flags=bilinear+accurate_rnd+bitexact,"
          "pad=%d:%d:(ow-iw)/2:(oh-ih)/2:black" % (size, size, size, size))
    raw = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-threads", "1", "-i", image_path,
                          "-vf", vf, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         check=True, capture_output=True).stdout
    if len(raw) != size * size * 3:
        raise ValueError("ffmpeg returned %d bytes for %s" % (len(raw), image_path))
    return np.frombuffer(raw, np.uint8).reshape(size, size, 3)


def converter_main(doc, tool, stem, build, reference, verify, add_args=None):
    """The command line the pose converters share: --json/--bin (the TF.js model, STEM.json and
    STEM.bin), --out (convert), --verify IMAGE (after --out), --reference IMAGE --reference-out
    FILE. build(nodes, consts, args) returns the ONNX model; reference(nodes, consts, image,
    out_path) writes the TF graph's outputs on IMAGE; verify(nodes, consts, onnx_path, image)
    returns the exit code. add_args(parser) adds the converter's own flags. Returns the exit
    code; errors are one line "TOOL: error: ..." and 1."""
    import argparse
    import subprocess
    import sys
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--json", required=True, help="TF.js model.json (%s.json)" % stem)
    ap.add_argument("--bin", required=True, help="TF.js weights (%s.bin)" % stem)
    ap.add_argument("--out", help="output .onnx path")
    if add_args:
        add_args(ap)
    ap.add_argument("--verify", metavar="IMAGE", help="compare TF graph vs ONNX on IMAGE")
    ap.add_argument("--reference", metavar="IMAGE", help="run the TF graph on IMAGE")
    ap.add_argument("--reference-out", metavar="FILE", help="where --reference writes")
    args = ap.parse_args()
    if not args.out and not args.reference:
        ap.error("give --out (convert) or --reference IMAGE --reference-out FILE")
    if args.verify and not args.out:
        ap.error("--verify needs --out")
    if bool(args.reference) != bool(args.reference_out):
        ap.error("--reference and --reference-out go together")
    try:
        nodes, consts = load_tfjs(args.json, args.bin)
        if args.reference:
            reference(nodes, consts, args.reference, args.reference_out)
        if args.out:
            data = build(nodes, consts, args).SerializeToString(deterministic=True)
            with open(args.out, "wb") as f:
                f.write(data)
    except (OSError, ValueError, KeyError, subprocess.CalledProcessError) as e:
        print("%s: error: %s" % (tool, e), file=sys.stderr)
        return 1
    if args.verify:
        return verify(nodes, consts, args.out, args.verify)
    return 0
