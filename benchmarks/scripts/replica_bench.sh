#!/usr/bin/env bash
# Ingest throughput with 1, 2 and 3 replicas on one shared PostgreSQL catalog
# (dev.tracelake.benchmarks.ingest.ReplicaScalingBenchmark). PostgreSQL must be running:
#   bash benchmarks/scripts/start-postgres.sh
# Build first (from the repository root):
#   mvn -B -q -o -Dmaven.test.skip=true -Dspotless.check.skip=true package -pl benchmarks -am
#   benchmarks/scripts/replica_bench.sh --rows 1000000 --repeats 3
set -euo pipefail
root=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
for f in "$root/ingest/cli/target/tracelake.jar" "$root/benchmarks/target/classpath.txt"; do
  [ -f "$f" ] || { echo "error: $f is missing; build first (see the header of $0)" >&2; exit 1; }
done
exec java --add-opens=java.base/java.nio=ALL-UNNAMED ${BENCH_CLIENT_JAVA_OPTS:-} \
  -cp "$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")" \
  dev.tracelake.benchmarks.ingest.ReplicaScalingBenchmark --server-jar "$root/ingest/cli/target/tracelake.jar" "$@"
