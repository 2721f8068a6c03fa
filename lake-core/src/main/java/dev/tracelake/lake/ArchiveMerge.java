package dev.tracelake.lake;

import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * A k-way merge of archive files by sequence number, newest first, one row per snapshot (a snapshot
 * archived twice, the second time with a checkpoint, has two rows with the same sequence number:
 * the one with the checkpoint is taken). Files are decoded only when the merge reaches their newest
 * row.
 */
final class ArchiveMerge implements Iterator<ArchivedSnapshot> {
  private final Function<String, List<ArchivedSnapshot>> decoder;
  private final List<SnapshotArchive.ArchiveFile> files;
  private final long beforeSeq;
  private int nextFile;
  private final PriorityQueue<Cursor> heap =
      new PriorityQueue<>(
          Comparator.comparingLong((Cursor c) -> c.peek().sequenceNumber()).reversed());
  private ArchivedSnapshot next;

  private final class Cursor {
    private final List<ArchivedSnapshot> rows;
    private int pos;

    Cursor(List<ArchivedSnapshot> rows) {
      this.rows = rows;
      while (pos < rows.size() && rows.get(pos).sequenceNumber() >= beforeSeq) {
        pos++;
      }
    }

    boolean done() {
      return pos >= rows.size();
    }

    ArchivedSnapshot peek() {
      return rows.get(pos);
    }
  }

  /**
   * @param files the files, by newest row first
   * @param beforeSeq only rows with a lower sequence number
   * @param decoder the rows of a file (by location), newest first
   */
  ArchiveMerge(
      List<SnapshotArchive.ArchiveFile> files,
      long beforeSeq,
      Function<String, List<ArchivedSnapshot>> decoder) {
    this.decoder = decoder;
    this.files = files;
    this.beforeSeq = beforeSeq;
  }

  /** Opens every file that may hold a row newer than the newest row already open. */
  private void openFiles() {
    while (nextFile < files.size()
        && (heap.isEmpty()
            || files.get(nextFile).maxSeq() >= heap.peek().peek().sequenceNumber())) {
      Cursor c = new Cursor(decoder.apply(files.get(nextFile++).location()));
      if (!c.done()) {
        heap.add(c);
      }
    }
  }

  private ArchivedSnapshot pop() {
    Cursor c = heap.poll();
    ArchivedSnapshot row = c.peek();
    c.pos++;
    if (!c.done()) {
      heap.add(c);
    }
    return row;
  }

  /**
   * Returns a bound no lower than the sequence number of the next row, without decoding a file
   * (from the files' bounds); {@link Long#MIN_VALUE} when no row remains.
   */
  long upperBound() {
    if (next != null) {
      return next.sequenceNumber();
    }
    long bound = heap.isEmpty() ? Long.MIN_VALUE : heap.peek().peek().sequenceNumber();
    if (nextFile < files.size()) {
      // files come by newest row first: the next one bounds every file not yet open
      bound = Math.max(bound, Math.min(files.get(nextFile).maxSeq(), beforeSeq - 1));
    }
    return bound;
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    openFiles();
    if (heap.isEmpty()) {
      return false;
    }
    ArchivedSnapshot row = pop();
    // another row of the same snapshot (a later checkpoint) has the same sequence number
    while (true) {
      openFiles();
      if (heap.isEmpty() || heap.peek().peek().sequenceNumber() != row.sequenceNumber()) {
        break;
      }
      ArchivedSnapshot same = pop();
      if (same.snapshotId() == row.snapshotId()) {
        row = SnapshotArchive.better(row, same);
      } else {
        // v1 tables number every snapshot 0: keep both, in the order found
        heap.add(new Cursor(List.of(same)));
        break;
      }
    }
    next = row;
    return true;
  }

  @Override
  public ArchivedSnapshot next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    ArchivedSnapshot row = next;
    next = null;
    return row;
  }
}
