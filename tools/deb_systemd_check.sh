#!/usr/bin/env bash
# Release check under a real systemd (not part of make test: it downloads a Debian system).
# Makes a fresh Debian bookworm root with debootstrap (systemd, dbus), installs both packages
# and mosquitto into it with apt, and boots it with systemd-nspawn (systemd as PID 1 of the
# container, a private network: loopback only). A oneshot unit inside then checks the services
# as systemd runs them, writes what it saw to a bound folder and powers the container off:
#   1. edgesight.service with one live camera (synthetic crowd, NanoDet on ONNX Runtime under
#      the unit's hardening: MemoryDenyWriteExecute, SystemCallFilter, PrivateUsers, ...):
#      `systemctl enable --now` returns once READY=1 came; it is still active, never restarted,
#      after 3 watchdog periods (a drop-in sets WatchdogSec=6s); the journal has its lines with
#      their levels; `systemd-analyze security` rates the running unit;
#   2. the uplink: the edge publishes to the packaged Mosquitto service and the events reach
#      edgesight-backend.service's store (REST API);
#   3. `systemctl stop edgesight`: Result=success, exit status 0, the stop logged;
#   4. a configuration with an unknown key: the start fails with exit status 2, one journal line
#      names the key, and systemd does not restart it (RestartPreventExitStatus=2);
#   5. a state folder that is not writable (the outbox on a read-only path): the same, naming
#      the path.
# Needs root, debootstrap and systemd-nspawn (systemd-container; installed when missing), and a
# reachable Debian mirror. Prints the container's report; exit 0 when every check passed.
# A package of another architecture (make deb ARCH=arm64) is checked the same way in a root of
# that architecture, which needs its qemu-user registered with binfmt_misc with the F flag
# (qemu-user-static's /usr/lib/binfmt.d/qemu-aarch64.conf written to
# /proc/sys/fs/binfmt_misc/register); the script does not register it. Emulated, the camera
# uses the motion detector (NanoDet takes minutes per frame under qemu-user), and two drop-ins
# work around qemu-user (below).
#
# Usage: tools/deb_systemd_check.sh [DEB] [MIRROR]
#   DEB     default: build/deb/edgesight_*_<arch>.deb (make deb); the backend package beside it
#   MIRROR  default: http://deb.debian.org/debian
set -euo pipefail
cd "$(dirname "$0")/.."
HOST_ARCH=$(dpkg --print-architecture)
DEB="${1:-$(ls build/deb/edgesight_*_"$HOST_ARCH".deb 2>/dev/null | head -1)}"
MIRROR="${2:-http://deb.debian.org/debian}"
[ -f "$DEB" ] || { echo "systemd check: no package (run make deb)" >&2; exit 2; }
ARCH=$(dpkg-deb -f "$DEB" Architecture)
BOOT_TIMEOUT=300 WAIT_S=60
if [ "$ARCH" != "$HOST_ARCH" ]; then
  q=$(case "$ARCH" in arm64) echo aarch64 ;; *) echo "$ARCH" ;; esac)
  grep -qs '^flags: .*F' "/proc/sys/fs/binfmt_misc/qemu-$q" || {
    echo "systemd check: $(basename "$DEB") is $ARCH: register qemu-$q with binfmt_misc (F flag) or run this on an $ARCH machine" >&2
    exit 2
  }
  BOOT_TIMEOUT=1500 WAIT_S=600
