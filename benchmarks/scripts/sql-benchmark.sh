#!/usr/bin/env bash
# Builds the benchmarks module and runs the SQL benchmark (see benchmarks/README.md, "SQL").
# Usage, from anywhere: benchmarks/scripts/sql-benchmark.sh [SqlBenchmark options]
# e.g.   benchmarks/scripts/sql-benchmark.sh --warehouse /tmp/tracelake-sql-bench
# A rerun with the same --warehouse reuses the events table and the history table.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o package -DskipTests -pl benchmarks -am
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java --add-opens=java.base/java.nio=ALL-UNNAMED \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.tracelake.benchmarks.sql.SqlBenchmark "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
