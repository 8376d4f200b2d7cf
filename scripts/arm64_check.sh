#!/usr/bin/env bash
# The ARM64 build's check under qemu-user (make test-arm64; docs/packaging.md "ARM64"). Runs,
# with qemu-aarch64-static -L SYSROOT (no binfmt registration):
#   1. the unit tests of the given test binaries (every test, each binary once);
#   2. `edgesight track` on TUD-Campus, compared with the native build's output when
#      there is one (build/edgesight);
#   3. `edgesight run` on the demo footage: 30 frames with the motion detector (frames,
#      detector runs and tracks in the summary), and the first frame with NanoDet on the arm64
#      ONNX Runtime, whose detections must match the native build's (the same classes, boxes
#      within 1 px, scores within 0.01).
# Emulation is slow and its speed is not a figure; correctness is. Prints one line per step and
# a final line for the README's platform table; exit 1 on any failure.
#   scripts/arm64_check.sh BUILD_DIR TEST_BINARY...
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:?usage: arm64_check.sh BUILD_DIR TEST_BINARY...}"
shift
CACHE="${ES_CACHE:-$HOME/.cache/edgesight}"
SYSROOT="$CACHE/sysroot-arm64"
QEMU=(/usr/bin/qemu-aarch64-static -L "$SYSROOT")
VIDEO=/usr/share/doc/opencv-doc/examples/data/vtest.avi
MOT=../shared/data/mot/TUD-Campus/det/det.txt
[[ -f "$MOT" ]] || MOT=tests/data/mot/TUD-Campus/det/det.txt
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail=0

passed=0 failed=0
for t in "$@"; do
  bin="$BUILD/$t"
  [[ -x "$bin" ]] || { echo "arm64: $t: not built"; fail=1; continue; }
  if "${QEMU[@]}" "$bin" --gtest_brief=1 >"$TMP/$t.log" 2>&1; then ok=yes; else ok=no; fail=1; fi
  p=$(sed -nE 's/^\[  PASSED  \] ([0-9]+) tests?.*/\1/p' "$TMP/$t.log" | tail -n 1)
  f=$(sed -nE 's/^\[  FAILED  \] ([0-9]+) tests?, listed below.*/\1/p' "$TMP/$t.log" | tail -n 1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  echo "arm64: $t: ${p:-0} passed, ${f:-0} failed$([[ $ok == no ]] && echo "; $(grep -m1 -E 'FAILED|rror' "$TMP/$t.log")")"
done

"${QEMU[@]}" "$BUILD/edgesight" track --mot-det "$MOT" --out "$TMP/track-arm64.txt" >/dev/null
if [[ -x build/edgesight ]]; then
  build/edgesight track --mot-det "$MOT" --out "$TMP/track-native.txt" >/dev/null
  if cmp -s "$TMP/track-arm64.txt" "$TMP/track-native.txt"; then
    echo "arm64: track on TUD-Campus: $(wc -l <"$TMP/track-arm64.txt") rows, identical to the native build"
  else
    echo "arm64: track on TUD-Campus: $(wc -l <"$TMP/track-arm64.txt") rows, DIFFERENT from the native build"
    diff "$TMP/track-arm64.txt" "$TMP/track-native.txt" | head -n 4
    fail=1
  fi
else
  echo "arm64: track on TUD-Campus: $(wc -l <"$TMP/track-arm64.txt") rows"
fi

# The pipeline on the demo footage with the motion detector (30 frames), then NanoDet on the
# arm64 ONNX Runtime on the first frame (one thread: emulated inference takes minutes), whose
# detections must match the native build's.
"${QEMU[@]}" "$BUILD/edgesight" run --source "$VIDEO" --max-frames 30 --detector motion \
  --json >"$TMP/run.json" 2>"$TMP/run.log" || { echo "arm64: run failed: $(tail -n 1 "$TMP/run.log")"; fail=1; }
run_line=$(/usr/bin/python3 - "$TMP/run.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
ok = s["frames"] == 30 and s["detector_runs"] > 0 and s.get("tracks", 0) > 0
print(("ok" if ok else "BAD") + f": {s['frames']} frames, {s['detector_runs']} detector runs "
      f"({s['detector']}), {s.get('tracks', 0)} tracks")
PY
) || run_line="BAD: no summary"
echo "arm64: run on vtest.avi: $run_line"
[[ "$run_line" == ok* ]] || fail=1
one=(run --source "$VIDEO" --max-frames 1 --set detector.threads=1 --set pipeline.stop_timeout_s=600)
"${QEMU[@]}" "$BUILD/edgesight" "${one[@]}" --events-out "$TMP/nanodet-arm64.jsonl" \
  >/dev/null 2>"$TMP/nanodet.log" || { echo "arm64: NanoDet run failed: $(tail -n 1 "$TMP/nanodet.log")"; fail=1; }
nanodet_line="not compared (no native build)"
if [[ -x build/edgesight ]]; then
  build/edgesight "${one[@]}" --events-out "$TMP/nanodet-native.jsonl" >/dev/null 2>&1
  nanodet_line=$(/usr/bin/python3 - "$TMP/nanodet-arm64.jsonl" "$TMP/nanodet-native.jsonl" <<'PY'
import json, sys
a, n = (json.loads(open(p).readline())["detections"] for p in sys.argv[1:3])
same = len(a) == len(n) and all(
    x["class"] == y["class"] and abs(x["score"] - y["score"]) <= 0.01 and
    all(abs(p - q) <= 1.0 for p, q in zip(x["box"], y["box"])) for x, y in zip(a, n))
print(("ok" if same else "BAD") + f": {len(a)} detections on frame 0 (native {len(n)}), "
      + ("the same classes, boxes within 1 px, scores within 0.01" if same else "different"))
PY
) || nanodet_line="BAD: no output"
fi
echo "arm64: NanoDet (ONNX Runtime arm64) on frame 0: $nanodet_line"
[[ "$nanodet_line" == BAD* ]] && fail=1

echo "arm64 (qemu-user, $(date -u +%F)): unit tests $passed passed, $failed failed;" \
  "run ${run_line#ok: }; NanoDet ${nanodet_line#ok: }"
exit "$fail"
