#!/usr/bin/env bash
# Set-up for the ARM64 target only (make deb ARCH=arm64, make test-arm64; docs/packaging.md
# "ARM64"); `make test` never runs it. It installs, on the build machine:
#   - Debian's cross toolchain (crossbuild-essential-arm64), qemu-user-static (to run arm64
#     binaries explicitly: qemu-aarch64-static -L SYSROOT; no binfmt registration) and
#     mmdebstrap;
#   - $CACHE/sysroot-arm64: Debian bookworm's arm64 development packages (OpenCV, FFmpeg, ...),
#     downloaded and unpacked by mmdebstrap's extract variant: nothing of arm64 is installed on
#     the machine (Debian's amd64 and arm64 -dev packages of OpenCV, yaml-cpp and libpq cannot
#     be installed side by side), and no arm64 maintainer script runs. The two alternatives the
#     libraries need (libblas.so.3, liblapack.so.3) are linked by hand, as update-alternatives
#     would;
#   - $CACHE/sysroot-arm64-dpkg: a dpkg database of those packages (status, file lists under the
#     sysroot, shlibs and symbols), for dpkg-shlibdeps --admindir in make deb ARCH=arm64;
#   - $CACHE/ort-arm64-1.29.0/{include,lib}: ONNX Runtime for linux-arm64 from the pinned,
#     checksummed npm package onnxruntime-node@1.29.0, with the C/C++ headers of the x64 set-up
#     (the same API version, 29).
# Idempotent; one-line errors, exit 1.
set -euo pipefail

CACHE="${ES_CACHE:-$HOME/.cache/edgesight}"
SYSROOT="$CACHE/sysroot-arm64"
DPKG_DB="$CACHE/sysroot-arm64-dpkg"
HERE="$(cd "$(dirname "$0")" && pwd)"
ORT_DIR="$CACHE/ort-arm64-1.29.0"
ORT_PKG="onnxruntime-node@1.29.0"
ORT_TGZ_SHA=cfdfb45ec4044b1fdca43e5d2e180fb6817e649ff8ad1e0dfc90e18e51b67037
ORT_LIB_SHA=a27d21126db312aa8f02f3d5eaebe466e991f51f469882e6d0407d5a8b64afda
ORT_LIB_IN_TGZ="package/bin/napi-v6/linux/arm64/libonnxruntime.so.1"
MIRROR="${ES_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# The arm64 -dev packages the build links against (the amd64 set of scripts/setup.sh; FFmpeg is
# built from source against libx264, libdav1d, OpenSSL and zlib by scripts/build_ffmpeg.sh).
PACKAGES="libopencv-dev,libx264-dev,libdav1d-dev,zlib1g-dev,\
libmosquitto-dev,libcpp-httplib-dev,libturbojpeg0-dev,libsystemd-dev,libnats-dev,libsodium-dev,\
libsqlite3-dev,libpugixml-dev,libssl-dev,libspdlog-dev,libgtest-dev,libgmock-dev,libbenchmark-dev,\
libyaml-cpp-dev,libpq-dev,libeigen3-dev,nlohmann-json3-dev,libcli11-dev,libstdc++-12-dev"

die() { echo "setup_arm64: $*" >&2; exit 1; }
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

