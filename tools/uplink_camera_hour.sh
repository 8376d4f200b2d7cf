#!/usr/bin/env bash
# Bytes uplinked per camera-hour versus streaming the raw video (README "Benchmarks", issue 4).
# Starts a private mosquitto on a free loopback port, runs `edgesight run` with the uplink on
# each source (every frame processed), then prints `edgesight uplink-stats --json` per source.
#   tools/uplink_camera_hour.sh [BUILD_DIR]          (default: build)
set -euo pipefail
BUILD=${1:-build}
BIN=$BUILD/edgesight
VTEST=/usr/share/doc/opencv-doc/examples/data/vtest.avi
WORK=$(mktemp -d)
trap 'kill $BROKER 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/sbin/mosquitto -p "$PORT" >"$WORK/broker.log" 2>&1 &
BROKER=$!
sleep 0.5

run() {  # name source extra-args...
  local name=$1 src=$2
  shift 2
  "$BIN" run --source "$src" --device bench --mqtt "mqtt://127.0.0.1:$PORT" \
    --outbox "$WORK/$name.db" --set source.realtime=false --set pipeline.queue_policy=block \
    "$@" >"$WORK/$name.summary.json"
  "$BIN" uplink-stats --outbox "$WORK/$name.db" --json >"$WORK/$name.stats.json"
  python3 - "$name" "$WORK/$name.summary.json" "$WORK/$name.stats.json" <<'PY'
import json, sys
name, summary, stats = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
c = stats["comparison"]
sent = stats["sent"]["total"]
hours = c["camera_hours"]
no_crops = (sent["event"] + sent["status"]) / hours
raw = c["raw_bytes_per_camera_hour"]
print(f"{name}: {hours*3600:.0f} s of video, {summary['tracks']} tracks, {summary['events']} "
      f"events; sent event {sent['event']} B, crop {sent['crop']} B, status {sent['status']} B")
print(f"  per camera-hour: uplink {c['uplink_bytes_per_camera_hour']/1e6:.3f} MB, of which "
      f"events+status {no_crops/1e6:.3f} MB; raw video {raw/1e6:.1f} MB "
      f"({stats['sources'][0]['raw_method']}): {c['reduction_pct']:.2f}% less "
      f"({100*(1-no_crops/raw):.2f}% without crops)")
PY
}

[ -f "$VTEST" ] && run vtest "$VTEST"
run walk synthetic:walk --detector motion --max-frames 300
run crowd synthetic:crowd --max-frames 1500