fi
BACKEND_DEB=$(ls "$(dirname "$DEB")"/edgesight-backend_*_"$ARCH".deb 2>/dev/null | head -1)
[ -f "$BACKEND_DEB" ] || { echo "systemd check: no backend package beside $DEB" >&2; exit 2; }
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v systemd-nspawn >/dev/null || need+=(systemd-container)
if ((${#need[@]})); then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

WORK=$(mktemp -d /tmp/edgesight-systemd-XXXXXX)
ROOT="$WORK/root" RESULTS="$WORK/results"
# ES_KEEP_ROOT=1 keeps the root (to boot it again by hand: the command below).
[ "${ES_KEEP_ROOT:-}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
mkdir -p "$RESULTS"

echo "systemd check: debootstrap bookworm $ARCH (with systemd) into $ROOT"
debootstrap --arch="$ARCH" --variant=minbase --include=systemd,systemd-sysv,dbus bookworm "$ROOT" "$MIRROR" \
  >"$WORK/debootstrap.log" 2>&1 || { tail -5 "$WORK/debootstrap.log" >&2; exit 1; }
chmod 0755 "$ROOT"
cp "$DEB" "$ROOT/root/edgesight.deb"
cp "$BACKEND_DEB" "$ROOT/root/edgesight-backend.deb"

echo "systemd check: apt install both packages, mosquitto and curl"
# Not booted yet: nspawn runs apt as a plain command (the host's network, for the mirror).
# The packages' postinst enable their units' symlinks only; nothing starts.
systemd-nspawn -q --register=no --keep-unit -D "$ROOT" /bin/sh -c \
  'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
   --no-install-recommends /root/edgesight.deb /root/edgesight-backend.deb mosquitto curl' \
  >"$WORK/apt.log" 2>&1 || { tail -20 "$WORK/apt.log" >&2; exit 1; }

# The camera, and the uplink to the packaged broker.
sed -i 's|^cameras: \[\]|cameras:\n  - id: yard\n    source: {uri: "synthetic:crowd", realtime: true}|' \
  "$ROOT/etc/edgesight/edgesight.yaml"
sed -i 's|^  # mqtt: mqtts://edgesight@broker.example.net:8883|  mqtt: mqtt://127.0.0.1:1883|' \
  "$ROOT/etc/edgesight/edgesight.yaml"
grep -q '^  mqtt: mqtt://127.0.0.1:1883' "$ROOT/etc/edgesight/edgesight.yaml" ||
  { echo "systemd check: the shipped configuration has no uplink.mqtt line to set" >&2; exit 1; }
if [ "$ARCH" != "$HOST_ARCH" ]; then
  sed -i 's|^  type: nanodet .*|  type: motion|' "$ROOT/etc/edgesight/edgesight.yaml"
  # Two things only emulation needs, in drop-ins: the emulated systemd cannot set up a user
  # namespace under qemu-user (PrivateUsers fails with 217/USER), and ONNX Runtime's CPU
  # detection crashes at load on the machine's x86 /proc/cpuinfo, so the services see the
  # arm64 one of the sysroot (scripts/setup_arm64.sh) instead. Every other hardening line holds.
  cpuinfo="${ES_CACHE:-$HOME/.cache/edgesight}/sysroot-arm64/proc/cpuinfo"
  [ -f "$cpuinfo" ] || { echo "systemd check: no $cpuinfo (run make setup-arm64)" >&2; exit 2; }
  mkdir -p "$ROOT/usr/local/share/es-emulation"
  cp "$cpuinfo" "$ROOT/usr/local/share/es-emulation/cpuinfo"
  for unit in edgesight edgesight-backend; do
    mkdir -p "$ROOT/etc/systemd/system/$unit.service.d"
    printf '[Service]\nPrivateUsers=no\nBindReadOnlyPaths=/usr/local/share/es-emulation/cpuinfo:/proc/cpuinfo\n' \
      >"$ROOT/etc/systemd/system/$unit.service.d/emulation.conf"
  done
fi
mkdir -p "$ROOT/usr/local/share" && echo "$WAIT_S" >"$ROOT/usr/local/share/es-check-wait"
mkdir -p "$ROOT/etc/systemd/system/edgesight.service.d"
printf '[Service]\nWatchdogSec=6s\n' >"$ROOT/etc/systemd/system/edgesight.service.d/watchdog.conf"

cat >"$ROOT/usr/local/sbin/es-systemd-check" <<'CHECK'
#!/bin/bash
# Runs inside the booted container (es-systemd-check.service); reports to /results.
set -u
R=/results/report
ok() { echo "ok: $*" >>"$R"; }
bad() { echo "FAIL: $*" >>"$R"; echo fail >/results/status; }
prop() { systemctl show -P "$2" "$1"; }
secs_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
echo pass >/results/status
CONF=/etc/edgesight/edgesight.yaml

systemctl is-active -q mosquitto && ok "mosquitto.service active" || bad "mosquitto.service not active"
systemctl enable -q --now edgesight-backend
# The backend is ready (subscribed, REST bound) before the edge publishes; emulated, loading
# its models takes minutes.
ready=""
for _ in $(seq "$(cat /usr/local/share/es-check-wait)"); do
  curl -fsS http://127.0.0.1:8090/readyz >/dev/null 2>&1 && { ready=1; break; }
  sleep 1
done
[ -n "$ready" ] && ok "edgesight-backend.service active and ready" ||
  bad "edgesight-backend.service not ready: $(journalctl -q -u edgesight-backend -o cat | tail -n 1)"

t0=$(date +%s.%N)
if systemctl enable -q --now edgesight; then
  ok "systemctl enable --now edgesight returned after READY=1 ($(secs_since "$t0") s)"
else
  bad "edgesight did not start: $(journalctl -q -u edgesight -o cat | tail -n 2 | tr '\n' ' ')"
fi
pid=$(prop edgesight MainPID)
sleep 20  # more than 3 watchdog periods (WatchdogSec=6s)
if [ "$(prop edgesight ActiveState)" = active ] && [ "$(prop edgesight MainPID)" = "$pid" ] &&
   [ "$(prop edgesight NRestarts)" = 0 ]; then
  ok "active after 20 s with WatchdogSec=6s: same pid $pid, NRestarts=0, $(prop edgesight StatusText)"
else
  bad "not steady: $(prop edgesight ActiveState) pid $(prop edgesight MainPID) (was $pid), NRestarts=$(prop edgesight NRestarts)"
fi
# Levels reach the journal: event starts at notice (5), their ends at info (6).
journalctl -q -u edgesight -o json _PID="$pid" |
  sed -n 's/.*"PRIORITY":"\([0-7]\)".*/\1/p' | sort | uniq -c | tr '\n' ' ' >/results/priorities
if grep -qE '[0-9]+ 5 ' /results/priorities && grep -qE '[0-9]+ 6 ' /results/priorities; then
  ok "journal lines by priority (count priority): $(cat /results/priorities)"
else
  bad "journal lines lack their levels (count priority): $(cat /results/priorities)"
fi
echo "--- journal (first lines) ---" >>/results/journal
journalctl -q -u edgesight -o short-precise | head -n 20 >>/results/journal
systemd-analyze security edgesight 2>/dev/null | tail -n 1 >/results/security
grep -q ' OK ' /results/security && ok "systemd-analyze security edgesight (running): $(cat /results/security)" ||
  bad "systemd-analyze security edgesight (running) is not rated OK: $(cat /results/security)"

stored=0
for _ in $(seq "$(cat /usr/local/share/es-check-wait)"); do
  stored=$(curl -fsS http://127.0.0.1:8090/api/v1/stats 2>/dev/null |
           sed -n 's/.*"store":{[^}]*"events":\([0-9]*\).*/\1/p')
  stored=${stored:-0}
  [ "$stored" -gt 0 ] && break
  sleep 1
done
[ "$stored" -gt 0 ] && ok "$stored events in edgesight-backend's store (edge -> mosquitto -> backend)" ||
  bad "no event reached the backend ($(journalctl -q -u edgesight-backend -o cat | tail -n 1))"

t0=$(date +%s.%N)
systemctl stop edgesight
if [ "$(prop edgesight Result)" = success ] && [ "$(prop edgesight ExecMainStatus)" = 0 ]; then
  ok "systemctl stop: Result=success, exit status 0, in $(secs_since "$t0") s"
else
  bad "stop: Result=$(prop edgesight Result) status $(prop edgesight ExecMainStatus)"
fi
journalctl -q -u edgesight -o cat _PID="$pid" | tail -n 3 | sed 's/^/  last: /' >>"$R"
ls /var/lib/edgesight/outbox.db /var/lib/edgesight/events.db >/dev/null 2>&1 &&
  ok "outbox.db and events.db in /var/lib/edgesight" || bad "state files missing"

bad_start() {  # $1: what, $2: text the one journal line must name
  systemctl reset-failed edgesight 2>/dev/null
  if systemctl start edgesight 2>/dev/null; then bad "$1: started"; systemctl stop edgesight; return; fi
  sleep 7  # past RestartSec=5: a restart would have happened by now
  local line n lines
  # What edgesight itself wrote in that start (not the manager's "Failed to start" lines).
  line=$(journalctl -q -o cat _SYSTEMD_INVOCATION_ID="$(prop edgesight InvocationID)" \
           SYSLOG_IDENTIFIER=edgesight)
  lines=$(printf '%s\n' "$line" | grep -c .)
  n=$(prop edgesight NRestarts)
  if [ "$(prop edgesight ActiveState)" = failed ] && [ "$(prop edgesight ExecMainStatus)" = 2 ] &&
     [ "$n" = 0 ] && [ "$lines" = 1 ] && [[ "$line" == *"$2"* ]]; then
    ok "$1: failed with status 2, NRestarts=0, one journal line: $line"
  else
    bad "$1: $(prop edgesight ActiveState) status $(prop edgesight ExecMainStatus) NRestarts=$n, $lines lines: $line"
  fi
}
cp "$CONF" /root/edgesight.yaml
echo "bogus_key: 1" >>"$CONF"
bad_start "unknown key" "bogus_key"
cp /root/edgesight.yaml "$CONF"
sed -i 's|^  outbox: /var/lib/edgesight/outbox.db|  outbox: /usr/share/edgesight/outbox.db|' "$CONF"
bad_start "outbox on a read-only path" "/usr/share/edgesight/outbox.db"
cp /root/edgesight.yaml "$CONF"
systemctl reset-failed edgesight
systemctl poweroff --no-block
CHECK
chmod 0755 "$ROOT/usr/local/sbin/es-systemd-check"
cat >"$ROOT/etc/systemd/system/es-systemd-check.service" <<'UNIT'
[Unit]
Description=edgesight systemd check
After=multi-user.target mosquitto.service
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/es-systemd-check
[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/es-systemd-check.service \
  "$ROOT/etc/systemd/system/multi-user.target.wants/es-systemd-check.service"

echo "systemd check: booting the root (systemd-nspawn -b, private network)"
# --register=no --keep-unit: no systemd on the host is needed (no machined, no scope unit).
timeout "$BOOT_TIMEOUT" systemd-nspawn -q --register=no --keep-unit --private-network -D "$ROOT" \
  --bind="$RESULTS:/results" -b >"$WORK/boot.log" 2>&1 || true
[ -f "$RESULTS/report" ] || { echo "systemd check: the check never ran:" >&2; tail -20 "$WORK/boot.log" >&2; exit 1; }
cat "$RESULTS/report"
cat "$RESULTS/journal" 2>/dev/null | head -n 12
if [ "$(cat "$RESULTS/status")" = pass ]; then echo "systemd check: passed"; else
  echo "systemd check: FAILED" >&2; exit 1; fi
