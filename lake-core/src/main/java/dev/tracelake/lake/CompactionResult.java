package dev.tracelake.lake;

import java.util.Optional;

/**
 * What one compaction run did.
 *
 * @param table the table (or archive) compacted
 * @param snapshotId the {@code replace} snapshot it committed; empty when it committed nothing
 * @param filesRewritten small files replaced in the head (they stay on disk for older snapshots)
 * @param filesWritten files written in their place
 * @param bytesRewritten bytes of the replaced files
 * @param bytesWritten bytes of the new files
 * @param rows rows rewritten
 * @param headFilesBefore data files in the head before the run
 * @param headFilesAfter data files in the head after it
 * @param note why nothing was committed, when nothing was
 */
public record CompactionResult(
    String table,
    Optional<Long> snapshotId,
    int filesRewritten,
    int filesWritten,
    long bytesRewritten,
    long bytesWritten,
    long rows,
    int headFilesBefore,
    int headFilesAfter,
    String note) {

  static CompactionResult nothing(String table, int headFiles, String note) {
    return new CompactionResult(table, Optional.empty(), 0, 0, 0, 0, 0, headFiles, headFiles, note);
  }
}
