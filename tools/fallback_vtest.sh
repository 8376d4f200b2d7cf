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
get() { python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
MQTT_PORT=$(free_port)
HTTP_PORT=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\nlog_dest none\n' "$MQTT_PORT" >"$DIR/mosquitto.conf"
/usr/sbin/mosquitto -c "$DIR/mosquitto.conf" &
BROKER=$!
"$BUILD/edgesight-backend" --mqtt "mqtt://127.0.0.1:$MQTT_PORT" --worker w0 --db "$DIR/backend.db" \
  --http "127.0.0.1:$HTTP_PORT" >"$DIR/backend.json" 2>"$DIR/backend.log" &
BACKEND=$!
EDGE_PORT=$MQTT_PORT
PROXY=""
if [[ -n "${EDGE_DELAY_MS:-}" ]]; then
  EDGE_PORT=$(free_port)
  "$(dirname "$0")/delay_proxy.py" --listen "$EDGE_PORT" --to "127.0.0.1:$MQTT_PORT" \
    --delay-ms "$EDGE_DELAY_MS" --jitter-ms "${EDGE_JITTER_MS:-0}" &
  PROXY=$!
  sleep 0.5
fi
trap 'kill $BACKEND $BROKER $PROXY 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 100); do
  get "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
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
