#!/usr/bin/env bash
# The hybrid tier end to end on the embedded footage (docs/hybrid.md "Verification quality"):
# a mosquitto broker and one edgesight-backend worker on 127.0.0.1, then `edgesight run` on
# vtest.avi with escalate on (score band, classes that cannot be on that campus, an audit
# sample of confident tracks). Prints the edge's escalation summary, the verdicts per class and
# reason, and the uplink bytes per kind. Everything lives in a temporary directory.
#   tools/hybrid_vtest.sh [BUILD_DIR] [AUDIT_RATE]        (default build, 0.2)
# With EDGE_DELAY_MS (and EDGE_JITTER_MS) set, the edge reaches the broker through
# tools/delay_proxy.py: an emulated slow uplink (one-way delay and jitter each way, no loss).
set -euo pipefail
BUILD="${1:-build}"
AUDIT="${2:-0.2}"
VIDEO=/usr/share/doc/opencv-doc/examples/data/vtest.avi
DIR="$(mktemp -d /tmp/es_hybrid_XXXXXX)"
. "$(dirname "$0")/hybrid_env.sh"
cat >"$DIR/edge.yaml" <<YAML
source: {uri: "$VIDEO", stream_id: cam0}
uplink: {mqtt: "mqtt://127.0.0.1:$EDGE_PORT", outbox: "$DIR/outbox.db", drain_timeout_s: 30}
escalate:
  enabled: true
  score_band: [0.3, 0.6]
  classes: [sheep, cow, horse, elephant, bear, zebra, giraffe, "sports ball", kite, surfboard]
  audit_rate: $AUDIT
  min_interval_s: 10
  deadline_s: 10
  max_attempts: 3
YAML
"$BUILD/edgesight" run --config "$DIR/edge.yaml" --device edge1 --json >"$DIR/edge.json" 2>"$DIR/edge.log"
sleep 2
echo "== edge: escalation summary"
python3 - "$DIR/edge.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(json.dumps(s.get("escalation", {}), indent=1))
PY
echo "== backend: verdicts per class (reason from the escalation)"
get "http://127.0.0.1:$HTTP_PORT/api/v1/verdicts?limit=1000" >"$DIR/verdicts.json"
python3 - "$DIR/backend.db" "$DIR/verdicts.json" <<'PY'
import collections, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
reason = {r[0]: r[1] for r in db.execute("SELECT id, reason FROM escalations")}
names = ("person bicycle car motorcycle airplane bus train truck boat traffic_light fire_hydrant "
         "stop_sign parking_meter bench bird cat dog horse sheep cow elephant bear zebra giraffe "
         "backpack umbrella handbag tie suitcase frisbee skis snowboard sports_ball kite").split()
table = collections.defaultdict(collections.Counter)
for v in json.load(open(sys.argv[2])):
    cls = names[v["class_id"]] if v["class_id"] < len(names) else str(v["class_id"])
    table[(cls, reason.get(v["escalation_id"], "?"))][v["verdict"]] += 1
print("class\treason\tconfirmed\trejected\tuncertain")
for (cls, why), c in sorted(table.items()):
    print(f"{cls}\t{why}\t{c['confirmed']}\t{c['rejected']}\t{c['uncertain']}")
PY
echo "== uplink bytes per kind"
"$BUILD/edgesight" uplink-stats --outbox "$DIR/outbox.db" 2>/dev/null | head -40 || true
echo "(files in $DIR)"
