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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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

  /** A queued request and the future its stream waits on. */
  static final class Pending {
    final AppendBatch request;
    final CompletableFuture<Ack> future = new CompletableFuture<>();

    Pending(AppendBatch request) {
      this.request = request;
    }
  }

  private record GroupKey(String branch, Provenance provenance) {}

  private final LakeTable table;
  private final IngestConfig config;
  private final ScheduledExecutorService executor;
  private final java.util.function.Function<String, WriterOffsets> offsets;
  private final ServerMetrics metrics;
  private final Object flushLock = new Object();
  // guarded by this
  private final List<Pending> queue = new ArrayList<>();
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
      java.util.function.Function<String, WriterOffsets> offsets,
      ServerMetrics metrics) {
    this.table = table;
    this.config = config;
    this.executor = executor;
    this.offsets = offsets;
    this.metrics = metrics;
  }

  void enqueue(Pending pending) {
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
      List<Pending> batch;
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
      Map<GroupKey, List<Pending>> groups = new LinkedHashMap<>();
      Map<String, GroupKey> writerKey = new HashMap<>();
      for (Pending p : batch) {
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

  private void commitGroup(GroupKey key, List<Pending> group) {
    List<Pending> todo = new ArrayList<>(group);
    WriterOffsets writerOffsets = offsets.apply(key.branch());
    while (!todo.isEmpty()) {
      long started = System.nanoTime();
      Map<String, long[]> ranges = ranges(todo);
      try (PendingAppend append = table.newAppend(key.provenance(), key.branch())) {
        Map<Pending, List<String>> ids = new HashMap<>();
        Pending bad = null;
        for (Pending p : todo) {
          try {
            List<String> recordIds = new ArrayList<>();
            for (VectorSchemaRoot root : p.request.batches()) {
              recordIds.addAll(append.write(root));
            }
            ids.put(p, recordIds);
          } catch (LakeException e) {
            // the schema changed after the request was checked; the append is unusable now
            bad = p;
            failWriterFrom(todo, p, e);
            break;
          }
        }
        if (bad != null) {
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
        for (Pending p : todo) {
          AppendBatch r = p.request;
          p.future.complete(
              new Ack(
                  r.table(),
                  r.branch(),
                  r.offset(),
                  result.snapshotId(),
                  ids.get(p),
                  ids.get(p).size(),
                  false));
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
        List<Pending> resolved = new ArrayList<>();
        for (Pending p : todo) {
          if (conflict.writers().contains(p.request.writerId())) {
            resolveConflict(writerOffsets, p);
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
      }
    }
  }

  private void resolveConflict(WriterOffsets writerOffsets, Pending p) {
    String writer = p.request.writerId();
    Optional<CommittedOffset> last = writerOffsets.last(writer);
    if (last.isPresent() && last.get().offset() >= p.request.offset()) {
      long snapshot =
          writerOffsets.snapshotOf(writer, p.request.offset()).orElse(last.get().snapshotId());
      p.future.complete(
          new Ack(
              p.request.table(),
              p.request.branch(),
              p.request.offset(),
              snapshot,
              List.of(),
              0,
              true));
    } else {
      p.future.completeExceptionally(
          new IngestException(
              IngestException.Reason.RETRY,
              "Writer "
                  + writer
                  + " on table "
                  + p.request.table()
                  + ": offset "
                  + p.request.offset()
                  + " raced with a commit of the same writer elsewhere;"
                  + " resend it"));
    }
  }

  /** Fails {@code bad} and every later request of the same writer, so no gap is committed. */
  private static void failWriterFrom(List<Pending> todo, Pending bad, LakeException cause) {
    bad.future.completeExceptionally(cause);
    List<Pending> dropped = new ArrayList<>();
    dropped.add(bad);
    for (Pending p : todo) {
      if (p != bad
          && p.request.writerId().equals(bad.request.writerId())
          && p.request.offset() > bad.request.offset()) {
        p.future.completeExceptionally(
            new IngestException(
                IngestException.Reason.RETRY,
                "Writer "
                    + p.request.writerId()
                    + ": offset "
                    + p.request.offset()
                    + " not committed because earlier offset "
                    + bad.request.offset()
                    + " failed: "
                    + cause.getMessage()));
        dropped.add(p);
      }
    }
    todo.removeAll(dropped);
  }

  private static Map<String, long[]> ranges(List<Pending> todo) {
    Map<String, long[]> ranges = new LinkedHashMap<>();
    for (Pending p : todo) {
      long offset = p.request.offset();
      ranges.merge(
          p.request.writerId(),
          new long[] {offset, offset},
          (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
    }
    return ranges;
  }
}
