package dev.tracelake.ingest;

import dev.tracelake.lake.BranchHead;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.SnapshotInfo;
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
 */
final class WriterOffsets {
  static final String SUMMARY_PREFIX = "tracelake.writer.";

  /** Thrown from a commit check when writers' offsets were committed by someone else. */
  static final class WriterConflict extends RuntimeException {
    private final Set<String> writers;

    WriterConflict(Set<String> writers) {
      super("Offsets of writers " + writers + " were committed concurrently");
      this.writers = Set.copyOf(writers);
    }

    Set<String> writers() {
      return writers;
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
    List<SnapshotInfo> newer = new ArrayList<>();
    boolean reachedScanned = scannedHead == null;
    for (SnapshotInfo snapshot : head.history()) {
      if (scannedHead != null && snapshot.snapshotId() == scannedHead) {
        reachedScanned = true;
        break;
      }
      newer.add(snapshot);
    }
    if (!reachedScanned) {
      // The branch no longer descends from what we saw (an admin moved it): start over.
      last.clear();
    }
    for (int i = newer.size() - 1; i >= 0; i--) {
      fold(newer.get(i));
    }
    scannedHead = top.get().snapshotId();
  }

  private void fold(SnapshotInfo snapshot) {
    for (Map.Entry<String, String> e : snapshot.summary().entrySet()) {
      if (e.getKey().startsWith(SUMMARY_PREFIX)) {
        String writer = e.getKey().substring(SUMMARY_PREFIX.length());
        long lastOffset = parseRange(e.getValue())[1];
        last.merge(
            writer,
            new CommittedOffset(lastOffset, snapshot.snapshotId()),
            (a, b) -> a.offset() >= b.offset() ? a : b);
      }
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
   * the head the commit is about to build on.
   */
  void checkNotCommitted(BranchHead head, Map<String, long[]> ranges) {
    catchUp(head);
    Set<String> conflicts = new java.util.TreeSet<>();
    synchronized (this) {
      ranges.forEach(
          (writer, range) -> {
            CommittedOffset c = last.get(writer);
            if (c != null && c.offset() >= range[0]) {
              conflicts.add(writer);
            }
          });
    }
    if (!conflicts.isEmpty()) {
      throw new WriterConflict(conflicts);
    }
  }

  /** Finds the snapshot that committed a writer's offset, walking the branch history. */
  Optional<Long> snapshotOf(String writer, long offset) {
    String key = SUMMARY_PREFIX + writer;
    for (SnapshotInfo snapshot : table.branchHead(branch).history()) {
      String range = snapshot.summary().get(key);
      if (range != null) {
        long[] r = parseRange(range);
        if (r[0] <= offset && offset <= r[1]) {
          return Optional.of(snapshot.snapshotId());
        }
        if (r[1] < offset) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
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
