package dev.tracelake.lineage.replay;

import java.util.Comparator;

/**
 * One input a production output cites: a table, a record id, and the snapshot it was read at
 * ({@link #NO_SNAPSHOT} when the citation gave none).
 */
record InputRef(String table, String recordId, long snapshotId) implements Comparable<InputRef> {
  /** The snapshot of an input cited without one. */
  static final long NO_SNAPSHOT = Long.MIN_VALUE;

  private static final Comparator<InputRef> ORDER =
      Comparator.comparing(InputRef::table)
          .thenComparing(InputRef::recordId)
          .thenComparingLong(InputRef::snapshotId);

  boolean hasSnapshot() {
    return snapshotId != NO_SNAPSHOT;
  }

  @Override
  public int compareTo(InputRef other) {
    return ORDER.compare(this, other);
  }

  /** Writes the reference as {@code table/record_id@snapshot} ({@code @-} without one). */
  @Override
  public String toString() {
    return table + "/" + recordId + "@" + (hasSnapshot() ? Long.toString(snapshotId) : "-");
  }
}
