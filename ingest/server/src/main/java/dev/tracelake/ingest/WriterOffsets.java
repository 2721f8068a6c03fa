package dev.tracelake.ingest;

import dev.tracelake.lake.BranchHead;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.SummaryValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The last committed offset of each writer on one branch of one table, read from snapshot
 * summaries. Each commit records, for every writer in it, the range of offsets it holds under
 * {@code tracelake.writer.<writer-id>} = {@code first-last}, in the same snapshot as the rows:
 * offsets are durable exactly when the data is, survive restarts and are shared by every replica.
 * This class folds those summaries in incrementally from the last snapshot it saw.
 *
 * <p>The fold never reads the whole history: lake-core carries these keys across archiving (a
 * checkpoint of each key's newest value as of the archived snapshots, {@link
 * BranchHead#olderCarriedSummary()}), so a first look, or one after the snapshot last seen was
 * archived, reads the live window of history and one checkpoint.
 */
final class WriterOffsets {
  static final String SUMMARY_PREFIX = BranchHead.CARRIED_SUMMARY_PREFIX;

  /** How many archived snapshots finding the snapshot of an old offset reads at most. */
  static final int ARCHIVED_SEARCH_LIMIT = 10_000;

  /**
   * Thrown from a commit check when, on the head the commit would build on, some writers' first
   * offsets are already committed (by another replica, since this one looked), or some writers'
   * offsets would not follow their last committed one. Either way nothing was committed.
   */
  static final class WriterConflict extends RuntimeException {
    private final Set<String> writers;
    private final Map<String, Long> gaps;

    WriterConflict(Set<String> writers, Map<String, Long> gaps) {
      super(
          "Offsets of writers "
              + writers
              + " were committed concurrently; writers "
              + gaps.keySet()
              + " would leave a gap");
      this.writers = Set.copyOf(writers);
      this.gaps = Map.copyOf(gaps);
    }

    /** Writers whose first offset in the commit is committed already. */
    Set<String> writers() {
      return writers;
    }

    /**
     * Writers whose first offset in the commit is past their next one, each with its last committed
     * offset (-1 for none): an earlier offset failed, and committing these would make the missing
     * ones look committed.
     */
    Map<String, Long> gaps() {
      return gaps;
    }
  }

  private final LakeTable table;
  private final String branch;
  // guarded by this
  private final Map<String, CommittedOffset> last = new HashMap<>();
  // guarded by this: the newest snapshot whose summary has been folded in
  private Long scannedHead;

  WriterOffsets(LakeTable table, String branch) {
    this.table = table;
    this.branch = branch;
  }

  /** Folds in every snapshot committed since the last look. */
  synchronized void catchUp() {
    catchUp(table.branchHead(branch));
  }

  /** Folds in every snapshot from {@code head} back to the last one seen. */
  synchronized void catchUp(BranchHead head) {
    Optional<SnapshotInfo> top = head.head();
    if (top.isEmpty()) {
      return;
    }
    if (scannedHead != null && scannedHead == top.get().snapshotId()) {
      return;
    }
    List<SnapshotInfo> newer = new ArrayList<>();
    boolean reachedScanned = false;
    for (SnapshotInfo snapshot : head.recentHistory()) {
      if (scannedHead != null && snapshot.snapshotId() == scannedHead) {
        reachedScanned = true;
        break;
      }
      newer.add(snapshot);
    }
    if (!reachedScanned) {
      // A first look, the snapshot last seen was archived since, or the branch no longer
      // descends from it (an admin moved it): start over from the checkpoint below the live
      // window of history, then the window.
      last.clear();
      head.olderCarriedSummary()
          .forEach((key, value) -> fold(key, value.value(), value.snapshotId()));
    }
    for (int i = newer.size() - 1; i >= 0; i--) {
      fold(newer.get(i));
    }
    scannedHead = top.get().snapshotId();
  }

  private void fold(SnapshotInfo snapshot) {
    for (Map.Entry<String, String> e : snapshot.summary().entrySet()) {
      fold(e.getKey(), e.getValue(), snapshot.snapshotId());
    }
  }

  private void fold(String key, String range, long snapshotId) {
    if (key.startsWith(SUMMARY_PREFIX)) {
      String writer = key.substring(SUMMARY_PREFIX.length());
      long lastOffset = parseRange(range)[1];
      last.merge(
          writer,
          new CommittedOffset(lastOffset, snapshotId),
          (a, b) -> a.offset() >= b.offset() ? a : b);
    }
  }

  /** Returns a writer's last committed offset, if it committed anything. */
  synchronized Optional<CommittedOffset> last(String writer) {
    return Optional.ofNullable(last.get(writer));
  }

  /** Records a commit this process made (the next catch-up would find it too). */
  synchronized void committed(Map<String, long[]> ranges, long snapshotId) {
    ranges.forEach(
        (writer, range) ->
            last.merge(
                writer,
                new CommittedOffset(range[1], snapshotId),
                (a, b) -> a.offset() >= b.offset() ? a : b));
  }

  /**
   * Commit check: fails when any writer's first offset in {@code ranges} is already committed on
   * the head the commit is about to build on, or does not directly follow the writer's last
   * committed offset there. A writer's committed offsets are thus always 0 to its last one, with no
   * gap, which is what lets an offset at or below the last be answered as committed.
   */
  void checkNotCommitted(BranchHead head, Map<String, long[]> ranges) {
    catchUp(head);
    Set<String> conflicts = new java.util.TreeSet<>();
    Map<String, Long> gaps = new java.util.TreeMap<>();
    synchronized (this) {
      ranges.forEach(
          (writer, range) -> {
            CommittedOffset c = last.get(writer);
            long lastOffset = c == null ? -1 : c.offset();
            if (lastOffset >= range[0]) {
              conflicts.add(writer);
            } else if (lastOffset + 1 < range[0]) {
              gaps.put(writer, lastOffset);
            }
          });
    }
    if (!conflicts.isEmpty() || !gaps.isEmpty()) {
      throw new WriterConflict(conflicts, gaps);
    }
  }

  /**
   * Finds the snapshot that committed a writer's offset, walking the branch history: the live
   * window, then the checkpoint below it, then archived snapshots (at most {@link
   * #ARCHIVED_SEARCH_LIMIT} of them: an old resend is answered without scanning a year).
   */
  Optional<Long> snapshotOf(String writer, long offset) {
    String key = SUMMARY_PREFIX + writer;
    BranchHead head = table.branchHead(branch);
    int recent = 0;
    for (SnapshotInfo snapshot : head.recentHistory()) {
      recent++;
      Optional<Boolean> hit = holds(snapshot.summary().get(key), offset);
      if (hit.isPresent()) {
        return hit.get() ? Optional.of(snapshot.snapshotId()) : Optional.empty();
      }
    }
    SummaryValue older = head.olderCarriedSummary().get(key);
    if (older == null) {
      return Optional.empty();
    }
    Optional<Boolean> atCheckpoint = holds(older.value(), offset);
    if (atCheckpoint.isPresent() && atCheckpoint.get()) {
      return Optional.of(older.snapshotId());
    }
    int read = 0;
    for (SnapshotInfo snapshot : head.history()) {
      if (read++ >= recent + ARCHIVED_SEARCH_LIMIT) {
        break;
      }
      Optional<Boolean> hit = holds(snapshot.summary().get(key), offset);
      if (hit.isPresent()) {
        return hit.get() ? Optional.of(snapshot.snapshotId()) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Whether a summary range holds the offset; empty when the walk must go on to older ones. */
  private static Optional<Boolean> holds(String range, long offset) {
    if (range == null) {
      return Optional.empty();
    }
    long[] r = parseRange(range);
    if (r[0] <= offset && offset <= r[1]) {
      return Optional.of(true);
    }
    return r[1] < offset ? Optional.of(false) : Optional.empty();
  }

  static long[] parseRange(String value) {
    int dash = value.indexOf('-', 1);
    if (dash < 0) {
      long single = Long.parseLong(value);
      return new long[] {single, single};
    }
    return new long[] {
      Long.parseLong(value.substring(0, dash)), Long.parseLong(value.substring(dash + 1))
    };
  }
}
