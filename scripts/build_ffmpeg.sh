#!/usr/bin/env bash
# Builds the FFmpeg that edgesight links: Debian bookworm's own source package (fetched and
# verified by apt from the signed archive, Debian's patches applied by dpkg-source), configured
# with only what cameras and recordings use, as static PIC libraries. Debian's shared libavcodec
# and libavformat are built with every codec, container and protocol library Debian has and pull
# 132 shared libraries into any program that links them; this build adds three (libx264,
# libdav1d and OpenSSL, which libmosquitto loads anyway). docs/packaging.md, "Footprint".
#
# Usage: scripts/build_ffmpeg.sh [native|arm64]      (default native)
#   native: $ES_CACHE/ffmpeg            arm64: $ES_CACHE/ffmpeg-arm64 (with $ES_CACHE/sysroot-arm64)
# Idempotent: a prefix whose stamp matches this script's configuration is kept (no network).
set -euo pipefail

TARGET="${1:-native}"
ES_CACHE="${ES_CACHE:-$HOME/.cache/edgesight}"
JOBS="${JOBS:-$(nproc)}"
HERE="$(cd "$(dirname "$0")" && pwd)"

case "$TARGET" in
  native) PREFIX="$ES_CACHE/ffmpeg" ;;
  arm64) PREFIX="$ES_CACHE/ffmpeg-arm64"; SYSROOT="$ES_CACHE/sysroot-arm64" ;;
  *) echo "build_ffmpeg: unknown target '$TARGET' (native or arm64)" >&2; exit 2 ;;
esac

# What a camera, a recorded file and the recorder need; nothing else. configure adds what these
# depend on (the parsers and bitstream filters of the muxers, the RTP depacketisers of RTSP).
DECODERS=h264,hevc,mpeg4,msmpeg4v1,msmpeg4v2,msmpeg4v3,h263,mjpeg,mpeg1video,mpeg2video,vp8,vp9,libdav1d,rawvideo
ENCODERS=libx264,mpeg4
DEMUXERS=mov,matroska,avi,mpegts,mpegps,flv,ivf,h264,hevc,m4v,mjpeg,mpjpeg,rtsp,sdp,rtp
# The image demuxers only so that a picture given as a source is recognised and refused
# ("a still image, not a video stream"); nothing decodes them.
DEMUXERS+=,image2,image_png_pipe,image_jpeg_pipe,image_bmp_pipe,image_webp_pipe,image_tiff_pipe
DEMUXERS+=,image_pgm_pipe,image_ppm_pipe,image_gif_pipe
MUXERS=mp4,mov,matroska,mpegts
PARSERS=h264,hevc,mpeg4video,mpegvideo,mjpeg,h263,vp8,vp9,av1
BSFS=h264_mp4toannexb,hevc_mp4toannexb,extract_extradata,dump_extradata
PROTOCOLS=file,pipe,tcp,udp,rtp,tls,http,https,httpproxy
CONFIG=(
  --enable-static --disable-shared --enable-pic --disable-debug --disable-doc
  --disable-programs --disable-avdevice --disable-avfilter --disable-swresample
  --disable-postproc --disable-autodetect --enable-pthreads --enable-zlib
  --disable-everything
  --enable-gpl --enable-version3 --enable-libx264 --enable-libdav1d --enable-openssl
  --enable-decoder="$DECODERS" --enable-encoder="$ENCODERS" --enable-demuxer="$DEMUXERS"
  --enable-muxer="$MUXERS" --enable-parser="$PARSERS" --enable-bsf="$BSFS"
  --enable-protocol="$PROTOCOLS"
)

STAMP="$PREFIX/edgesight-stamp"
want="target=$TARGET config=${CONFIG[*]}"
if [ -f "$STAMP" ] && [ "$(sed -n 2p "$STAMP")" = "$want" ] && \
   [ -f "$PREFIX/lib/libavcodec.a" ]; then
  exit 0
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "build_ffmpeg: fetching bookworm's ffmpeg source package"
# A private apt configuration with deb-src lines: the machine's sources are not changed. apt
# verifies the Sources index against the archive's signed Release file and each file's hash.
mkdir -p "$WORK/apt/lists/partial" "$WORK/apt/cache/archives/partial"
key=/usr/share/keyrings/debian-archive-keyring.gpg
{
  echo "deb-src [signed-by=$key] http://deb.debian.org/debian bookworm main"
  echo "deb-src [signed-by=$key] http://deb.debian.org/debian bookworm-updates main"
  echo "deb-src [signed-by=$key] http://deb.debian.org/debian-security bookworm-security main"
} > "$WORK/apt/sources.list"
APT=(-o "Dir::Etc::SourceList=$WORK/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$WORK/apt/lists" -o "Dir::Cache=$WORK/apt/cache"
  -o APT::Sandbox::User=root -qq)
apt-get "${APT[@]}" update
(cd "$WORK" && apt-get "${APT[@]}" source --download-only ffmpeg >/dev/null)
dsc=$(ls "$WORK"/ffmpeg_*.dsc)
version=$(sed -n 's/^Version: //p' "$dsc")
(cd "$WORK" && dpkg-source -x "$dsc" src >/dev/null 2>&1) ||
  { echo "build_ffmpeg: dpkg-source could not unpack $dsc" >&2; exit 1; }

cross=()
if [ "$TARGET" = arm64 ]; then
  [ -d "$SYSROOT" ] || { echo "build_ffmpeg: no arm64 sysroot at $SYSROOT (scripts/setup_arm64.sh)" >&2; exit 1; }
  # pkg-config answers from the sysroot (libx264, libdav1d, OpenSSL of the arm64 packages).
  export PKG_CONFIG_LIBDIR="$SYSROOT/usr/lib/aarch64-linux-gnu/pkgconfig:$SYSROOT/usr/share/pkgconfig"
  export PKG_CONFIG_SYSROOT_DIR="$SYSROOT"
  cross=(--enable-cross-compile --arch=aarch64 --target-os=linux
    --cross-prefix=aarch64-linux-gnu- --sysroot="$SYSROOT" --pkg-config=pkg-config)
fi

echo "build_ffmpeg: configuring and building FFmpeg $version ($TARGET, $JOBS jobs, a few minutes)"
rm -rf "$PREFIX"
cd "$WORK/src"
if ! ./configure --prefix="$PREFIX" "${cross[@]}" "${CONFIG[@]}" > "$WORK/configure.log" 2>&1; then
  tail -20 "$WORK/configure.log" >&2; tail -30 ffbuild/config.log >&2 || true
  echo "build_ffmpeg: configure failed" >&2; exit 1
fi
if ! make -j"$JOBS" > "$WORK/make.log" 2>&1 || ! make install > "$WORK/install.log" 2>&1; then
  tail -30 "$WORK/make.log" >&2; echo "build_ffmpeg: build failed" >&2; exit 1
fi
printf '%s\n%s\n' "ffmpeg $version" "$want" > "$STAMP"
echo "build_ffmpeg: FFmpeg $version in $PREFIX"
