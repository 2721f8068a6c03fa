package dev.tracelake.lake;

/**
 * What one archive run did to a table's history.
 *
 * @param table the table
 * @param archived snapshots written to the archive for the first time
 * @param expired snapshots removed from the live metadata (each of them is in the archive)
 * @param liveBefore snapshots in the live metadata before the run
 * @param liveAfter snapshots in the live metadata after it
 * @param archivedTotal snapshots in the archive after the run
 */
public record ArchiveResult(
    TableName table,
    int archived,
    int expired,
    int liveBefore,
    int liveAfter,
    long archivedTotal) {}
