# Sourced by tools/hybrid_vtest.sh and tools/fallback_vtest.sh (needs BUILD and DIR set): starts
# a mosquitto broker and one edgesight-backend worker on 127.0.0.1, and, with EDGE_DELAY_MS (and
# EDGE_JITTER_MS) set, tools/delay_proxy.py between the edge and the broker (an emulated slow
# uplink: one-way delay and jitter each way, no loss). Sets MQTT_PORT, HTTP_PORT (the backend's
# API), EDGE_PORT (where the edge connects) and get() (an HTTP GET to stdout); everything stops
# at exit. The backend's summary goes to $DIR/backend.json, its log to $DIR/backend.log.
get() { python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
MQTT_PORT=$(free_port)
HTTP_PORT=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\nlog_dest none\n' "$MQTT_PORT" >"$DIR/mosquitto.conf"
/usr/sbin/mosquitto -c "$DIR/mosquitto.conf" &
BROKER=$!
"$BUILD/edgesight-backend" --mqtt "mqtt://127.0.0.1:$MQTT_PORT" --worker w0 --db "$DIR/backend.db" \
  --http "127.0.0.1:$HTTP_PORT" >"$DIR/backend.json" 2>"$DIR/backend.log" &
BACKEND=$!
EDGE_PORT=$MQTT_PORT
PROXY=""
if [[ -n "${EDGE_DELAY_MS:-}" ]]; then
  EDGE_PORT=$(free_port)
  "$(dirname "${BASH_SOURCE[0]}")/delay_proxy.py" --listen "$EDGE_PORT" --to "127.0.0.1:$MQTT_PORT" \
    --delay-ms "$EDGE_DELAY_MS" --jitter-ms "${EDGE_JITTER_MS:-0}" &
  PROXY=$!
  sleep 0.5
fi
trap 'kill $BACKEND $BROKER $PROXY 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  get "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
