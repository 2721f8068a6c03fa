package dev.tracelake.lake;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/** A {@link BranchHead} over an Iceberg table's snapshot parents. */
final class IcebergBranchHead implements BranchHead {
  private final Table table;
  private final Snapshot head;

  IcebergBranchHead(Table table, Snapshot head) {
    this.table = table;
    this.head = head;
  }

  @Override
  public Optional<SnapshotInfo> head() {
    return Optional.ofNullable(head).map(SnapshotInfo::of);
  }

  @Override
  public Iterable<SnapshotInfo> history() {
    return () ->
        new Iterator<>() {
          private Snapshot next = head;

          @Override
          public boolean hasNext() {
            return next != null;
          }

          @Override
          public SnapshotInfo next() {
            if (next == null) {
              throw new NoSuchElementException();
            }
            Snapshot current = next;
            next = current.parentId() == null ? null : table.snapshot(current.parentId());
            return SnapshotInfo.of(current);
          }
        };
  }
}
