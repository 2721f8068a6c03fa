package dev.tracelake.lineage;

import java.util.HashMap;
import java.util.Map;

/**
 * What the index knows of one table: how far it is indexed and its snapshots. A table can be known
 * only because some lineage names it ({@link #inLake} false).
 *
 * <p>Guarded by the lock of the {@link IndexState} that owns the graph.
 */
final class TableState {
  final int id;
  final String name;
  boolean inLake;
  // whether the table's schema was looked at, and whether it has _record_id and _lineage: a
  // table written by another tool may not, and then has no record lineage to index
  boolean schemaChecked;
  boolean hasLineageColumns;
  // last main snapshot folded into the index; null before the first
  Long indexedSnapshotId;
  // head of main when last checked; null for a table without snapshots
  Long headSnapshotId;
  int snapshotsBehind;
  long records;
  long duplicateRecords;
  // snapshot id -> snapshot ref in the graph, for every snapshot cited or committed
  final Map<Long, Integer> snapshotRefs = new HashMap<>();

  TableState(int id, String name) {
    this.id = id;
    this.name = name;
  }

  TableIndexStatus status() {
    return new TableIndexStatus(name, indexedSnapshotId, headSnapshotId, snapshotsBehind, records);
  }
}
