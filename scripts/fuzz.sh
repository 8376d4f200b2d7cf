#!/usr/bin/env bash
# Fuzzes the parsers that read untrusted bytes, each for a bounded time, with libFuzzer,
# AddressSanitizer and UBSan (clang). Not part of `make test`; run it like a benchmark:
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 60)
#
# Targets (fuzz/): fuzz_config (site YAML -> cameras' configs), fuzz_mot (MOTChallenge text and
# the evaluation's preprocessing), fuzz_onvif (SOAP responses, faults and requests), fuzz_crop
# (the binary crop messages on .../crops), fuzz_settings (a live settings PATCH body). The corpus
# lives in fuzz/corpus/<target>/ and grows with what libFuzzer finds (commit the new files).
# A crash leaves its input in build-fuzz/crash-* and the script exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
ES_CACHE=${ES_CACHE:-$HOME/.cache/edgesight}
missing=()
for p in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DES_FUZZ=ON -DES_ORT_DIR="$ES_CACHE/ort-0.4.9" \
  -DES_MODEL_DIR="$ES_CACHE/models" >build-fuzz.cmake.log
cmake --build build-fuzz -j"$(nproc)" --target fuzz_config fuzz_mot fuzz_onvif fuzz_crop fuzz_settings
status=0
for t in config mot onvif crop settings; do
  mkdir -p "fuzz/corpus/$t"
  echo "== fuzz_$t for ${secs} s"
  (cd build-fuzz && ./fuzz/fuzz_$t -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
     -max_len=65536 -print_final_stats=1 "../fuzz/corpus/$t" 2>&1 | tail -n 12) || status=1
done
exit $status
