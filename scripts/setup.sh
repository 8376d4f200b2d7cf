#!/usr/bin/env bash
# Installs everything edgesight needs on Debian bookworm (as root), then fetches the pinned
# model and ONNX Runtime assets into the cache. Idempotent: packages already present are not
# reinstalled, and apt is only touched when something is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config make git ca-certificates
  libopencv-dev opencv-doc libeigen3-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  libspdlog-dev libgtest-dev libgmock-dev libbenchmark-dev
  ffmpeg nasm libx264-dev libdav1d-dev zlib1g-dev
  python3 python3-onnx python3-numpy darknet
  python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  libsqlite3-dev libmosquitto-dev mosquitto openssl libssl-dev libpq-dev postgresql libnats-dev nats-server
  libsodium-dev
  libcpp-httplib-dev libpugixml-dev libturbojpeg0-dev libsystemd-dev time prometheus chromium
  lintian systemd file
)

# npm: any working npm will do (some images ship Node.js from elsewhere, which conflicts with
# Debian's npm package); install Debian's only when there is none.
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

"$(dirname "$0")/fetch_assets.sh"
# The FFmpeg the runtime links (Debian's source, only what cameras use; scripts/build_ffmpeg.sh).
"$(dirname "$0")/build_ffmpeg.sh"
