package dev.tracelake.ingest;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for one table: requests from every stream and writer queue here and are committed
 * together when the queue reaches its row or byte limit, or when its oldest request has waited the
 * commit interval. Requests with the same branch and provenance share one snapshot. Only then are
 * their futures completed, each with the snapshot id and its record ids.
 */
final class TableCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(TableCommitter.class);

  private record GroupKey(String branch, Provenance provenance) {}

  /**
   * A commit with at least twice this many bytes of Arrow input encodes its Parquet on several
   * threads, one data file stream per share of at least this size; smaller ones write one file, so
   * parallel writing never makes small files.
   */
  static final long PARALLEL_PART_MIN_BYTES = 8L << 20;

  /** What writing one slice of a commit's requests gave: their ids, or the first that failed. */
  private record SliceResult(
      Map<WriterLedger.Pending, List<String>> ids, WriterLedger.Pending bad, LakeException error) {}

  private final LakeTable table;
  private final IngestConfig config;
  private final ScheduledExecutorService executor;
  // encodes the other shares of a large commit; its tasks never wait, so it cannot deadlock
  private final ExecutorService writePool;
  private final int writeThreads;
  private final java.util.function.Function<String, WriterOffsets> offsets;
  private final ServerMetrics metrics;
  private final WriterLedger ledger;
  private final Object flushLock = new Object();
  // guarded by this
  private final List<WriterLedger.Pending> queue = new ArrayList<>();
  // guarded by this
  private long queuedRows;
  // guarded by this
  private long queuedBytes;
  // guarded by this
  private boolean timerSet;

  TableCommitter(
      LakeTable table,
      IngestConfig config,
      ScheduledExecutorService executor,
      ExecutorService writePool,
      int writeThreads,
      java.util.function.Function<String, WriterOffsets> offsets,
      ServerMetrics metrics,
      WriterLedger ledger) {
    this.ledger = ledger;
    this.table = table;
    this.config = config;
    this.executor = executor;
    this.writePool = writePool;
    this.writeThreads = writeThreads;
    this.offsets = offsets;
    this.metrics = metrics;
  }

  void enqueue(WriterLedger.Pending pending) {
    boolean now;
    boolean timer = false;
    synchronized (this) {
      queue.add(pending);
      queuedRows += pending.request.rows();
      queuedBytes += pending.request.bytes();
      now = queuedRows >= config.commitMaxRows() || queuedBytes >= config.commitMaxBytes();
      if (!now && !timerSet) {
        timerSet = true;
        timer = true;
      }
    }
    if (now) {
      executor.execute(this::flush);
    } else if (timer) {
      executor.schedule(this::flush, config.commitInterval().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  synchronized int queued() {
    return queue.size();
  }

  /** Commits everything queued; one flush at a time per table. */
  void flush() {
    synchronized (flushLock) {
      List<WriterLedger.Pending> batch;
      synchronized (this) {
        batch = new ArrayList<>(queue);
        queue.clear();
        queuedRows = 0;
        queuedBytes = 0;
        timerSet = false;
      }
      if (batch.isEmpty()) {
        return;
      }
      // One snapshot per (branch, provenance). A writer whose provenance or branch changes
      // within the batch starts a new segment, so its offsets commit in order and each
      // snapshot holds a contiguous range of them.
      Map<GroupKey, List<WriterLedger.Pending>> groups = new LinkedHashMap<>();
      Map<String, GroupKey> writerKey = new HashMap<>();
      for (WriterLedger.Pending p : batch) {
        GroupKey key = new GroupKey(p.request.branch(), p.request.provenance());
        GroupKey previous = writerKey.put(p.request.writerId(), key);
        if (previous != null && !previous.equals(key)) {
          groups.forEach(this::commitGroup);
          groups.clear();
          writerKey.clear();
          writerKey.put(p.request.writerId(), key);
        }
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
      }
      groups.forEach(this::commitGroup);
    }
  }

  private void commitGroup(GroupKey key, List<WriterLedger.Pending> group) {
    List<WriterLedger.Pending> todo = new ArrayList<>(group);
    WriterOffsets writerOffsets = offsets.apply(key.branch());
    while (true) {
      // a request already failed (an earlier offset of its writer failed) must not commit
      todo.removeIf(p -> p.future.isDone());
      if (todo.isEmpty()) {
        return;
      }
      long started = System.nanoTime();
      Map<String, long[]> ranges = ranges(todo);
      try (PendingAppend append = table.newAppend(key.provenance(), key.branch())) {
        Map<WriterLedger.Pending, List<String>> ids = new HashMap<>();
        WriterLedger.Pending bad = null;
        LakeException badError = null;
        for (SliceResult slice : writeSlices(append, todo)) {
          ids.putAll(slice.ids());
          if (bad == null && slice.bad() != null) {
            // slices follow the queue's order: the first failure of the first slice is the
            // earliest, as if the requests had been written one after another
            bad = slice.bad();
            badError = slice.error();
          }
        }
        if (bad != null) {
          // the schema changed after the request was checked; the append is unusable now
          WriterLedger.failWriterFrom(todo, bad, badError);
          continue;
        }
        ranges.forEach(
            (writer, range) ->
                append.summary(WriterOffsets.SUMMARY_PREFIX + writer, range[0] + "-" + range[1]));
        append.check(head -> writerOffsets.checkNotCommitted(head, ranges));
        AppendResult result = append.commit();
        metrics.commitEnded(
            table.name(),
            ServerMetrics.CommitOutcome.COMMITTED,
            result,
            System.nanoTime() - started);
        writerOffsets.committed(ranges, result.snapshotId());
        for (WriterLedger.Pending p : todo) {
          p.future.complete(ledger.committed(p, result.snapshotId(), ids.get(p)));
        }
        LOG.debug(
            "Table {}: committed {} requests, {} rows as snapshot {}",
            table.name(),
            todo.size(),
            result.rows(),
            result.snapshotId());
        todo.clear();
      } catch (WriterOffsets.WriterConflict conflict) {
        // Another replica committed some of these offsets after we checked them.
        metrics.commitEnded(
            table.name(),
            ServerMetrics.CommitOutcome.WRITER_CONFLICT,
            null,
            System.nanoTime() - started);
        List<WriterLedger.Pending> resolved = new ArrayList<>();
        for (WriterLedger.Pending p : todo) {
          String writer = p.request.writerId();
          if (conflict.writers().contains(writer)) {
            ledger.resolveConflict(writerOffsets, p);
            resolved.add(p);
          } else if (conflict.gaps().containsKey(writer)) {
            p.future.completeExceptionally(
                WriterLedger.behindGap(p.request, conflict.gaps().get(writer)));
            resolved.add(p);
          }
        }
        todo.removeAll(resolved);
      } catch (LakeException e) {
        metrics.commitEnded(
            table.name(),
            e.kind() == dev.tracelake.lake.ErrorKind.CONFLICT
                ? ServerMetrics.CommitOutcome.RACES_LOST
                : ServerMetrics.CommitOutcome.FAILED,
            null,
            System.nanoTime() - started);
        LOG.warn(
            "Table {}: commit of {} requests failed: {}",
            table.name(),
            todo.size(),
            e.getMessage());
        todo.forEach(p -> p.future.completeExceptionally(e));
        todo.clear();
      } catch (RuntimeException e) {
        metrics.commitEnded(
            table.name(), ServerMetrics.CommitOutcome.FAILED, null, System.nanoTime() - started);
        LOG.error("Table {}: commit of {} requests failed", table.name(), todo.size(), e);
        todo.forEach(p -> p.future.completeExceptionally(e));
        todo.clear();
      } catch (Error e) {
        // never leave a request waiting: its writer resends it, exactly once, here or elsewhere
        LOG.error("Table {}: commit of {} requests failed", table.name(), todo.size(), e);
        IngestException retry =
            new IngestException(
                dev.tracelake.lake.ErrorKind.RETRY,
                "Table " + table.name() + ": the commit failed on the server; resend",
                e);
        todo.forEach(p -> p.future.completeExceptionally(retry));
        todo.clear();
        if (!(e instanceof StackOverflowError) && !(e instanceof LinkageError)) {
          throw e;
        }
      }
    }
  }

  /**
   * Writes the requests into the append: on the calling thread alone, or, for a large commit, in
   * contiguous slices of about equal bytes, the first on this thread and the others as parts of the
   * append on the write pool.
   */
  private List<SliceResult> writeSlices(PendingAppend append, List<WriterLedger.Pending> todo) {
    long bytes = todo.stream().mapToLong(p -> p.request.bytes()).sum();
    int parts = (int) Math.max(1, Math.min(writeThreads, bytes / PARALLEL_PART_MIN_BYTES));
    if (parts == 1 || todo.size() == 1) {
      return List.of(writeSlice(append::write, todo));
    }
    List<List<WriterLedger.Pending>> slices = new ArrayList<>();
    List<WriterLedger.Pending> current = new ArrayList<>();
    long share = (bytes + parts - 1) / parts;
    long inSlice = 0;
    for (WriterLedger.Pending p : todo) {
      current.add(p);
      inSlice += p.request.bytes();
      if (inSlice >= share && slices.size() < parts - 1) {
        slices.add(current);
        current = new ArrayList<>();
        inSlice = 0;
      }
    }
    if (!current.isEmpty()) {
      slices.add(current);
    }
    List<Future<SliceResult>> others = new ArrayList<>();
    for (List<WriterLedger.Pending> slice : slices.subList(1, slices.size())) {
      PendingAppend.Part part = append.newPart();
      others.add(writePool.submit(() -> writeSlice(part::write, slice)));
    }
    List<SliceResult> results = new ArrayList<>();
    RuntimeException failure = null;
    try {
      results.add(writeSlice(append::write, slices.get(0)));
    } catch (RuntimeException e) {
      failure = e;
    }
    // wait for every part, even after a failure: the append's files must not be written to
    // while it is closed
    for (Future<SliceResult> other : others) {
      try {
        results.add(other.get());
      } catch (ExecutionException e) {
        if (failure == null) {
          failure =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new IllegalStateException("Writing a share of a commit failed", e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        others.forEach(f -> f.cancel(true));
        throw new IllegalStateException("Interrupted while writing a commit", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return results;
  }

  private static SliceResult writeSlice(
      java.util.function.Function<VectorSchemaRoot, List<String>> writer,
      List<WriterLedger.Pending> slice) {
    Map<WriterLedger.Pending, List<String>> ids = new HashMap<>();
    for (WriterLedger.Pending p : slice) {
      try {
        List<VectorSchemaRoot> batches = p.request.batches();
        if (batches.size() == 1) {
          ids.put(p, writer.apply(batches.get(0)));
        } else {
          List<String> recordIds = new ArrayList<>();
          for (VectorSchemaRoot root : batches) {
            recordIds.addAll(writer.apply(root));
          }
          ids.put(p, recordIds);
        }
      } catch (LakeException e) {
        return new SliceResult(ids, p, e);
      }
    }
    return new SliceResult(ids, null, null);
  }

  private static Map<String, long[]> ranges(List<WriterLedger.Pending> todo) {
    Map<String, long[]> ranges = new LinkedHashMap<>();
    for (WriterLedger.Pending p : todo) {
      long offset = p.request.offset();
      ranges.merge(
          p.request.writerId(),
          new long[] {offset, offset},
          (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
    }
    return ranges;
  }
}
