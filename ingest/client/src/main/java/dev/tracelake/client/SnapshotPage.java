package dev.tracelake.client;

import java.util.List;
import java.util.Objects;

/**
 * One page of a table's snapshots.
 *
 * @param snapshots the page, in the order asked for
 * @param nextPageToken the token of the next page; empty on the last page
 */
public record SnapshotPage(List<Snapshot> snapshots, String nextPageToken) {
  /** Checks and copies the arguments. */
  public SnapshotPage {
    snapshots = List.copyOf(snapshots);
    Objects.requireNonNull(nextPageToken, "nextPageToken");
  }

  /** Returns whether another page follows. */
  public boolean hasNextPage() {
    return !nextPageToken.isEmpty();
  }
}
