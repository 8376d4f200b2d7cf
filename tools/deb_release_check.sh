#!/usr/bin/env bash
# Release check for the Debian package (not part of make test: it downloads a Debian system).
# Makes a fresh Debian bookworm root with debootstrap, installs the .deb into it with apt (so
# the computed Depends must be complete), runs `edgesight run` on the demo footage inside it
# and checks the summary; then runs the shipped configuration with one camera added, as the
# service's user would. With the backend package beside DEB (make deb), installs it too and
# checks that the installed edge's events reach the installed backend over a Mosquitto broker.
# Needs root and a reachable Debian mirror.
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
  rm -rf "$ROOT" "$ROOT".log "$ROOT".*.log  # the logs: their tails were printed on failure
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

# The backend package beside it (make deb builds both): installed with apt too, run as its
# service user against a Mosquitto broker in the same root, fed by `edgesight run --mqtt`; the
# events must reach the backend's store and its REST API. Everything on 127.0.0.1.
BACKEND_DEB="${BACKEND_DEB:-$(ls "$(dirname "$DEB")"/edgesight-backend_*_"$(dpkg-deb -f "$DEB" Architecture)".deb 2>/dev/null | head -1)}"
if [ -f "$BACKEND_DEB" ]; then
  echo "release check: apt install the backend package and mosquitto"
  cp "$BACKEND_DEB" "$ROOT/tmp/edgesight-backend.deb"
  # No service starts inside the root (it shares this machine's network).
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
  chroot "$ROOT" /bin/sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends /tmp/edgesight-backend.deb mosquitto' >"$ROOT.apt2.log" 2>&1 ||
    { tail -20 "$ROOT.apt2.log" >&2; exit 1; }
  free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
  mqtt_port=$(free_port) http_port=$(free_port)
  chroot "$ROOT" /usr/sbin/runuser -u mosquitto -- /usr/sbin/mosquitto -p "$mqtt_port" \
    >"$ROOT.mosquitto.log" 2>&1 &
  broker=$!
  chroot "$ROOT" /usr/sbin/runuser -u edgesight-backend -- /bin/sh -c "cd /var/lib/edgesight-backend \
    && exec /usr/bin/edgesight-backend --config /etc/edgesight/backend.yaml \
       --mqtt mqtt://127.0.0.1:$mqtt_port --http 127.0.0.1:$http_port" >"$ROOT.backend.log" 2>&1 &
  backend=$!
  stop_servers() { kill "$backend" "$broker" 2>/dev/null || true; wait 2>/dev/null || true; }
  ready=""
  for _ in $(seq 60); do
    if curl -fsS "http://127.0.0.1:$http_port/readyz" >/dev/null 2>&1; then ready=1; break; fi
    sleep 0.5
  done
  [ -n "$ready" ] || { stop_servers; echo "release check: the backend never got ready:" >&2;
                       tail -5 "$ROOT.backend.log" >&2; exit 1; }
  echo "release check: edgesight run --mqtt into the backend (100 frames)"
  chroot "$ROOT" /usr/sbin/runuser -u edgesight -- /bin/sh -c "cd /var/lib/edgesight && \
    /usr/bin/edgesight run --source /tmp/vtest.avi --max-frames 100 --device release \
      --mqtt mqtt://127.0.0.1:$mqtt_port --outbox /var/lib/edgesight/release-outbox.db \
      --json >/tmp/uplink.json" ||
    { stop_servers; echo "release check: edgesight run --mqtt failed" >&2; exit 1; }
  stored=0
  for _ in $(seq 60); do
    stored=$(curl -fsS "http://127.0.0.1:$http_port/api/v1/events?device=release&limit=1000" |
      python3 -c 'import json, sys; d = json.load(sys.stdin); print(len(d if isinstance(d, list) else d.get("events", [])))' ||
      echo 0)
    [ "$stored" -gt 0 ] && break
    sleep 0.5
  done
  stop_servers
  [ "$stored" -gt 0 ] || { echo "release check: no event reached the backend" >&2; exit 1; }
  echo "release check: backend installed ($(chroot "$ROOT" dpkg-query -W -f='${Installed-Size}' \
    edgesight-backend) KiB), $stored events stored from the installed edge"
fi
echo "release check: passed"
