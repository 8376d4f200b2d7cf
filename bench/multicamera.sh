#!/usr/bin/env bash
# Many cameras in one process vs one process per camera, side by side in one run.
#
#   bench/multicamera.sh [N...]        default N = 1 2 4 8
#   bench/multicamera.sh fairness      one camera in a motion storm, seven with people in an
#                                      armed zone; run with the zone armed and not armed
#
# Makes a 1280x720 15 fps H.264 file from the embedded footage (vtest.avi) with ffmpeg, then for
# each N runs (a) one `edgesight run` with N --source flags and (b) N separate `edgesight run`
# processes, every source paced live (--realtime, like a camera), with the default
# detector (NanoDet), the motion gate on and pipeline.detect_period_s=$PERIOD (default 0.2).
# Prints per run: CPU seconds (user+sys) over wall seconds, peak RSS (sum over processes for
# b), and per camera the achieved detection period, glass-to-decision p50/p99 and drops.
# Environment: ES (binary, default build/edgesight), FRAMES (default 150 = 10 s), PERIOD,
# DETECTOR (a --detector value, e.g. onnx:$CACHE/models/nanodet-m-416-int8.onnx,format=nanodet;
# default: the embedded NanoDet), SETS (more --set overrides, space separated, e.g.
# "detector.workers=2 detector.threads=1"), SEPARATE=0 (skip the one-process-per-camera runs).
set -euo pipefail
cd "$(dirname "$0")/.."
ES=${ES:-build/edgesight}
FRAMES=${FRAMES:-150}
PERIOD=${PERIOD:-0.2}
VTEST=/usr/share/doc/opencv-doc/examples/data/vtest.avi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src="$work/720p15.mp4"
ffmpeg -nostdin -loglevel error -stream_loop 2 -i "$VTEST" -t 20 -vf scale=1280:720 -r 15 \
  -c:v libx264 -preset veryfast -pix_fmt yuv420p "$src"
common=(--realtime --max-frames "$FRAMES" --set "pipeline.detect_period_s=$PERIOD")
if [ -n "${DETECTOR:-}" ]; then common+=(--detector "$DETECTOR"); fi
for kv in ${SETS:-}; do common+=(--set "$kv"); done

report() {  # $1: label, $2: time file(s) dir, $3..: summary files
  local label=$1 tdir=$2
  shift 2
  python3 - "$label" "$tdir" "$@" <<'EOF'
import json, sys, glob
label, tdir, files = sys.argv[1], sys.argv[2], sys.argv[3:]
cpu = wall = rss = 0.0
for t in glob.glob(tdir + "/*.time"):
    f = dict(l.strip().split("=", 1) for l in open(t) if "=" in l)
    cpu += float(f["user"]) + float(f["sys"])
    wall = max(wall, float(f["wall"]))
    rss += float(f["rss_kb"]) / 1024
cams = {}
for path in files:
    s = json.load(open(path))
    for cid, c in (s["cameras"].items() if "cameras" in s else [(path, s)]):
        cams[cid] = c
periods = [c["schedule"]["achieved_period_s"] for c in cams.values()]
p99 = [c["latency_ms"]["glass_to_decision"]["p99"] for c in cams.values()]
p50 = [c["latency_ms"]["glass_to_decision"]["p50"] for c in cams.values()]
drops = sum(c["frames_dropped"] for c in cams.values())
frames = sum(c["frames_read"] for c in cams.values())
print(f"{label:28s} cpu/wall {cpu/wall:5.2f} cores  peak RSS {rss:7.1f} MiB  "
      f"period mean {sum(periods)/len(periods):.3f} s (max {max(periods):.3f})  "
      f"g2d p50 {max(p50):6.1f} ms p99 {max(p99):6.1f} ms  drops {drops}/{frames}")
EOF
}

timed() {  # $1: time file, rest: command
  local out=$1
  shift
  /usr/bin/time -f "user=%U\nsys=%S\nwall=%e\nrss_kb=%M" -o "$out" "$@"
}

# Fairness: camera "storm" sees a full-frame noise storm (its gate passes every frame); seven
# cameras see people walking inside a zone covering the frame. Same run with armed: true/false.
fairness() {
  local storm="$work/storm.mp4"
  ffmpeg -nostdin -loglevel error -f lavfi -i "color=c=gray:s=1280x720:r=15,noise=alls=100:allf=t" \
    -t 12 -c:v libx264 -preset veryfast -pix_fmt yuv420p "$storm"
  for armed in false true; do
    local cfg="$work/fair-$armed.yaml"
    {
      echo "source: {realtime: true}"
      echo "pipeline: {detect_period_s: $PERIOD, max_frames: $FRAMES}"
      echo "analytics:"
      echo "  zones:"
      echo "    - {name: all, polygon: [[0, 0], [1280, 0], [1280, 720], [0, 720]], armed: $armed}"
      echo "cameras:"
      echo "  - {id: storm, source: $storm}"
      for i in 1 2 3 4 5 6 7; do echo "  - {id: quiet$i, source: $src}"; done
    } >"$cfg"
    "$ES" run --config "$cfg" >"$work/fair-$armed.json"
    python3 - "$armed" "$work/fair-$armed.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[2]))
print(f"armed zone: {sys.argv[1]}")
for cid, c in s["cameras"].items():
    sc = c["schedule"]
    arm = c.get("armed", {}).get("armed_changes", 0)
    print(f"  {cid:7s} period {sc['achieved_period_s']:.3f} s  runs {sc['runs']:3d}  "
          f"shed {sc['shed']}  starved {sc['starved']}  armed changes {arm}  "
          f"g2d p99 {c['latency_ms']['glass_to_decision']['p99']:6.1f} ms  "
          f"drops {c['frames_dropped']}")
EOF
  done
}

if [ "${1:-}" = fairness ]; then
  fairness
  exit 0
fi

for n in "${@:-1 2 4 8}"; do
  for n1 in $n; do
    d="$work/one-$n1" && mkdir -p "$d"
    args=()
    for ((i = 0; i < n1; i++)); do args+=(--source "$src"); done
    timed "$d/run.time" "$ES" run "${args[@]}" "${common[@]}" >"$d/summary.json"
    report "N=$n1 one process" "$d" "$d/summary.json"
    [ "${SEPARATE:-1}" = 0 ] && continue
    d="$work/sep-$n1" && mkdir -p "$d"
    pids=()
    for ((i = 0; i < n1; i++)); do
      timed "$d/$i.time" "$ES" run --source "$src" "${common[@]}" >"$d/$i.json" &
      pids+=($!)
    done
    wait "${pids[@]}"
    report "N=$n1 separate processes" "$d" "$d"/*.json
  done
done
