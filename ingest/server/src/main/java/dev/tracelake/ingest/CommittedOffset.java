package dev.tracelake.ingest;

/**
 * A writer's last committed offset on a table branch, and the snapshot that committed it.
 *
 * @param offset the offset
 * @param snapshotId the snapshot holding that offset's rows
 */
public record CommittedOffset(long offset, long snapshotId) {}
