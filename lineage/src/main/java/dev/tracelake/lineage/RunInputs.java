package dev.tracelake.lineage;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The (table, snapshot) pairs each run's records read, gathered while folding a snapshot. */
final class RunInputs {
  /** A table at a snapshot; {@code snapshotId} is {@link LineageGraph#NO_SNAPSHOT} if unknown. */
  record TableSnapshot(String table, long snapshotId) {}

  final Map<String, Set<TableSnapshot>> byRun = new LinkedHashMap<>();
  private String lastRun;
  private String lastTable;
  private long lastSnapshot;

  void add(String runId, String table, long snapshotId) {
    // consecutive inputs mostly repeat (a batch reads one snapshot per table): skip the set then
    if (runId.equals(lastRun) && table.equals(lastTable) && snapshotId == lastSnapshot) {
      return;
    }
    lastRun = runId;
    lastTable = table;
    lastSnapshot = snapshotId;
    byRun
        .computeIfAbsent(runId, r -> new LinkedHashSet<>())
        .add(new TableSnapshot(table, snapshotId));
  }
}
