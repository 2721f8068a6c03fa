package dev.tracelake.lake;

/**
 * A committed append.
 *
 * @param table the table written
 * @param branch the branch the snapshot was committed to
 * @param snapshotId the new snapshot
 * @param rows rows committed
 * @param dataFiles Parquet data files added
 * @param bytes bytes of Parquet written
 * @param attempts commit attempts it took (1 without contention)
 */
public record AppendResult(
    TableName table,
    String branch,
    long snapshotId,
    long rows,
    int dataFiles,
    long bytes,
    int attempts) {}
