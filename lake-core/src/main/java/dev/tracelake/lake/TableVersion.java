package dev.tracelake.lake;

import java.util.Objects;
import java.util.Optional;

/**
 * A table as read at one version: a branch, a tag or a snapshot.
 *
 * @param table the table, with its columns and Arrow schema as read at the version; everything else
 *     (current snapshot of {@code main}, refs, snapshot count) as it is now
 * @param ref the branch or tag the version named, empty for a snapshot id or for {@code main} of a
 *     table nobody has written to
 * @param snapshot the snapshot the version resolves to, empty for a branch without snapshots
 */
public record TableVersion(
    TableDescription table, Optional<RefInfo> ref, Optional<SnapshotInfo> snapshot) {
  public TableVersion {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(snapshot, "snapshot");
  }
}