need=()
command -v aarch64-linux-gnu-g++ >/dev/null 2>&1 || need+=(crossbuild-essential-arm64)
[[ -x /usr/bin/qemu-aarch64-static ]] || need+=(qemu-user-static)
command -v mmdebstrap >/dev/null 2>&1 || need+=(mmdebstrap)
if ((${#need[@]})); then
  echo "setup_arm64: installing ${need[*]}"
  apt-get update -qq >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" \
    >/dev/null || die "apt-get install ${need[*]} failed"
fi

# The sysroot and, made from the same downloaded packages while they are there (mmdebstrap's
# extract hook), a dpkg database of them for dpkg-shlibdeps (scripts/arm64_dpkg_db.sh).
if [[ "$(cat "$SYSROOT/.complete" 2>/dev/null)" != "$PACKAGES" || ! -f "$DPKG_DB/info/format" ]]; then
  echo "setup_arm64: unpacking the arm64 sysroot into $SYSROOT"
  rm -rf "$SYSROOT" "$SYSROOT.tmp" "$DPKG_DB"
  mmdebstrap --quiet --variant=extract --architectures=arm64 --include="$PACKAGES" \
    --extract-hook="\"$HERE/arm64_dpkg_db.sh\" \"\$1/var/cache/apt/archives\" \"$DPKG_DB\" \"$SYSROOT\"" \
    bookworm "$SYSROOT.tmp" "$MIRROR" >/dev/null 2>"$CACHE/sysroot-arm64.log" ||
    die "mmdebstrap failed: $(tail -n 1 "$CACHE/sysroot-arm64.log")"
  lib="$SYSROOT.tmp/usr/lib/aarch64-linux-gnu"
  for alt in blas/libblas.so.3 lapack/liblapack.so.3; do
    [[ -e "$lib/$alt" ]] && ln -sf "$alt" "$lib/$(basename "$alt")"
  done
  # qemu-user shows arm64 programs the build machine's x86 /proc/cpuinfo, and ONNX Runtime's CPU
  # detection (cpuinfo) crashes on it; qemu opens paths inside -L SYSROOT first, so emulated
  # programs read this one instead: two Cortex-A76 cores, as on a Raspberry Pi 5. Only for
  # emulation; a board has its own.
  mkdir -p "$SYSROOT.tmp/proc"
  for i in 0 1; do
    printf 'processor\t: %d\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x4\nCPU part\t: 0xd0b\nCPU revision\t: 1\n\n' "$i"
  done >"$SYSROOT.tmp/proc/cpuinfo"
  printf "%s" "$PACKAGES" > "$SYSROOT.tmp/.complete"
  mv "$SYSROOT.tmp" "$SYSROOT"
fi

# Absolute symlinks in the packages (libz.so -> /lib/aarch64-linux-gnu/libz.so.1.2.13) resolve
# on this machine, not in the sysroot, and the linker then silently takes the static archive
# beside them (zlib was linked in statically that way). Point them into the sysroot, relative.
find "$SYSROOT" -type l -lname '/*' -print0 | while IFS= read -r -d '' l; do
  ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$SYSROOT$(readlink "$l")")" "$l"
done

if [[ "$(sha_of "$ORT_DIR/lib/libonnxruntime.so.1" 2>/dev/null)" != "$ORT_LIB_SHA" ]]; then
  # The headers are the x64 set-up's (scripts/fetch_assets.sh).
  [[ -f "$CACHE/ort-0.4.9/include/onnxruntime_cxx_api.h" ]] ||
    "$(dirname "$0")/fetch_assets.sh" || exit 1
  TMP="$(mktemp -d)"
  trap 'rm -rf "$TMP"' EXIT
  echo "setup_arm64: fetching $ORT_PKG (linux-arm64 ONNX Runtime)"
  (cd "$TMP" && npm pack --loglevel=error --cache "$TMP/npm-cache" "$ORT_PKG" >/dev/null 2>"$TMP/npm.log") ||
    die "npm pack $ORT_PKG failed: $(tail -n 1 "$TMP/npm.log")"
  tgz="$TMP/onnxruntime-node-1.29.0.tgz"
  [[ "$(sha_of "$tgz")" == "$ORT_TGZ_SHA" ]] || die "$ORT_PKG: sha256 $(sha_of "$tgz"), expected $ORT_TGZ_SHA"
  tar -xzf "$tgz" -C "$TMP" "$ORT_LIB_IN_TGZ" || die "$ORT_PKG: no $ORT_LIB_IN_TGZ"
  [[ "$(sha_of "$TMP/$ORT_LIB_IN_TGZ")" == "$ORT_LIB_SHA" ]] || die "libonnxruntime.so.1 (arm64): wrong sha256"
  rm -rf "$ORT_DIR" && mkdir -p "$ORT_DIR/lib"
  cp -r "$CACHE/ort-0.4.9/include" "$ORT_DIR/"
  cp "$TMP/$ORT_LIB_IN_TGZ" "$ORT_DIR/lib/libonnxruntime.so.1"
  ln -s libonnxruntime.so.1 "$ORT_DIR/lib/libonnxruntime.so"
fi

# FFmpeg for arm64, cross-built from the same source and configuration as the native one.
JOBS="${JOBS:-$(nproc)}" "$HERE/build_ffmpeg.sh" arm64 || die "FFmpeg (arm64) failed"
