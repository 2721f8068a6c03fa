package dev.tracelake.lake;

import java.time.Instant;
import java.util.List;

/**
 * What the orphan cleaner found (and, unless it was a dry run, removed) under a table's location:
 * files no snapshot ever committed references, older than the cut-off.
 *
 * @param table the table
 * @param removed whether the orphans were deleted (false for a dry run)
 * @param olderThan only files last modified before this were considered
 * @param filesScanned files listed under the table's data and metadata directories
 * @param referenced distinct files the table's snapshots (live and archived) reference
 * @param orphans the orphan files, each with its size and age
 * @param kept files that looked orphaned but were kept by the second check (named by a committed
 *     append or compaction)
 */
public record OrphanReport(
    TableName table,
    boolean removed,
    Instant olderThan,
    long filesScanned,
    long referenced,
    List<OrphanFile> orphans,
    List<String> kept) {
  public OrphanReport {
    orphans = List.copyOf(orphans);
    kept = List.copyOf(kept);
  }

  /** Returns the bytes of all orphans. */
  public long orphanBytes() {
    return orphans.stream().mapToLong(OrphanFile::bytes).sum();
  }

  /**
   * One orphan file.
   *
   * @param location the file's location
   * @param bytes its size
   * @param modifiedAt when it was last written
   * @param kind {@code data}, {@code manifest}, {@code manifest-list} or {@code metadata}
   */
  public record OrphanFile(String location, long bytes, Instant modifiedAt, String kind) {}
}
