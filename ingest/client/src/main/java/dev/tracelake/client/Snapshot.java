package dev.tracelake.client;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One snapshot of a table and who wrote it.
 *
 * @param snapshotId the Iceberg snapshot id
 * @param parentId the parent snapshot; empty for a table's first snapshot
 * @param committedAt when it was committed
 * @param operation Iceberg's operation, e.g. {@code append}
 * @param addedRows rows the snapshot added
 * @param totalRows rows in the table as of the snapshot
 * @param provenance who wrote it; parts the writer did not give are null
 * @param summary the whole snapshot summary, including each writer's last offset
 */
public record Snapshot(
    long snapshotId,
    OptionalLong parentId,
    Instant committedAt,
    String operation,
    long addedRows,
    long totalRows,
    Provenance provenance,
    Map<String, String> summary) {
  /** Checks and copies the arguments. */
  public Snapshot {
    Objects.requireNonNull(parentId, "parentId");
    Objects.requireNonNull(committedAt, "committedAt");
    Objects.requireNonNull(provenance, "provenance");
    summary = Map.copyOf(summary);
  }
}
