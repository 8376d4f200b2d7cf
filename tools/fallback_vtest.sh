#!/usr/bin/env bash
# Cloud-fallback on the embedded footage (docs/hybrid.md "Cloud-fallback"): a mosquitto broker and
# one edgesight-backend worker on 127.0.0.1, then two `edgesight run`s of vtest.avi paced like a
# camera (realtime): one whose model file is missing (fallback on: every detection comes from the
# backend, at most MAX_FPS frames per second), and a baseline with its model detecting locally at
# the same rate (detect_period_s = 1 / MAX_FPS). Prints, per run: detector runs, tracks,
# track-frames, and for the fallback run its summary (round trip p50/p99, frames answered,
# bytes sent). MAX_SIDE (default 416, the default model's input) sets fallback.max_side.
# Everything lives in a temporary directory.
#   tools/fallback_vtest.sh [BUILD_DIR] [MAX_FPS] [FRAMES]      (default build, 5, 300)
# With EDGE_DELAY_MS (and EDGE_JITTER_MS) set, the edge reaches the broker through
# tools/delay_proxy.py: an emulated slow uplink (one-way delay and jitter each way, no loss).
set -euo pipefail
BUILD="${1:-build}"
FPS="${2:-5}"
FRAMES="${3:-300}"
VIDEO=/usr/share/doc/opencv-doc/examples/data/vtest.avi
DIR="$(mktemp -d /tmp/es_fallback_XXXXXX)"
. "$(dirname "$0")/hybrid_env.sh"
trap 'kill $BACKEND $BROKER $PROXY 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$DIR"' EXIT
PERIOD=$(python3 -c "print(1 / $FPS)")
cat >"$DIR/fallback.yaml" <<YAML
source: {uri: "$VIDEO", stream_id: cam0, realtime: true}
detector: {type: onnx, format: nanodet, model: "$DIR/missing.onnx"}
uplink: {mqtt: "mqtt://127.0.0.1:$EDGE_PORT", outbox: "$DIR/outbox.db"}
fallback: {enabled: true, max_fps: $FPS, timeout_s: 2, max_side: ${MAX_SIDE:-416}}
YAML
cat >"$DIR/local.yaml" <<YAML
source: {uri: "$VIDEO", stream_id: cam0, realtime: true}
pipeline: {detect_period_s: $PERIOD}
YAML
"$BUILD/edgesight" run --config "$DIR/fallback.yaml" --device edge1 --max-frames "$FRAMES" \
  --json >"$DIR/fallback.json" 2>"$DIR/fallback.log"
"$BUILD/edgesight" run --config "$DIR/local.yaml" --device edge1 --max-frames "$FRAMES" \
  --json >"$DIR/local.json" 2>"$DIR/local.log"
python3 - "$DIR/fallback.json" "$DIR/local.json" <<'PY'
import json, sys
for name, path in (("fallback (backend detects)", sys.argv[1]), ("local at the same rate", sys.argv[2])):
    s = json.load(open(path))
    print(f"== {name}: frames {s['frames']}, detector runs {s['detector_runs']}, "
          f"tracks {s['tracks']}, track-frames {s['track_frames']}, skipped {s['skipped']}")
    if "fallback" in s:
        print(json.dumps(s["fallback"], indent=1))
PY
