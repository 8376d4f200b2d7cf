#!/usr/bin/env bash
# Footprint report for the edge binary (issue: lean footprint). Prints a Markdown table of:
# - shared libraries the dynamic loader initialises for `edgesight run` (LD_DEBUG=files, so
#   libraries opened later with dlopen count too),
# - start-up time of `edgesight track` on TUD-Campus (71 frames): median wall time of 11 runs,
# - peak RSS (GNU time) of `edgesight run` on one and on eight 1280x720 cameras (vtest.avi
#   scaled to 720p by ffmpeg, 150 frames each, the default detector),
# - the size of the .deb when one is given as $DEB.
# Usage: scripts/footprint.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-build}/edgesight"
[ -x "$BIN" ] || { echo "footprint: no binary at $BIN (run make build first)" >&2; exit 2; }
VIDEO=/usr/share/doc/opencv-doc/examples/data/vtest.avi
MOT=../shared/data/mot/TUD-Campus/det/det.txt
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ffmpeg -loglevel error -y -i "$VIDEO" -frames:v 150 -vf scale=1280:720 -c:v libx264 \
  -preset ultrafast -g 25 "$TMP/720p.mp4"

libs=$(LD_DEBUG=files "$BIN" run --source "$TMP/720p.mp4" --max-frames 5 2>&1 >/dev/null |
  grep -c "calling init:" || true)

times=()
for _ in $(seq 11); do
  s=$(date +%s%N)
  "$BIN" track --mot-det "$MOT" --out "$TMP/res.txt" >/dev/null 2>&1
  e=$(date +%s%N)
  times+=($(((e - s) / 1000)))
done
track_ms=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 6p | awk '{printf "%.1f", $1 / 1000}')

rss() {  # peak RSS in MiB of `edgesight run` over the given sources
  local args=()
  for s in "$@"; do args+=(--source "$s"); done
  /usr/bin/time -f "%M" -o "$TMP/rss" "$BIN" run "${args[@]}" >/dev/null 2>&1
  awk '{printf "%.0f", $1 / 1024}' "$TMP/rss"
}
one=$(rss "$TMP/720p.mp4")
eight=$(rss $(for _ in $(seq 8); do echo "$TMP/720p.mp4"; done))

echo "| measure | value |"
echo "|---|---|"
echo "| shared libraries initialised by \`edgesight run\` | $libs |"
echo "| \`edgesight track\` on TUD-Campus (71 frames), median of 11 | $track_ms ms |"
echo "| peak RSS, \`edgesight run\`, one 720p camera | $one MiB |"
echo "| peak RSS, \`edgesight run\`, eight 720p cameras | $eight MiB |"
if [ -n "${DEB:-}" ]; then
  echo "| package $(basename "$DEB") | $(du -k "$DEB" | awk '{printf "%.1f MB", $1 / 1024}') |"
fi
