#!/usr/bin/env bash
# Runs dev.tracelake.benchmarks.ingest.IngestBenchmark from a private copy of the built jars, so
# that a rebuild of the repository during a long run (other engineers, CI) cannot swap classes
# under the client or the server. Arguments go to the benchmark (see --help).
#
#   benchmarks/scripts/ingest_bench.sh --modes throughput --rows 2000000 --repeats 5
#
# Build first (from the repository root; -am so the client comes from this checkout):
#   mvn -B -q -o -Dmaven.test.skip=true -Dspotless.check.skip=true package -pl benchmarks -am
# BENCH_SNAPSHOT=DIR chooses where the copy goes (default: a fresh directory under /tmp; kept, so
# the run can be repeated on the same code with BENCH_REUSE=1).
set -euo pipefail

root=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
snapshot=${BENCH_SNAPSHOT:-$(mktemp -d /tmp/ingest-bench-jars.XXXXXX)}

if [ "${BENCH_REUSE:-0}" != 1 ] || [ ! -f "$snapshot/classpath.txt" ]; then
  for f in "$root/ingest/cli/target/tracelake.jar" "$root/benchmarks/target/classpath.txt"; do
    [ -f "$f" ] || { echo "error: $f is missing; build first (see the header of $0)" >&2; exit 1; }
  done
  mkdir -p "$snapshot/server" "$snapshot/client"
  # server: the CLI jar and its lib/ directory, as the launcher runs them
  cp "$root/ingest/cli/target/tracelake.jar" "$snapshot/server/"
  rm -rf "$snapshot/server/lib" && cp -r "$root/ingest/cli/target/lib" "$snapshot/server/lib"
  # client: the benchmark classes and every jar built in this repository, copied; ~/.m2 jars as is
  rm -rf "$snapshot/client/classes" && cp -r "$root/benchmarks/target/classes" "$snapshot/client/classes"
  cp_out="$snapshot/client/classes"
  IFS=: read -r -a entries < "$root/benchmarks/target/classpath.txt" || true # no final newline
  for entry in "${entries[@]}"; do
    if [[ $entry == "$root"/* ]]; then
      cp "$entry" "$snapshot/client/"
      cp_out="$cp_out:$snapshot/client/$(basename "$entry")"
    else
      cp_out="$cp_out:$entry"
    fi
  done
  echo "$cp_out" > "$snapshot/classpath.txt"
  (cd "$root" && git rev-parse --short HEAD && git status --short) > "$snapshot/source.txt" 2>&1 || true
fi
echo "jars copied to $snapshot (commit $(head -1 "$snapshot/source.txt"))" >&2

exec java --add-opens=java.base/java.nio=ALL-UNNAMED ${BENCH_CLIENT_JAVA_OPTS:-} \
  -cp "$(cat "$snapshot/classpath.txt")" \
  dev.tracelake.benchmarks.ingest.IngestBenchmark --server-jar "$snapshot/server/tracelake.jar" "$@"
