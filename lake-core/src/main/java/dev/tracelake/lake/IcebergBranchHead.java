package dev.tracelake.lake;

import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/** A {@link BranchHead} over an Iceberg table's snapshot parents, live and archived. */
final class IcebergBranchHead implements BranchHead {
  private final TableHistory history;
  private final TableName name;
  private final Table table;
  private final Snapshot head;

  IcebergBranchHead(TableHistory history, TableName name, Table table, Snapshot head) {
    this.history = history;
    this.name = name;
    this.table = table;
    this.head = head;
  }

  @Override
  public Optional<SnapshotInfo> head() {
    return Optional.ofNullable(head).map(SnapshotInfo::of);
  }

  @Override
  public Iterable<SnapshotInfo> history() {
    Iterable<Snapshot> all = history.ancestors(name, table, head);
    return () -> StreamSupport.stream(all.spliterator(), false).map(SnapshotInfo::of).iterator();
  }

  @Override
  public Iterable<SnapshotInfo> recentHistory() {
    Iterable<Snapshot> live = TableHistory.liveAncestors(table, head);
    return () -> StreamSupport.stream(live.spliterator(), false).map(SnapshotInfo::of).iterator();
  }

  @Override
  public Map<String, SummaryValue> olderCarriedSummary() {
    Snapshot oldest = null;
    for (Snapshot s : TableHistory.liveAncestors(table, head)) {
      oldest = s;
    }
    return history.carriedBefore(name, table, oldest);
  }
}
