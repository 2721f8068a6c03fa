#!/usr/bin/env bash
# Spark reads a table whose history Tracelake archived and whose files it compacted (issue 14):
# builds one table through the tracelake CLI (many small loads of two alternating runs, a tag on
# the first snapshot and one midway, a branch with its own commit), archives all but a live
# window of 5 snapshots and compacts the small files, loads more, compacts again, then runs
# spark-read.sh on it: the head, every live snapshot, every tag and branch (both spellings), the
# oldest commit of the snapshot log by timestamp, and the archive table, whose rows with the live
# snapshots must be every snapshot ever committed. Exits 1 on any mismatch.
#
#   deploy/interop/spark-history.sh <new-warehouse-dir> [loads (default 40)]
#
# Takes a few minutes (each load is a JVM start); spark-read.sh fetches Spark once (~330 MB).
set -euo pipefail

if [ $# -lt 1 ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
warehouse=$1
loads=${2:-40}
if [ -e "$warehouse" ] && [ -n "$(ls -A "$warehouse")" ]; then
  echo "error: $warehouse is not empty; give a new directory" >&2
  exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
table=demo.history
batch=$(mktemp -d)
trap 'rm -rf "$batch"' EXIT

tl() { "$root/tracelake" "$@" --warehouse "$warehouse"; }

rows() { # rows <first id> <count>
  for ((r = $1; r < $1 + $2; r++)); do
    printf '{"id": %d, "value": "v%d", "score": %d.5}\n' "$r" "$r" "$((r % 7))"
  done >"$batch/rows.jsonl"
}

id=0
for ((i = 1; i <= loads; i++)); do
  rows "$id" $((1 + i % 3))
  id=$((id + 1 + i % 3))
  run=$((i % 2))
  create=()
  if [ "$i" -eq 1 ]; then create=(--create); fi
  tl load "$table" "$batch/rows.jsonl" "${create[@]}" --no-progress \
    --run-id "run-$run" --code-commit "c0ffee$run" --model "fraud:v$run" >/dev/null
  case $i in
    1) tl tag "$table" first >/dev/null ;;
    10)
      tl branch "$table" audit >/dev/null
      rows 100000 4
      tl load "$table" "$batch/rows.jsonl" --branch audit --no-progress --run-id audit >/dev/null
      ;;
    $((loads / 2)))
      tl tag "$table" midway >/dev/null
      # archive everything beyond a live window of 5, compact the small files in sets of 4
      tl compact "$table" --live-snapshots 5 --archive-batch 5 --fan-in 4
      ;;
  esac
done
tl compact "$table" --fan-in 4
tl refs "$table"
snapshots=$(tl describe "$table" --format json | sed -n 's/^ *"snapshotCount" *: *\([0-9]*\).*/\1/p')
if [ -z "$snapshots" ]; then
  echo "error: tracelake describe did not report the snapshot count of $table" >&2
  exit 1
fi
echo "tracelake: $table has $snapshots snapshots in all"
SPARK_READ_EXPECT_SNAPSHOTS=$snapshots exec "$here/spark-read.sh" "$warehouse" "$table"
