package dev.tracelake.lake;

import java.time.Instant;
import java.util.Map;
import org.apache.iceberg.Snapshot;

/**
 * One snapshot of a table: when it was committed, by what operation, with what provenance.
 *
 * @param snapshotId the Iceberg snapshot id
 * @param parentId the parent snapshot's id, or null for the first snapshot
 * @param committedAt when the snapshot was committed
 * @param operation Iceberg's operation name ({@code append}, {@code overwrite}, ...)
 * @param addedRows rows added by this snapshot (0 for a {@code replace}: a compaction moves rows
 *     into new files and adds none)
 * @param totalRows rows in the table as of this snapshot
 * @param provenance who wrote it, from the summary
 * @param summary the whole snapshot summary
 */
public record SnapshotInfo(
    long snapshotId,
    Long parentId,
    Instant committedAt,
    String operation,
    long addedRows,
    long totalRows,
    Provenance provenance,
    Map<String, String> summary) {
  public SnapshotInfo {
    summary = Map.copyOf(summary);
  }

  static SnapshotInfo of(Snapshot snapshot) {
    return of(
        snapshot.snapshotId(),
        snapshot.parentId(),
        snapshot.timestampMillis(),
        snapshot.operation(),
        snapshot.summary() == null ? Map.of() : snapshot.summary());
  }

  static SnapshotInfo of(
      long snapshotId,
      Long parentId,
      long timestampMillis,
      String operation,
      Map<String, String> summary) {
    return new SnapshotInfo(
        snapshotId,
        parentId,
        Instant.ofEpochMilli(timestampMillis),
        operation,
        "replace".equals(operation) ? 0L : parseLong(summary.get("added-records")),
        parseLong(summary.get("total-records")),
        Provenance.fromSummary(summary),
        summary);
  }

  private static long parseLong(String value) {
    return value == null ? 0L : Long.parseLong(value);
  }
}
