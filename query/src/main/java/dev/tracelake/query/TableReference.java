package dev.tracelake.query;

import dev.tracelake.lake.TableName;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One table version a query read, pinned before the query ran: every mention of the same table at
 * the same version in one query reads this one snapshot.
 *
 * @param table the table
 * @param version how the query named the version: {@code main} (no version given), {@code snapshot
 *     8712356}, {@code ref 'v1'}, {@code timestamp 2026-11-01T00:00:00Z}, {@code changes after ...}
 *     or a metadata table such as {@code $snapshots}
 * @param snapshotId the snapshot read; empty when the version has no snapshot (a table never
 *     written) or the reference reads table metadata rather than one snapshot
 */
public record TableReference(TableName table, String version, OptionalLong snapshotId) {
  public TableReference {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(snapshotId, "snapshotId");
  }
}
