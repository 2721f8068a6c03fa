package dev.tracelake.lineage;

import dev.tracelake.lake.Lake;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Record-level lineage over a lake: runs, upstream traces, explanations, downstream impact.
 *
 * <p>The records are the source of truth: every record's {@code _lineage} column lists its inputs,
 * and runs are rows of a runs table plus what snapshot summaries say. An in-memory index derived
 * from them answers questions fast; it catches up with new snapshots by itself (in the background,
 * every {@link LineageOptions#refreshInterval()}) and incrementally, can be rebuilt from scratch
 * with {@link #reindex()}, and every answer says how far it lagged.
 *
 * <p>Open one per lake and share it: it is thread-safe. Close it to stop the background refresh.
 *
 * <pre>{@code
 * try (Lineage lineage = Lineage.open(lake)) {
 *   lineage.catchUp();
 *   TraceResult trace = lineage.traceUpstream(RecordKey.of("default.predictions", id));
 *   Explanation why = lineage.explain(RecordKey.of("default.predictions", id));
 *   ImpactResult hit = lineage.impact(ImpactQuery.ofModel("fraud", "v3"));
 * }
 * }</pre>
 */
public final class Lineage implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Lineage.class);

  private final LineageOptions options;
  private final Lake lake;
  private final BufferAllocator allocator;
  private final Indexer indexer;
  private final RunsTable runsTable;
  private final OpenLineageLog openLineageLog;
  private final Explainer explainer;
  private final ScheduledExecutorService refresher;

  // one catch-up, reindex or head check at a time; readers never take it
  private final Object indexing = new Object();
  // replaced whole by a reindex; each generation guards itself with its own lock
  private volatile IndexState state;
  private volatile boolean closed;
  // guarded by indexing: the last background failure, to log each distinct failure once
  private String lastRefreshFailure;

  private Lineage(Lake lake, LineageOptions options) {
    this.options = options;
    this.lake = lake;
    this.allocator = new RootAllocator();
    this.indexer = new Indexer(lake, options.runsTable(), allocator);
    this.runsTable = new RunsTable(lake, options.runsTable(), allocator);
    this.openLineageLog = new OpenLineageLog(lake, options.runsTable(), allocator);
    this.explainer = new Explainer(lake, allocator);
    this.state = new IndexState(options.datasetNamespace());
    if (options.refreshInterval().isZero()) {
      this.refresher = null;
    } else {
      this.refresher =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "tracelake-lineage-refresh");
                t.setDaemon(true);
                return t;
              });
    }
  }

  /** Opens lineage over a lake with the default options; the index builds in the background. */
  public static Lineage open(Lake lake) {
    return open(lake, LineageOptions.defaults());
  }

  /**
   * Opens lineage over a lake. With a refresh interval the index builds and catches up in the
   * background, starting now; without, call {@link #catchUp()}.
   */
  public static Lineage open(Lake lake, LineageOptions options) {
    Objects.requireNonNull(lake, "lake");
    Objects.requireNonNull(options, "options");
    Lineage lineage = new Lineage(lake, options);
    if (lineage.refresher != null) {
      long millis = Math.max(1, options.refreshInterval().toMillis());
      lineage.refresher.scheduleWithFixedDelay(
          lineage::refreshQuietly, 0, millis, TimeUnit.MILLISECONDS);
    }
    return lineage;
  }

  private volatile RunEventPublisher publisher;
  // runs reported alive, by id: the last sign of life this process saw
  private final Map<String, Instant> heartbeats = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Reads the rows of explained records with {@code source} instead of lake-core's scan, e.g. a
   * columnar reader that evaluates the record-id filter before decoding other columns.
   */
  public void readRowsWith(RowSource source) {
    explainer.rowSource(Objects.requireNonNull(source, "source"));
  }

  public LineageOptions options() {
    return options;
  }

  /**
   * Sends an OpenLineage RunEvent to {@code emitter} for every change of a run from now on (START,
   * RUNNING with new dataset versions, COMPLETE/FAIL/ABORT), starting with one event per run
   * already known. Runs received over OpenLineage are not echoed back.
   */
  public void publishRunsTo(OpenLineageEmitter emitter) {
    Objects.requireNonNull(emitter, "emitter");
    checkOpen();
    RunEventPublisher previous = publisher;
    publisher = new RunEventPublisher(emitter);
    if (previous != null) {
      previous.close();
    }
    publishRuns();
  }

  private void publishRuns() {
    RunEventPublisher p = publisher;
    if (p != null) {
      p.publish(runs());
    }
  }

  // --- runs

  /**
   * Registers a run, or updates it: the run's fields replace those registered before, its
   * parameters and datasets are added. Writes one row to the runs table.
   *
   * @return the run as now known, with the datasets its records read and wrote
   * @throws IllegalArgumentException when the run ends before it starts
   */
  public RunInfo registerRun(RunInfo run) {
    Objects.requireNonNull(run, "run");
    checkOpen();
    if (run.startedAt() != null
        && run.endedAt() != null
        && run.endedAt().isBefore(run.startedAt())) {
      throw new IllegalArgumentException(
          "Run "
              + run.runId()
              + " ends at "
              + run.endedAt()
              + ", before it starts at "
              + run.startedAt());
    }
    RunInfo.Builder b = run.toBuilder().source(RunSource.REGISTERED);
    if (run.startedAt() == null) {
      b.startedAt(Instant.now());
    }
    if (run.status() == RunStatus.UNKNOWN) {
      b.status(run.endedAt() == null ? RunStatus.RUNNING : RunStatus.COMPLETED);
    }
    writeRun(RunRow.of(b.build()));
    publishRuns();
    return run(run.runId()).orElseThrow();
  }

  /**
   * Starts a run: registers it as RUNNING (from now, unless it says when it started). Starting a
   * run that is running already updates it (a retried start is harmless).
   *
   * @return the run as now known
   * @throws LineageException FAILED_PRECONDITION when the run has ended already
   * @throws IllegalArgumentException when the run says it has ended, or ends before it starts
   */
  public RunInfo startRun(RunInfo run) {
    Objects.requireNonNull(run, "run");
    if (run.endedAt() != null || run.status().isFinal()) {
      throw new IllegalArgumentException(
          "Run "
              + run.runId()
              + " cannot start as ended ("
              + run.status()
              + "); finish it instead");
    }
    Optional<RunInfo> known = run(run.runId());
    if (known.isPresent() && known.get().status().isFinal()) {
      throw new LineageException(
          LineageException.Kind.FAILED_PRECONDITION,
          String.format(
              "Run %s ended %s at %s; a run cannot start again (use a new run id)",
              run.runId(), known.get().status(), known.get().endedAt()));
    }
    return registerRun(run.toBuilder().status(RunStatus.RUNNING).build());
  }

  /**
   * Ends a run; see {@link #finishRun(String, RunStatus, Instant, String)}.
   *
   * @param status how it ended: {@link RunStatus#COMPLETED}, {@link RunStatus#FAILED} or {@link
   *     RunStatus#ABORTED}
   * @param endedAt when it ended, or null for now
   * @return the run as now known
   * @throws IllegalArgumentException when the status is not a final one
   * @throws LineageException NOT_FOUND when the run is neither registered nor seen in any snapshot
   *     summary; FAILED_PRECONDITION when it would end before it started
   */
  public RunInfo finishRun(String runId, RunStatus status, Instant endedAt) {
    return finishRun(runId, status, endedAt, null);
  }

  /**
   * Ends a run, saying why when it failed or was aborted. Ending a run again the same way returns
   * it unchanged (a retried finish is harmless).
   *
   * @param status how it ended: {@link RunStatus#COMPLETED}, {@link RunStatus#FAILED} or {@link
   *     RunStatus#ABORTED}
   * @param endedAt when it ended, or null for now
   * @param message why it failed or was aborted (capped at 4096 characters), or null
   * @return the run as now known
   * @throws IllegalArgumentException when the status is not a final one
   * @throws LineageException NOT_FOUND when the run is neither registered nor seen in any snapshot
   *     summary; FAILED_PRECONDITION when it would end before it started, or ended otherwise
   *     already
   */
  /**
   * The error of a run id that names no run (FinishRun answers it); callers that hide a run say the
   * same.
   */
  public static LineageException unknownRun(String runId) {
    return LineageException.notFound(
        "Run %s is not known: it was never registered and no snapshot summary names it", runId);
  }

  public RunInfo finishRun(String runId, RunStatus status, Instant endedAt, String message) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(status, "status");
    checkOpen();
    if (!status.isFinal()) {
      throw new IllegalArgumentException(
          "A run ends COMPLETED, FAILED or ABORTED; cannot finish run " + runId + " as " + status);
    }
    Optional<RunInfo> known = run(runId);
    if (known.isEmpty()) {
      catchUp();
      known = run(runId);
    }
    RunInfo run = known.orElseThrow(() -> unknownRun(runId));
    if (run.status().isFinal()) {
      if (run.status() == status) {
        return run;
      }
      throw new LineageException(
          LineageException.Kind.FAILED_PRECONDITION,
          String.format(
              "Run %s ended %s at %s already; it cannot end %s as well",
              runId, run.status(), run.endedAt(), status));
    }
    Instant end = endedAt == null ? Instant.now() : endedAt;
    if (run.startedAt() != null && end.isBefore(run.startedAt())) {
      throw new LineageException(
          LineageException.Kind.FAILED_PRECONDITION,
          String.format(
              "Run %s started at %s; it cannot end at %s, before it started",
              runId, run.startedAt(), end));
    }
    writeRun(RunRow.finish(runId, status, end, status == RunStatus.COMPLETED ? null : message));
    heartbeats.remove(runId);
    publishRuns();
    return run(runId).orElseThrow();
  }

  /**
   * Notes that a run is alive now (e.g. one of its writers is connected), so that {@link
   * #abortAbandonedRuns} leaves it running.
   */
  public void runIsAlive(String runId) {
    Objects.requireNonNull(runId, "runId");
    heartbeats.put(runId, Instant.now());
  }

  /**
   * Aborts every started run that has shown no sign of life for {@code timeout}: not started,
   * committed to any table, or reported alive ({@link #runIsAlive}) since. Runs only seen in
   * snapshot summaries were never started, so they are left alone.
   *
   * @param timeout how long a run may stay silent
   * @param alive runs known to be alive now (e.g. with a writer connected), never aborted
   * @return the runs aborted
   */
  public List<RunInfo> abortAbandonedRuns(Duration timeout, Set<String> alive) {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(alive, "alive");
    checkOpen();
    List<RunInfo> aborted = new ArrayList<>();
    if (!abandoned(timeout, alive).isEmpty()) {
      // commits since the last catch-up are signs of life too: look at them before aborting
      catchUp();
      Instant now = Instant.now();
      for (Candidate c : abandoned(timeout, alive)) {
        try {
          aborted.add(
              finishRun(
                  c.run().runId(),
                  RunStatus.ABORTED,
                  now,
                  String.format(
                      "No writer of the run was connected and it committed nothing since %s"
                          + " (timeout %s): Tracelake aborted it",
                      c.lastSign(), timeout)));
          LOG.info("Aborted run {}: silent since {}", c.run().runId(), c.lastSign());
        } catch (LineageException e) {
          // finished meanwhile by its owner: nothing to abort
          LOG.debug("Run {} not aborted: {}", c.run().runId(), e.getMessage());
        }
      }
    }
    return aborted;
  }

  private record Candidate(RunInfo run, Instant lastSign) {}

  private List<Candidate> abandoned(Duration timeout, Set<String> alive) {
    Instant cutoff = Instant.now().minus(timeout);
    IndexState s = state;
    return s.read(
        () -> {
          List<Candidate> out = new ArrayList<>();
          for (RunInfo run : s.runs.runs()) {
            if (run.status() != RunStatus.RUNNING
                || run.source() == RunSource.INGEST
                || alive.contains(run.runId())) {
              continue;
            }
            Instant last = latest(run.startedAt(), s.runs.lastCommit(run.runId()));
            last = latest(last, heartbeats.get(run.runId()));
            if (last != null && last.isBefore(cutoff)) {
              out.add(new Candidate(run, last));
            }
          }
          return out;
        });
  }

  private static Instant latest(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }

  /** Returns a run: registered, from OpenLineage, or seen only in snapshot summaries. */
  public Optional<RunInfo> run(String runId) {
    IndexState s = state;
    return s.read(() -> s.runs.run(runId));
  }

  /** Returns every run known, oldest first. */
  public List<RunInfo> runs() {
    IndexState s = state;
    return s.read(s.runs::runs);
  }

  /** Registers what an OpenLineage event says about a run. */
  void recordRunEvent(RunRow row) {
    checkOpen();
    writeRun(row);
  }

  /** Records an OpenLineage job or dataset event in its table. */
  void recordOpenLineageEvent(OpenLineageEvents.Received event) {
    checkOpen();
    openLineageLog.append(event);
  }

  private void writeRun(RunRow row) {
    runsTable.append(row);
    synchronized (indexing) {
      if (!indexer.catchUpRuns(state)) {
        rebuild();
      }
    }
  }

  // --- questions

  /** Traces a record upstream with the default options. */
  public TraceResult traceUpstream(RecordKey record) {
    return traceUpstream(record, TraceOptions.defaults());
  }

  /**
   * Traces a record upstream: every input, transitively, each with the snapshot it was read at, its
   * run, code commit and model version. Never throws for a record or input that is missing, a cycle
   * or an unknown snapshot: those are problems in the result.
   */
  public TraceResult traceUpstream(RecordKey record, TraceOptions options) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(options, "options");
    prepare(options.consistency());
    IndexState s = state;
    return onMainOrRef(s.read(() -> Tracer.trace(s, record, options)));
  }

  /** Explains a record with the default options. */
  public Explanation explain(RecordKey record) {
    return explain(record, ExplainOptions.defaults());
  }

  /**
   * Explains a record: its row, its run, and every input's row as of the snapshot it was read at
   * (read from the lake, so later appends and schema changes do not alter it).
   */
  public Explanation explain(RecordKey record, ExplainOptions options) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(options, "options");
    prepare(options.consistency());
    TraceOptions traceOptions =
        TraceOptions.defaults().maxDepth(options.maxDepth()).maxNodes(options.maxRows());
    if (options.asOf().isPresent()) {
      traceOptions = traceOptions.asOf(options.asOf().get());
    }
    TraceOptions walk = traceOptions;
    // a record of a branch or tag: its own rows are read from the ref, the rest from the index
    RefOverlay overlay =
        options.ref().map(ref -> RefOverlay.read(lake, ref, allocator)).orElse(null);
    boolean onRef = overlay != null && overlay.records.containsKey(record);
    IndexState s = state;
    record Traced(TraceResult trace, Map<String, RunInfo> runs) {}
    Traced traced =
        s.read(
            () -> {
              TraceResult trace =
                  onRef ? RefTracer.trace(s, overlay, record, walk) : Tracer.trace(s, record, walk);
              Map<String, RunInfo> runs = new LinkedHashMap<>();
              for (TraceNode node : trace.nodes()) {
                String runId = node.provenance().runId();
                if (runId != null && !runs.containsKey(runId)) {
                  s.runs.run(runId).ifPresent(r -> runs.put(runId, r));
                }
              }
              return new Traced(trace, runs);
            });
    return explainer
        .explain(onMainOrRef(traced.trace()), traced.runs(), options)
        .withRuns(new RunVisibility(this.options.datasetNamespace(), options.runTables())::view);
  }

  /**
   * Says where a record that is not on {@code main} is, when a branch or tag of its table holds it:
   * "exists only on branch X" instead of "never ingested".
   */
  private TraceResult onMainOrRef(TraceResult trace) {
    List<Problem> notFound = trace.problems(Problem.Kind.RECORD_NOT_FOUND);
    if (notFound.isEmpty() || !trace.root().equals(notFound.get(0).record())) {
      return trace;
    }
    Optional<dev.tracelake.lake.RefInfo> ref = RefOverlay.refHolding(lake, trace.root(), allocator);
    if (ref.isEmpty()) {
      return trace;
    }
    List<Problem> problems = new ArrayList<>();
    for (Problem p : trace.problems()) {
      problems.add(
          p == notFound.get(0)
              ? Problem.of(
                  Problem.Kind.RECORD_NOT_FOUND,
                  trace.root(),
                  "Record %s is not on main: it exists only on %s %s of table %s (not published);"
                      + " ask about it with ref %s",
                  trace.root(),
                  ref.get().type().name().toLowerCase(java.util.Locale.ROOT),
                  ref.get().name(),
                  trace.root().table(),
                  ref.get().name())
              : p);
    }
    return new TraceResult(
        trace.root(), trace.nodes(), trace.edges(), problems, trace.truncated(), trace.freshness());
  }

  /**
   * Finds everything derived from a record, or from every record a run, model version or code
   * commit produced: counts per table and the ids.
   */
  public ImpactResult impact(ImpactQuery query) {
    Objects.requireNonNull(query, "query");
    prepare(query.consistency());
    RefOverlay overlay = query.ref().map(ref -> RefOverlay.read(lake, ref, allocator)).orElse(null);
    IndexState s = state;
    ImpactResult result = s.read(() -> ImpactWalker.impact(s, query, overlay));
    if (overlay == null && query.kind() == ImpactQuery.Kind.RECORD && result.seedCount() == 0) {
      Optional<dev.tracelake.lake.RefInfo> ref =
          RefOverlay.refHolding(lake, query.record().orElseThrow(), allocator);
      if (ref.isPresent()) {
        List<Problem> problems = new ArrayList<>();
        for (Problem p : result.problems()) {
          problems.add(
              p.kind() == Problem.Kind.RECORD_NOT_FOUND
                  ? Problem.of(
                      Problem.Kind.RECORD_NOT_FOUND,
                      p.record(),
                      "Record %s is not on main: it exists only on %s %s of table %s (not"
                          + " published); ask about it with ref %s",
                      p.record(),
                      ref.get().type().name().toLowerCase(java.util.Locale.ROOT),
                      ref.get().name(),
                      p.record().table(),
                      ref.get().name())
                  : p);
        }
        return new ImpactResult(
            query, result.seeds(), result.derived(), problems, result.freshness());
      }
    }
    return result;
  }

  // --- the index

  /**
   * Folds every snapshot committed since the last catch-up into the index, reading only the rows
   * they appended. Rebuilds instead when a table's {@code main} was reset to an unrelated snapshot.
   *
   * @return the index status afterwards
   */
  public IndexStatus catchUp() {
    checkOpen();
    synchronized (indexing) {
      if (!indexer.catchUp(state)) {
        rebuild();
      }
    }
    publishRuns();
    IndexState s = state;
    return s.read(s::status);
  }

  /**
   * Rebuilds the index from the tables alone, from scratch. Questions keep being answered from the
   * old index until the new one is complete.
   *
   * @return the status of the new index
   */
  public IndexStatus reindex() {
    checkOpen();
    synchronized (indexing) {
      rebuild();
    }
    IndexState s = state;
    return s.read(s::status);
  }

  /**
   * Returns the state of the index after comparing it with every table's head now, without indexing
   * anything: a lagging table shows how many snapshots it is behind.
   */
  public IndexStatus indexStatus() {
    checkOpen();
    synchronized (indexing) {
      if (!indexer.checkHeads(state)) {
        rebuild();
      }
    }
    IndexState s = state;
    return s.read(s::status);
  }

  /** Returns a handler of OpenLineage events that registers them here. */
  public OpenLineageHandler openLineageHandler() {
    return new OpenLineageHandler(this);
  }

  // guarded by indexing
  private void rebuild() {
    IndexState fresh = new IndexState(options.datasetNamespace());
    if (!indexer.catchUp(fresh)) {
      throw new IllegalStateException("A fresh lineage index cannot find history rewritten");
    }
    state = fresh;
    LOG.info(
        "Rebuilt the lineage index: {} records, {} edges",
        fresh.graph.nodeCount(),
        fresh.graph.edgeCount());
  }

  private void prepare(Consistency consistency) {
    checkOpen();
    if (consistency == Consistency.CAUGHT_UP) {
      catchUp();
    }
  }

  private void refreshQuietly() {
    if (closed) {
      return;
    }
    try {
      catchUp();
      synchronized (indexing) {
        lastRefreshFailure = null;
      }
    } catch (RuntimeException e) {
      if (closed) {
        // close() interrupted it: expected, not worth a warning
        LOG.debug("Lineage index catch-up stopped by close: {}", e.getMessage());
        return;
      }
      synchronized (indexing) {
        String message = String.valueOf(e.getMessage());
        if (!message.equals(lastRefreshFailure)) {
          LOG.warn("Lineage index catch-up failed; will retry: {}", message, e);
          lastRefreshFailure = message;
        } else {
          LOG.debug("Lineage index catch-up failed again: {}", message);
        }
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("Lineage is closed");
    }
  }

  /** Stops the background refresh and releases the index. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RunEventPublisher p = publisher;
    if (p != null) {
      p.close();
    }
    if (refresher != null) {
      refresher.shutdownNow();
      try {
        if (!refresher.awaitTermination(30, TimeUnit.SECONDS)) {
          LOG.warn("Lineage index refresh did not stop within 30 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (indexing) {
      // waits for a catch-up started by a caller's thread to finish with the allocator
      allocator.close();
    }
  }
}
