#!/usr/bin/env bash
# Release check for the Debian package (not part of make test: it downloads a Debian system).
# Makes a fresh Debian bookworm root with debootstrap, installs the .deb into it with apt (so
# the computed Depends must be complete), runs `edgesight run` on the demo footage inside it
# and checks the summary; then runs the shipped configuration with one camera added, as the
# service's user would. Needs root and a reachable Debian mirror.
#
# Usage: tools/deb_release_check.sh [DEB] [MIRROR]
#   DEB     default: build/deb/edgesight_*_amd64.deb (make deb)
#   MIRROR  default: http://deb.debian.org/debian
set -euo pipefail
cd "$(dirname "$0")/.."
DEB="${1:-$(ls build/deb/edgesight_*_"$(dpkg --print-architecture)".deb 2>/dev/null | head -1)}"
MIRROR="${2:-http://deb.debian.org/debian}"
VIDEO=/usr/share/doc/opencv-doc/examples/data/vtest.avi
[ -f "$DEB" ] || { echo "release check: no package (run make deb)" >&2; exit 2; }
[ -f "$VIDEO" ] || { echo "release check: no demo footage at $VIDEO" >&2; exit 2; }
command -v debootstrap >/dev/null || apt-get install -y -qq --no-install-recommends debootstrap

ROOT=$(mktemp -d /tmp/edgesight-release-XXXXXX)
chmod 0755 "$ROOT"  # the root of the new system: every user must traverse it
cleanup() {
  for m in proc sys dev; do umount -l "$ROOT/$m" 2>/dev/null || true; done
  rm -rf "$ROOT"
}
trap cleanup EXIT

echo "release check: debootstrap bookworm into $ROOT"
debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$ROOT.log" 2>&1 ||
  { tail -5 "$ROOT.log" >&2; exit 1; }
mount -t proc proc "$ROOT/proc"
mount --rbind /sys "$ROOT/sys"
mount --rbind /dev "$ROOT/dev"
cp "$DEB" "$ROOT/tmp/edgesight.deb"
cp "$VIDEO" "$ROOT/tmp/vtest.avi"

echo "release check: apt install the package"
chroot "$ROOT" /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends /tmp/edgesight.deb' >"$ROOT.apt.log" 2>&1 ||
  { tail -20 "$ROOT.apt.log" >&2; exit 1; }
size=$(chroot "$ROOT" dpkg-query -W -f='${Installed-Size}' edgesight)
echo "release check: installed ($size KiB); user: $(chroot "$ROOT" id edgesight)"

echo "release check: edgesight run on vtest.avi (200 frames) as user edgesight"
chroot "$ROOT" /usr/sbin/runuser -u edgesight -- /usr/bin/edgesight run \
  --source /tmp/vtest.avi --max-frames 200 --json >"$ROOT/tmp/summary.json" 2>"$ROOT/tmp/err" ||
  { echo "release check: edgesight run failed:" >&2; cat "$ROOT/tmp/err" >&2; exit 1; }
python3 - "$ROOT/tmp/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["status"] == "ok", s["status"]
assert s["frames"] == 200, s["frames"]
assert s["detector"] == "nanodet/ort", s["detector"]
assert s["tracks"] > 0, s["tracks"]
print(f"release check: summary ok: {s['frames']} frames, detector {s['detector']}, "
      f"{s['tracks']} tracks, {s['events']} events, {s['fps']} fps")
PY

echo "release check: the shipped configuration with one camera"
sed -i 's|^cameras: \[\]|cameras:\n  - id: demo\n    source: /tmp/vtest.avi|' \
  "$ROOT/etc/edgesight/edgesight.yaml"
chroot "$ROOT" /usr/sbin/runuser -u edgesight -- /bin/sh -c \
  'cd /var/lib/edgesight && /usr/bin/edgesight run --config /etc/edgesight/edgesight.yaml \
   --max-frames 100 --json >/tmp/site.json' ||
  { echo "release check: the shipped configuration failed" >&2; exit 1; }
test -f "$ROOT/var/lib/edgesight/outbox.db"
test -f "$ROOT/var/lib/edgesight/events.db"
echo "release check: passed"
