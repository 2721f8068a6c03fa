package dev.tracelake.lake;

import java.time.Duration;

/**
 * Upkeep that keeps a table's cost flat however long its history grows: archiving old snapshots out
 * of the live metadata, compacting the head's small files, and removing orphan files that crashes
 * left. None of it changes what any snapshot reads, and none deletes a file a snapshot references:
 * committed data stays until the user decides otherwise.
 */
public final class TableMaintenance {
  /** Orphans must be at least this old: older than any commit in flight could be. */
  public static final Duration MIN_ORPHAN_AGE = Duration.ofHours(1);

  /** The default age from which an unreferenced file counts as an orphan. */
  public static final Duration DEFAULT_ORPHAN_AGE = Duration.ofDays(1);

  private final LakeTable table;

  TableMaintenance(LakeTable table) {
    this.table = table;
  }

  /**
   * Moves snapshots beyond the table's live window ({@code tracelake.history.live-snapshots}, 100
   * by default, besides every branch head and tag) to the archive and removes them from the live
   * metadata. They stay readable by id, time and lineage. Commits do this by themselves once {@code
   * tracelake.history.archive-batch} more snapshots piled up; this runs it now.
   */
  public ArchiveResult archiveHistory() {
    return table.lake().archiver().archive(table.name(), false);
  }

  /**
   * Sets the table's live window of history: the newest {@code liveSnapshots} snapshots (and as
   * many ancestors of each branch head, besides every branch head and tag) stay in the live
   * metadata, and archiving starts once {@code archiveBatch} more piled up. A larger window makes
   * every commit rewrite a larger metadata file; a smaller one sends reads of recent history to the
   * archive sooner. Archiving never deletes anything.
   *
   * @throws LakeException INVALID_ARGUMENT when either is below 1 or above 100,000
   */
  public void setHistoryWindow(int liveSnapshots, int archiveBatch) {
    if (liveSnapshots < 1
        || archiveBatch < 1
        || liveSnapshots > 100_000
        || archiveBatch > 100_000) {
      throw LakeException.invalid(
          "Table %s: the live window and the archive batch must be 1 to 100000 snapshots, got %d"
              + " and %d",
          table.name(), liveSnapshots, archiveBatch);
    }
    for (int attempt = 1; ; attempt++) {
      org.apache.iceberg.Table t = table.load();
      var lock = table.lake().commitLock(t.uuid().toString());
      lock.lock();
      try {
        t.updateProperties()
            .set(HistoryPolicy.LIVE_SNAPSHOTS, Integer.toString(liveSnapshots))
            .set(HistoryPolicy.ARCHIVE_BATCH, Integer.toString(archiveBatch))
            .commit();
        return;
      } catch (org.apache.iceberg.exceptions.CommitFailedException e) {
        if (attempt >= 10) {
          throw new LakeException(
              ErrorKind.CONFLICT,
              "Table " + table.name() + ": setting the history window lost to concurrent commits",
              e);
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /** Compacts the head's small files with the default options. */
  public CompactionResult compact() {
    return compact(CompactionOptions.defaults());
  }

  /**
   * Rewrites the small files of the head of {@code main} into larger ones, as one {@code replace}
   * snapshot; every snapshot reads the same rows as before.
   *
   * @throws LakeException UNKNOWN_OUTCOME when the catalog did not confirm the commit
   */
  public CompactionResult compact(CompactionOptions options) {
    return Compaction.compact(table.lake(), table.name().toString(), table.load(), options);
  }

  /**
   * Lists, without removing anything, the files under the table's location that no snapshot
   * references and that were last written more than {@code olderThan} ago.
   *
   * @throws LakeException INVALID_ARGUMENT when {@code olderThan} is under {@link #MIN_ORPHAN_AGE}
   */
  public OrphanReport findOrphanFiles(Duration olderThan) {
    return OrphanFiles.run(table.lake(), table.name(), checkAge(olderThan), false);
  }

  /**
   * Removes the files {@link #findOrphanFiles} finds, and reports them.
   *
   * @throws LakeException INVALID_ARGUMENT when {@code olderThan} is under {@link #MIN_ORPHAN_AGE}
   */
  public OrphanReport removeOrphanFiles(Duration olderThan) {
    return OrphanFiles.run(table.lake(), table.name(), checkAge(olderThan), true);
  }

  private Duration checkAge(Duration olderThan) {
    if (olderThan == null || olderThan.compareTo(MIN_ORPHAN_AGE) < 0) {
      throw LakeException.invalid(
          "Table %s: orphan files must be older than at least %s (a commit may still be writing"
              + " younger ones), got %s",
          table.name(), MIN_ORPHAN_AGE, olderThan);
    }
    return olderThan;
  }
}
