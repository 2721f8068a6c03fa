package dev.tracelake.lineage;

/**
 * The index's view of one table.
 *
 * @param table the table, {@code namespace.name}
 * @param indexedSnapshotId the last snapshot of {@code main} folded into the index, or null if none
 * @param headSnapshotId the head of {@code main} when last checked, or null for an empty table
 * @param snapshotsBehind snapshots of {@code main} not yet folded into the index
 * @param records records of the table in the index
 */
public record TableIndexStatus(
    String table, Long indexedSnapshotId, Long headSnapshotId, int snapshotsBehind, long records) {

  /** Returns whether the index is behind the table's head. */
  public boolean isLagging() {
    return snapshotsBehind > 0;
  }
}
