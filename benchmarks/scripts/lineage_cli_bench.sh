#!/usr/bin/env bash
# Lineage CLI end to end, JVM start included: `tracelake explain` and `tracelake lineage impact`
# answered by a running server (found through the note it leaves in its warehouse) against the
# same commands reading the embedded lake (`--embedded`, which rebuilds the lineage index per
# call), and `tracelake --version` as the floor of a JVM start. Medians of hyperfine runs.
#
#   benchmarks/scripts/lineage_cli_bench.sh [--count N] [--runs N] [--warehouse DIR]
#
# --count: records per table written by the example producer (N features, N predictions citing
# them; default 100000). Needs hyperfine (apt-get install -y hyperfine). The server runs on a free
# port; everything is stopped at the end. TRACELAKE_JAVA_OPTS passes through to every JVM.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
count=100000
runs=15
warehouse=
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --warehouse) warehouse=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install -y hyperfine" >&2; exit 1; }
tl="$root/tracelake"
fresh=false
if [ -z "$warehouse" ]; then
  warehouse=$(mktemp -d /tmp/tracelake-cli-bench.XXXXXX)
  fresh=true
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$tl" --version >/dev/null # builds the jar on first use, outside the measurements

"$tl" serve --warehouse "$warehouse" --port "$port" --openlineage-port -1 --metrics-port -1 \
  >"$warehouse.serve.log" 2>&1 &
serve=$!
trap 'kill $serve 2>/dev/null; wait $serve 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  grep -q "serving gRPC" "$warehouse.serve.log" && break
  sleep 1
done
if $fresh; then
  # the server runs under access control: the CLI takes its token from the warehouse
  TRACELAKE_WAREHOUSE="$warehouse" "$tl" example-producer --target "127.0.0.1:$port" --count "$count" >/dev/null
fi
id=$(TRACELAKE_TOKEN_FILE="$warehouse/.tracelake/token" "$tl" sql --server "127.0.0.1:$port" --format csv \
  -e "SELECT _record_id FROM fraud.predictions ORDER BY _record_id LIMIT 1 OFFSET $((count / 2))" | tail -1)
echo "warehouse $warehouse, $count records per table, prediction $id, server 127.0.0.1:$port"
# one warm-up question, so the server's index is built before the measurements
"$tl" explain fraud.predictions "$id" --warehouse "$warehouse" >/dev/null

cd "$root"
hyperfine --runs "$runs" --warmup 2 --export-json "$warehouse.cli.json" \
  -n "jvm-floor (--version)" "./tracelake --version" \
  -n "explain via server" "./tracelake explain fraud.predictions $id --warehouse $warehouse" \
  -n "impact --model via server" "./tracelake lineage impact --model fraud:v3 --warehouse $warehouse" \
  -n "impact --record via server" "./tracelake lineage impact --record fraud.predictions:$id --warehouse $warehouse"
hyperfine --runs 3 --warmup 0 --export-json "$warehouse.embedded.json" \
  -n "explain embedded" "./tracelake explain fraud.predictions $id --warehouse $warehouse --embedded" \
  -n "impact --model embedded" "./tracelake lineage impact --model fraud:v3 --warehouse $warehouse --embedded"
python3 - "$warehouse.cli.json" "$warehouse.embedded.json" <<'EOF'
import json, sys
print(f"{'command':34} {'median s':>9} {'min s':>7} {'max s':>7} runs")
for f in sys.argv[1:]:
    for r in json.load(open(f))["results"]:
        print(f"{r['command']:34} {r['median']:9.3f} {r['min']:7.3f} {r['max']:7.3f} {len(r['times'])}")
EOF
