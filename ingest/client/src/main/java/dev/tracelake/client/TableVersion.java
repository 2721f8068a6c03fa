package dev.tracelake.client;

import java.util.Objects;
import java.util.Optional;

/**
 * A table as read at a branch, tag or snapshot.
 *
 * @param table the table: its columns and Arrow schema as read at the version (a tag or snapshot
 *     with the columns the table had then, a branch with today's); the rest as it is now
 * @param ref the branch or tag, when the version named one
 * @param snapshot the snapshot the version resolves to; empty for a branch without snapshots
 */
public record TableVersion(TableInfo table, Optional<Ref> ref, Optional<Snapshot> snapshot) {
  /** Checks the arguments. */
  public TableVersion {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(snapshot, "snapshot");
  }
}
