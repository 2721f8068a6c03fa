package dev.tracelake.lineage;

/**
 * How far the index of one table is behind the table.
 *
 * @param table the table, {@code namespace.name}
 * @param indexedSnapshotId the last snapshot of {@code main} folded into the index, or null if none
 * @param headSnapshotId the head of {@code main} when it was last checked
 * @param snapshotsBehind snapshots of {@code main} between the two
 */
public record TableLag(
    String table, Long indexedSnapshotId, Long headSnapshotId, int snapshotsBehind) {}
