package dev.tracelake.ingest;

import dev.tracelake.lake.BatchChecker;
import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.InputText;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.TableName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path behind the gRPC service, free of any transport type: checks each request's offset
 * and rows, queues it for its table's group commit, and completes its future once the rows are
 * committed. Exactly once per (table, branch, writer, offset): a committed offset is answered with
 * its original snapshot, an offset still queued is joined, a gap is refused.
 */
public final class Ingestor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Ingestor.class);
  private static final long CHECKER_TTL_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Lake lake;
  private final IngestConfig config;
  private final BufferAllocator allocator = new RootAllocator();
  private final MemoryBudget budget;
  private final ScheduledExecutorService executor;
  // encodes shares of large commits next to the commit thread: one Parquet stream per core
  private final ExecutorService writePool;
  private final ServerMetrics metrics;
  private final Map<TableName, TableIngest> tables = new ConcurrentHashMap<>();
  private final LineageInputs lineageInputs;
  private volatile boolean draining;
  // when the drain's grace runs out; set by the first drain
  private volatile long drainDeadline;

  /** The ingest state of one table; its monitor guards the pending maps. */
  private final class TableIngest {
    final LakeTable table;
    final TableCommitter committer;
    final Map<String, WriterOffsets> offsets = new ConcurrentHashMap<>();
    final WriterLedger ledger = new WriterLedger(this::offsets);
    volatile BatchChecker checker;
    volatile long checkerLoadedAt;

    TableIngest(LakeTable table) {
      this.table = table;
      this.committer =
          new TableCommitter(
              table,
              config,
              executor,
              writePool,
              config.writeThreads(),
              this::offsets,
              metrics,
              ledger);
      refreshChecker();
    }

    WriterOffsets offsets(String branch) {
      return offsets.computeIfAbsent(
          branch,
          b -> {
            WriterOffsets o = new WriterOffsets(table, b);
            o.catchUp();
            return o;
          });
    }

    BatchChecker checker() {
      if (System.nanoTime() - checkerLoadedAt > CHECKER_TTL_NANOS) {
        refreshChecker();
      }
      return checker;
    }

    void refreshChecker() {
      checker = table.batchChecker();
      checkerLoadedAt = System.nanoTime();
    }
  }

  /** Builds an ingestor that records what it does in {@code metrics}. */
  public Ingestor(Lake lake, IngestConfig config, ServerMetrics metrics) {
    this.lake = lake;
    this.config = config;
    this.metrics = metrics;
    this.lineageInputs = new LineageInputs(lake);
    this.budget = new MemoryBudget(config.inflightBytes());
    metrics.gauge(
        "tracelake.ingest.inflight.bytes",
        "Bytes of requests received and not yet committed",
        budget,
        MemoryBudget::used);
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newScheduledThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            r -> {
              Thread t = new Thread(r, "tracelake-commit-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    AtomicInteger writers = new AtomicInteger();
    this.writePool =
        Executors.newFixedThreadPool(
            Math.max(1, config.writeThreads() - 1),
            r -> {
              Thread t = new Thread(r, "tracelake-write-" + writers.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Returns whether the ingestor stopped taking requests (the server is shutting down). */
  public boolean draining() {
    return draining;
  }

  static IngestException shuttingDown(long offset) {
    return new IngestException(
        ErrorKind.SHUTTING_DOWN,
        "Server is shutting down; resend offset " + offset + " to another server");
  }

  /** Returns the allocator request batches are decoded into. */
  public BufferAllocator allocator() {
    return allocator;
  }

  MemoryBudget budget() {
    return budget;
  }

  public Lake lake() {
    return lake;
  }

  /**
   * Submits one request. The returned future completes with the acknowledgement once the rows are
   * committed, or exceptionally with a {@link LakeException} or {@link IngestException}. The
   * request's batches are closed when it completes.
   */
  public CompletableFuture<Ack> submit(AppendBatch request) {
    long arrived = System.nanoTime();
    metrics.received(request.table(), request.bytes());
    budget.acquire(request.bytes());
    CompletableFuture<Ack> result;
    try {
      result = doSubmit(request);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.whenComplete(
        (ack, error) -> {
          request.close();
          budget.release(request.bytes());
          if (error == null) {
            metrics.acked(ack, System.nanoTime() - arrived);
          } else {
            metrics.failed(
                request.table(), GrpcErrors.toStatus(error).getStatus().getCode().name());
          }
        });
  }

  private CompletableFuture<Ack> doSubmit(AppendBatch request) {
    if (draining) {
      throw shuttingDown(request.offset());
    }
    TableIngest ti = table(request.table());
    check(ti, request);
    lineageInputs.check(request.table(), request.batches());
    return ti.ledger.admit(request, ti.committer::enqueue);
  }

  private static void check(TableIngest ti, AppendBatch request) {
    try {
      for (VectorSchemaRoot batch : request.batches()) {
        ti.checker().check(batch);
      }
    } catch (LakeException e) {
      if (e.kind() != ErrorKind.INVALID_ARGUMENT) {
        throw e;
      }
      // the table's schema may have evolved since the checker was loaded: look again once
      ti.refreshChecker();
      for (VectorSchemaRoot batch : request.batches()) {
        ti.checker().check(batch);
      }
    }
  }

  /**
   * Builds an Arrow batch from JSON rows for a table.
   *
   * @throws LakeException NOT_FOUND for an unknown table, INVALID_ARGUMENT for a bad row
   */
  public VectorSchemaRoot fromJson(TableName table, List<String> rows) {
    TableIngest ti = table(table);
    try {
      return ti.checker().fromJson(rows, allocator);
    } catch (LakeException e) {
      if (e.kind() != ErrorKind.INVALID_ARGUMENT) {
        throw e;
      }
      // a column added since the checker was loaded (EvolveSchema, another replica): look again
      ti.refreshChecker();
      return ti.checker().fromJson(rows, allocator);
    }
  }

  /** Returns a writer's last committed offset on a branch and its snapshot. */
  public Optional<CommittedOffset> writerOffset(TableName table, String branch, String writerId) {
    AppendBatch.checkWriterId(writerId);
    TableIngest ti = table(table);
    if (!LakeTable.MAIN.equals(branch)
        && ti.table.refs().stream()
            .noneMatch(r -> r.type() == RefInfo.Type.BRANCH && r.name().equals(branch))) {
      throw new IngestException(
              ErrorKind.NOT_FOUND,
              String.format("Table %s has no branch %s", table, InputText.shown(branch)))
          .with("table", table)
          .with("field", "branch");
    }
    WriterOffsets offsets = ti.offsets(branch);
    offsets.catchUp();
    return offsets.last(writerId);
  }

  private TableIngest table(TableName name) {
    TableIngest ti = tables.get(name);
    if (ti != null) {
      return ti;
    }
    LakeTable table;
    try {
      table = lake.table(name); // NOT_FOUND when missing; resolves the name's case
    } catch (LakeException e) {
      throw e.with("table", name).with("field", "table");
    }
    // one state per table, however its writers spell its name: one ledger, one commit queue
    ti = tables.computeIfAbsent(table.name(), n -> new TableIngest(table));
    if (!name.equals(table.name())) {
      tables.putIfAbsent(name, ti);
    }
    return ti;
  }

  /**
   * Stops taking requests, commits everything queued and waits up to {@code grace} for it.
   *
   * @return whether every queued request completed
   */
  public boolean drain(Duration grace) {
    synchronized (this) {
      if (!draining) {
        draining = true;
        drainDeadline = System.nanoTime() + grace.toNanos();
      }
    }
    for (TableIngest ti : java.util.Set.copyOf(tables.values())) {
      executor.execute(ti.committer::flush);
    }
    // one grace for the whole shutdown, however often drain is called
    long deadline = drainDeadline;
    while (System.nanoTime() < deadline) {
      boolean idle = true;
      for (TableIngest ti : tables.values()) {
        idle &= ti.ledger.idle();
      }
      if (idle) {
        return true;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    for (TableIngest ti : java.util.Set.copyOf(tables.values())) {
      String waiting = ti.ledger.describePending();
      if (!waiting.isEmpty()) {
        LOG.warn(
            "Table {}: still waiting for their commit at shutdown: {}", ti.table.name(), waiting);
      }
    }
    return false;
  }

  /**
   * Drains (if not done yet), stops the commit threads and releases Arrow memory. Call it only once
   * nothing can submit any more, i.e. after the gRPC server has terminated.
   */
  @Override
  public void close() {
    if (!drain(config.shutdownGrace())) {
      LOG.warn("Shutdown grace {} ran out with requests still queued", config.shutdownGrace());
    }
    // whatever is still queued cannot commit within the grace: its writers resend elsewhere
    // (exactly once: an offset that does commit meanwhile is answered already_committed there)
    for (TableIngest ti : java.util.Set.copyOf(tables.values())) {
      ti.ledger.failAll(Ingestor::shuttingDown);
    }
    // the queues are drained: a commit timer still pending has nothing left to commit, and
    // waiting for it would hold shutdown up for as long as the commit interval
    ((ScheduledThreadPoolExecutor) executor)
        .setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.shutdown();
    try {
      long left = Math.max(1_000, TimeUnit.NANOSECONDS.toMillis(drainDeadline - System.nanoTime()));
      if (!executor.awaitTermination(left, TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
    // a commit thread waits for its shares, so none is left once the commit threads are done
    writePool.shutdownNow();
    // a commit cut short may still hold its requests' batches for a moment
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (allocator.getAllocatedMemory() > 0 && System.nanoTime() < until) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    try {
      allocator.close();
    } catch (IllegalStateException e) {
      LOG.warn("Arrow memory still allocated at shutdown: {}", e.getMessage());
    }
  }
}
