#!/usr/bin/env bash
# What a shadow costs a running device (docs/models.md "Shadow cost"): three `edgesight run`s of
# vtest.avi paced like a camera, on det@1 (the embedded NanoDet 416) from a model store: without
# a candidate, and with the NanoDet 320 candidate shadowed for the whole run (shadow_frames too
# large to finish) at one frame per 0.5 s (the default) and on every frame the tap sees
# (shadow_period_s 0). Prints per run: CPU seconds (user + sys), detector runs, the achieved
# detection period of the camera, frames dropped, and the shadow frames done. Then the agreement
# of each variant the set-up builds (NanoDet 320, NanoDet 416 INT8, NanoDet 320 INT8) as
# promoted or rejected events: F1, precision, recall, run p99 of both models.
# Everything lives in a temporary directory.
#   tools/model_shadow_cost.sh [BUILD_DIR] [FRAMES]          (default build, 300)
set -euo pipefail
BUILD="${1:-build}"
FRAMES="${2:-300}"
VIDEO=/usr/share/doc/opencv-doc/examples/data/vtest.avi
MODELS="${ES_MODEL_DIR:-$HOME/.cache/edgesight/models}"
DIR="$(mktemp -d /tmp/es_shadow_XXXXXX)"
trap 'rm -rf "$DIR"' EXIT
E="$BUILD/edgesight"
"$E" model keygen --out "$DIR/k" >/dev/null
pack() {  # pack VERSION FILE
  mkdir -p "$DIR/v$1" && cp "$MODELS/$2" "$DIR/v$1/m.onnx"
  "$E" model pack "$DIR/v$1" --key "$DIR/k" -o "$DIR/det-$1.esm" --name det --version "$1" >/dev/null
}
pack 1 nanodet-m-416.onnx
pack 2 nanodet-320.onnx
pack 3 nanodet-m-416-int8.onnx
pack 4 nanodet-320-int8.onnx
run() {  # run NAME BUNDLE SHADOW_FRAMES SHADOW_PERIOD
  rm -rf "$DIR/store" "$DIR/inbox" && mkdir -p "$DIR/inbox"
  "$E" model install "$DIR/det-1.esm" --pub "$DIR/k.pub" --store "$DIR/store" --activate >/dev/null
  [ -n "$2" ] && cp "$DIR/det-$2.esm" "$DIR/inbox/"
  cat >"$DIR/$1.yaml" <<YAML
source: {uri: "$VIDEO", stream_id: cam0, realtime: true}
models: {store: "$DIR/store", trusted_keys: ["$DIR/k.pub"], inbox: "$DIR/inbox", poll_s: 0.2,
         shadow_frames: $3, shadow_period_s: $4, shadow_timeout_s: 3600, watch_frames: 10}
YAML
  /usr/bin/time -f "%U %S" -o "$DIR/$1.time" "$E" run --config "$DIR/$1.yaml" \
    --max-frames "$FRAMES" --json >"$DIR/$1.json" 2>"$DIR/$1.log"
}
summarise() {
  python3 - "$DIR" "$@" <<'PY'
import json, sys
d = sys.argv[1]
for name in sys.argv[2:]:
    s = json.load(open(f"{d}/{name}.json"))
    user, sys_ = (float(x) for x in open(f"{d}/{name}.time").read().split())
    sched = s.get("schedule", {})
    ev = s.get("models", {}).get("events", [])
    last = ev[-1] if ev else {}
    print(f"{name:28s} cpu {user + sys_:6.2f} s  runs {s['detector_runs']:4d}  "
          f"period {sched.get('achieved_period_s', '-')}  dropped {s['frames_dropped']}  "
          f"decision {last.get('action', '-')} {last.get('reason', '')} "
          f"f1 {last.get('f1', '-')} p {last.get('precision', '-')} r {last.get('recall', '-')} "
          f"p99 {last.get('active_p99_ms', '-')}/{last.get('candidate_p99_ms', '-')} ms "
          f"shadow frames {last.get('shadow_frames', '-')}")
PY
}
echo "== shadow cost ($FRAMES frames at 10 fps)"
run none "" 30 0.5
run shadow-0.5s 2 100000 0.5
run shadow-every 2 100000 0
summarise none shadow-0.5s shadow-every
echo "== agreement of each variant with det@1 (30 shadow frames, 0.2 s apart)"
run nanodet-320 2 30 0.2
run nanodet-416-int8 3 30 0.2
run nanodet-320-int8 4 30 0.2
summarise nanodet-320 nanodet-416-int8 nanodet-320-int8
