package dev.tracelake.lineage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * One generation of the derived lineage state: the graph, the runs and how far each table is
 * indexed. A reindex builds a new generation beside the live one and swaps it in, so questions are
 * answered throughout.
 */
final class IndexState {
  // reads take the read lock, the indexer's updates the write lock
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  // guarded by lock
  final LineageGraph graph = new LineageGraph();
  // guarded by lock
  final RunRegistry runs;
  // guarded by lock: when the table heads were last compared with the index
  Instant checkedAt;
  // guarded by lock: how far the runs table is folded into the registry
  Long runsIndexedSnapshotId;
  // freshness() as of the last write: computed under the read lock (racing readers compute the
  // same value), dropped by every write
  private volatile Freshness freshness;

  IndexState(String datasetNamespace) {
    this.runs = new RunRegistry(datasetNamespace);
  }

  <T> T read(Supplier<T> reader) {
    lock.readLock().lock();
    try {
      return reader.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  void write(Runnable writer) {
    lock.writeLock().lock();
    try {
      writer.run();
    } finally {
      freshness = null;
      lock.writeLock().unlock();
    }
  }

  /** Returns how current the index is; call under the read lock. */
  Freshness freshness() {
    Freshness known = freshness;
    if (known == null) {
      known = computeFreshness();
      freshness = known;
    }
    return known;
  }

  private Freshness computeFreshness() {
    List<TableLag> lagging = new ArrayList<>();
    for (TableState t : graph.tables()) {
      if (t.inLake && t.snapshotsBehind > 0) {
        lagging.add(new TableLag(t.name, t.indexedSnapshotId, t.headSnapshotId, t.snapshotsBehind));
      }
    }
    lagging.sort(Comparator.comparing(TableLag::table));
    return new Freshness(checkedAt, lagging);
  }

  /** Returns the state of the index; call under the read lock. */
  IndexStatus status() {
    List<TableIndexStatus> tables = new ArrayList<>();
    for (TableState t : graph.tables()) {
      if (t.inLake) {
        tables.add(t.status());
      }
    }
    tables.sort(Comparator.comparing(TableIndexStatus::table));
    return new IndexStatus(
        checkedAt, tables, graph.nodeCount(), graph.edgeCount(), runs.size(), graph.heapBytes());
  }
}
