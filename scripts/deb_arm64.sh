#!/usr/bin/env bash
# make deb ARCH=arm64: packages the cross build in BUILD (edgesight and edgesight-backend,
# as make deb does natively) with Depends computed from the arm64 binaries by dpkg-shlibdeps,
# against the dpkg database of the arm64 sysroot (scripts/setup_arm64.sh), runs lintian on both
# packages (no errors, no warnings) and the unpacked package under qemu-user. Prints the
# packages' paths.
# Usage: scripts/deb_arm64.sh BUILD CACHE     One-line errors, exit 1.
set -euo pipefail
build="$1" cache="$2"
sysroot="$cache/sysroot-arm64" db="$cache/sysroot-arm64-dpkg" ort="$cache/ort-arm64-1.29.0/lib"
die() { echo "deb_arm64: $*" >&2; exit 1; }
[[ -f "$db/info/format" ]] || die "no arm64 package database at $db (run make setup-arm64)"
for b in edgesight edgesight-backend; do
  [[ -x "$build/$b" ]] || die "no $build/$b (the cross build failed?)"
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debian" && : >"$work/debian/control"
shlibdeps() {
  (cd "$work" && DEB_HOST_ARCH=arm64 DEB_HOST_MULTIARCH=aarch64-linux-gnu \
    DEB_HOST_GNU_TYPE=aarch64-linux-gnu dpkg-shlibdeps --admindir="$db" \
    -l"$sysroot/usr/lib/aarch64-linux-gnu" -l"$sysroot/lib/aarch64-linux-gnu" -l"$ort" \
    --ignore-missing-info -O "$@" 2>"$work/shlibdeps.log") |
    sed -n 's/^shlibs:Depends=//p'
}
edge=$(shlibdeps "$(realpath "$build/edgesight")")
backend=$(shlibdeps "$(realpath "$build/edgesight-backend")")
[[ "$edge" == *libc6* && "$backend" == *libc6* ]] ||
  die "dpkg-shlibdeps found no dependencies: $(grep -v 'should already be installed' "$work/shlibdeps.log" | tail -n 1)"
rm -rf "$build/deb"
(cd "$build" && cpack -G DEB -B deb \
  -D "CPACK_DEBIAN_EDGE_PACKAGE_DEPENDS=adduser, $edge" \
  -D "CPACK_DEBIAN_BACKEND_PACKAGE_DEPENDS=adduser, $backend" >cpack.log 2>&1) ||
  die "cpack failed: $(tail -n 1 "$build/cpack.log")"
for deb in "$build"/deb/*_arm64.deb; do
  lintian --fail-on error,warning "$deb" >"$work/lintian.log" 2>&1 ||
    die "lintian on $(basename "$deb"): $(grep -m1 -E '^[EW]: ' "$work/lintian.log" || tail -n 1 "$work/lintian.log")"
done
# The unpacked package runs under qemu-user: the CLI on its private ONNX Runtime (RPATH), a
# short pipeline run, and track.
dpkg-deb -x "$build"/deb/edgesight_*_arm64.deb "$work/root"
qemu() { qemu-aarch64-static -L "$sysroot" "$@"; }
full="$work/root/usr/bin/edgesight"
QEMU_SET_ENV=LD_TRACE_LOADED_OBJECTS=1 qemu "$full" 2>&1 |
  grep -q "libonnxruntime.so.1 => $work/root/usr/bin/../lib/edgesight/" ||
  die "the packaged edgesight does not load its private ONNX Runtime"
qemu "$full" run --source synthetic:walk --max-frames 5 --detector motion --json \
  >"$work/run.json" 2>"$work/run.log" || die "packaged run failed: $(tail -n 1 "$work/run.log")"
grep -q '"status": "ok"' "$work/run.json" || die "packaged run did not end ok"
printf '1,-1,10,10,20,40,0.9,-1,-1,-1\n2,-1,11,10,20,40,0.9,-1,-1,-1\n' >"$work/det.txt"
qemu "$work/root/usr/bin/edgesight" track --mot-det "$work/det.txt" --out "$work/res.txt" \
  >/dev/null 2>"$work/track.log" || die "packaged track failed: $(tail -n 1 "$work/track.log")"
ls "$build"/deb/*_arm64.deb
