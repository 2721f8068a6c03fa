package dev.tracelake.query;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.TableName;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs read-only SQL over the tables of a {@link Lake} with embedded DuckDB. Thread-safe: each
 * query runs in its own DuckDB database, so queries never share state.
 *
 * <p>Beyond DuckDB's SQL, a query may name a table at a version with Trino's syntax ({@code FROM t
 * FOR VERSION AS OF 8712356}, {@code FOR VERSION AS OF 'tag-or-branch'}, {@code FOR TIMESTAMP AS OF
 * TIMESTAMP '2026-11-01 00:00:00 UTC'}), read metadata tables ({@code "t$snapshots"}, {@code
 * "t$history"}, {@code "t$refs"}, {@code "t$files"}), the rows added between two versions ({@code
 * table_changes('t', from, to)}) and lineage ({@code lineage_edges}, {@code runs}, {@code
 * lineage_upstream('t', 'record_id')}). Every table reference is pinned to one snapshot before the
 * query runs, and DuckDB reads exactly that snapshot's data files, matching columns by Iceberg
 * field id.
 *
 * <p>Only a single read-only SELECT runs (an allow-list over DuckDB's own syntax tree), in a
 * database that can read no file but the query's data files and can change no setting, on threads
 * the kernel forbids to write any file outside the query's spill directory ({@link
 * FileWriteBarrier}). See the module's README, "Sandbox".
 *
 * <pre>{@code
 * try (SqlEngine engine = SqlEngine.create(lake);
 *     QueryResult result =
 *         engine.execute(
 *             "SELECT count(*) FROM events FOR VERSION AS OF 'v1'",
 *             QueryOptions.defaults().withTimeout(Duration.ofSeconds(30)))) {
 *   ArrowReader reader = result.reader();
 *   while (reader.loadNextBatch()) { ... }
 * }
 * }</pre>
 */
public final class SqlEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SqlEngine.class);

  /** The longest query text accepted. */
  static final int MAX_SQL_CHARS = 1 << 20;

  /** How often a query waiting for a slot looks at its cancellation. */
  private static final long ADMISSION_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private static final int CACHED_SNAPSHOT_FILE_LISTS = 10_000;

  /**
   * The environment variable an operator sets to {@value #WITHOUT_BARRIER_ACCEPTED} to run SQL
   * where the kernel cannot confine DuckDB's threads (not Linux, or Linux without Landlock).
   */
  public static final String WITHOUT_BARRIER_VARIABLE = "TRACELAKE_SQL_WITHOUT_WRITE_BARRIER";

  public static final String WITHOUT_BARRIER_ACCEPTED = "accept-the-risk";

  private final Lake lake;
  private final SqlEngineConfig config;
  private final ParserDatabase parser;
  private final StatementGuard guard;
  private final boolean guardEnabled;
  private final FileWriteBarrier barrier;
  private final SpillSpace spill;
  private final SandboxThreads threads;
  private final Sandbox sandbox;
  private final Semaphore running;
  private final WarmSandboxes warmSandboxes = new WarmSandboxes();
  private final FileOrigins origins = new FileOrigins(CACHED_SNAPSHOT_FILE_LISTS);
  private final ScheduledExecutorService timer;
  private final RootAllocator allocator = new RootAllocator();
  private final AtomicLong queryIds = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  private SqlEngine(Lake lake, SqlEngineConfig config, boolean guardEnabled) {
    this.lake = lake;
    this.config = config;
    this.guardEnabled = guardEnabled;
    this.barrier = FileWriteBarrier.probe();
    this.spill =
        SpillSpace.create(
            config.spillRoot(),
            lake.config().isLocalWarehouse() ? lake.config().warehousePath() : null);
    if (barrier.available()) {
      barrier.verify(spill.root(), spill.root().getParent());
    } else if (WITHOUT_BARRIER_ACCEPTED.equals(System.getenv(WITHOUT_BARRIER_VARIABLE))) {
      LOG.warn(
          "SQL runs WITHOUT the kernel's write barrier ({}={}): {}. Only the statement guard and"
              + " DuckDB's own confinement stand between SQL users and the warehouse",
          WITHOUT_BARRIER_VARIABLE,
          WITHOUT_BARRIER_ACCEPTED,
          barrier.unavailableReason());
    } else {
      LOG.warn(
          "SQL queries will be refused: {}. Set {}={} to run them without the kernel's write"
              + " barrier",
          barrier.unavailableReason(),
          WITHOUT_BARRIER_VARIABLE,
          WITHOUT_BARRIER_ACCEPTED);
    }
    this.running = new Semaphore(config.maxConcurrentQueries());
    // Native libraries unpack themselves to a temporary file when first used; a confined thread
    // could not, so both are loaded here first: DuckDB's by the parser database, Arrow's C data
    // bridge explicitly.
    this.parser = ParserDatabase.open();
    org.apache.arrow.c.jni.JniLoader.get().ensureLoaded();
    this.threads = new SandboxThreads(barrier, spill.root(), config.maxConcurrentQueries() + 2);
    this.guard = new StatementGuard(parser);
    this.sandbox = new Sandbox(config, threads);
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = Executors.defaultThreadFactory().newThread(r);
              t.setName("tracelake-sql-timer");
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    this.timer = executor;
  }

  /** Creates an engine over {@code lake} with the default limits. */
  public static SqlEngine create(Lake lake) {
    return create(lake, SqlEngineConfig.defaults());
  }

  /** Creates an engine over {@code lake} whose queries run under {@code config}'s limits. */
  public static SqlEngine create(Lake lake, SqlEngineConfig config) {
    return new SqlEngine(
        Objects.requireNonNull(lake, "lake"), Objects.requireNonNull(config, "config"), true);
  }

  /**
   * Creates an engine that runs statements its guard would refuse: the test seam that shows the
   * layers below the guard (the kernel's write barrier, DuckDB's confinement, read-only relations)
   * hold on their own. Never for anything but tests.
   */
  static SqlEngine createWithoutStatementGuardForTests(Lake lake, SqlEngineConfig config) {
    return new SqlEngine(lake, config, false);
  }

  /** Runs {@code sql} with default options. */
  public QueryResult execute(String sql) {
    return execute(sql, QueryOptions.defaults());
  }

  /**
   * Runs one read-only SELECT. Returns once DuckDB has computed the result; its batches then stream
   * from {@link QueryResult#reader()}.
   *
   * @return the result, to be closed by the caller
   * @throws QueryException NOT_FOUND for an unknown table, snapshot, branch, tag or column;
   *     INVALID_ARGUMENT for a query DuckDB rejects; PERMISSION_DENIED for anything but one SELECT,
   *     a refused table function or a file outside the query's tables; CANCELLED or
   *     DEADLINE_EXCEEDED when stopped; RESOURCE_EXHAUSTED past the memory limit; INTERNAL
   *     otherwise
   */
  public QueryResult execute(String sql, QueryOptions options) {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(options, "options");
    if (closed.get()) {
      throw new IllegalStateException("SQL engine is closed");
    }
    if (!barrier.available()
        && !WITHOUT_BARRIER_ACCEPTED.equals(System.getenv(WITHOUT_BARRIER_VARIABLE))) {
      throw new QueryException(
          QueryErrorKind.FAILED_PRECONDITION,
          "SQL is refused on this machine: the kernel cannot stop DuckDB from writing files ("
              + barrier.unavailableReason()
              + "). An operator who accepts that risk sets "
              + WITHOUT_BARRIER_VARIABLE
              + "="
              + WITHOUT_BARRIER_ACCEPTED);
    }
    if (sql.length() > MAX_SQL_CHARS) {
      throw QueryException.invalid(
          "The query is %d characters long; the most the SQL endpoint takes is %d",
          sql.length(), MAX_SQL_CHARS);
    }
    if (!admit(options)) {
      throw new QueryException(
          QueryErrorKind.RESOURCE_EXHAUSTED,
          String.format(
              "%d queries are running, the most this engine runs at once; retry when one has"
                  + " finished",
              config.maxConcurrentQueries()));
    }
    long id = queryIds.incrementAndGet();
    Duration timeout = options.timeout() != null ? options.timeout() : config.defaultTimeout();
    if (timeout.compareTo(config.maxTimeout()) > 0) {
      timeout = config.maxTimeout(); // a client may ask for less, never for more
    }
    QueryCancellation cancellation =
        options.cancellation() != null ? options.cancellation() : QueryCancellation.create();
    QueryExecution execution = QueryExecution.start(timeout, cancellation, timer);
    // closed in reverse order of opening when the query fails before it has a result
    Deque<AutoCloseable> opened = new ArrayDeque<>();
    opened.push(running::release);
    try {
      long started = System.nanoTime();
      RewrittenQuery rewritten = SqlRewriter.rewrite(sql);
      ParsedQuery parsed =
          guardEnabled
              ? guard.check(rewritten.sql())
              : guard.inspectWithoutChecking(rewritten.sql());
      long checked = System.nanoTime();
      SessionPlan session =
          RelationResolver.resolve(
              new QueryScope(lake, parser, options.gate()), origins, rewritten, parsed);
      long resolved = System.nanoTime();
      execution.checkNotStopped();
      LOG.debug("Query {} runs as: {}", id, rewritten.sql());
      QueryResult result = run(id, rewritten.sql(), session, options, execution, opened);
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "Query {}: checked in {} ms, resolved in {} ms, sandboxed and run in {} ms",
            id,
            (checked - started) / 1_000_000,
            (resolved - checked) / 1_000_000,
            (System.nanoTime() - resolved) / 1_000_000);
      }
      return result;
    } catch (Exception e) {
      execution.finish();
      try {
        Resources.closeAll(List.copyOf(opened));
      } catch (IllegalStateException closing) {
        e.addSuppressed(closing);
      }
      QueryException stopped = execution.stoppedException();
      throw stopped != null ? stopped : translate(id, e);
    }
  }

  /** Builds the query's sandboxed database, runs the checked SQL in it and opens its stream. */
  /**
   * Takes a slot for the query, waiting up to its admission wait in short steps so that a
   * cancellation (e.g. a PostgreSQL CancelRequest) ends the wait at once.
   */
  private boolean admit(QueryOptions options) {
    if (running.tryAcquire()) {
      return true;
    }
    Duration wait = options.admissionWait();
    if (wait == null || wait.isZero()) {
      return false;
    }
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        if (options.cancellation() != null && options.cancellation().isCancelled()) {
          throw new QueryException(
              QueryErrorKind.CANCELLED, "Query was cancelled while it waited for a free slot");
        }
        if (running.tryAcquire(Math.min(left, ADMISSION_STEP_NANOS), TimeUnit.NANOSECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QueryException(
          QueryErrorKind.CANCELLED, "Query was interrupted while it waited for a free slot");
    }
  }

  private QueryResult run(
      long id,
      String sql,
      SessionPlan session,
      QueryOptions options,
      QueryExecution execution,
      Deque<AutoCloseable> opened)
      throws SQLException {
    long started = System.nanoTime();
    WarmSandboxes.Key key = new WarmSandboxes.Key(session.files(), session.setupStatements());
    SandboxDatabase warm = warmSandboxes.take(key);
    SandboxDatabase database = warm != null ? warm : openDatabase(id, session);
    SandboxLease lease = new SandboxLease(key, database, execution);
    opened.push(lease);
    DuckDBConnection connection = database.connection();
    long sandboxed = System.nanoTime();
    if (warm == null) {
      for (String setup : session.setupStatements()) {
        threads.call(
            () -> {
              try (Statement s = connection.createStatement()) {
                return execution.run(s, () -> s.execute(setup));
              }
            });
      }
    }
    LOG.debug(
        "Query {}: sandbox {} in {} ms, {} setup statements in {} ms",
        id,
        warm != null ? "reused" : "opened",
        (sandboxed - started) / 1_000_000,
        warm != null ? 0 : session.setupStatements().size(),
        (System.nanoTime() - sandboxed) / 1_000_000);
    // whatever the query changes in the database is rolled back before another query uses it
    database.beginQuery();
    Statement statement = threads.call(connection::createStatement);
    opened.push(
        () ->
            threads.call(
                () -> {
                  statement.close();
                  return null;
                }));
    DuckDBResultSet rs =
        threads.call(
            () ->
                execution.run(
                    statement,
                    () -> {
                      if (!statement.execute(sql)) {
                        // only statements the guard refuses (the test seam) return no rows
                        throw QueryException.invalid("The statement returned no result");
                      }
                      return (DuckDBResultSet) statement.getResultSet();
                    }));
    opened.push(
        () ->
            threads.call(
                () -> {
                  rs.close();
                  return null;
                }));
    execution.statementsDone();
    BufferAllocator queryAllocator = allocator.newChildAllocator("query-" + id, 0, Long.MAX_VALUE);
    opened.push(queryAllocator);
    ArrowReader source =
        threads.call(() -> (ArrowReader) rs.arrowExportStream(queryAllocator, options.batchSize()));
    ResultReader reader =
        new ResultReader(queryAllocator, source, execution, e -> translate(id, e), threads);
    lease.resultOpened(reader);
    // the result closes its reader first, then these: Arrow memory, result set, statement,
    // database, the query's slot
    return new QueryResult(reader, session.references(), execution, List.copyOf(opened));
  }

  private SandboxDatabase openDatabase(long id, SessionPlan session) throws SQLException {
    Path spillDir = spill.forQuery(id);
    try {
      return new SandboxDatabase(sandbox.open(session.files(), spillDir), spillDir, threads, spill);
    } catch (SQLException | RuntimeException e) {
      spill.release(spillDir);
      throw e;
    }
  }

  private QueryException translate(long id, Exception e) {
    QueryException q;
    if (e instanceof QueryException qe) {
      q = qe;
    } else if (e instanceof LakeException le) {
      q = LakeErrors.translate(le);
    } else if (e instanceof SQLException sql) {
      q = DuckDbErrors.translate(sql, this::tablesForMessages, config);
    } else {
      q = new QueryException(QueryErrorKind.INTERNAL, "unexpected", e);
    }
    if (q.kind() == QueryErrorKind.INTERNAL) {
      // clients never see internal detail; the server log keeps it once, with the cause
      LOG.error("Query {} failed: {}", id, q.getMessage(), q.getCause() != null ? q.getCause() : q);
      return new QueryException(
          QueryErrorKind.INTERNAL,
          "Internal error while running query " + id + "; see the server log");
    }
    return q;
  }

  private List<TableName> tablesForMessages() {
    try {
      return lake.tables();
    } catch (RuntimeException e) {
      LOG.warn("Cannot list tables for an error message", e);
      return List.of();
    }
  }

  /** Returns how many databases are kept warm for repeated queries (tests). */
  int warmSandboxCount() {
    return warmSandboxes.idleCount();
  }

  /**
   * The query's database until the query is closed: then kept for the next query over the same
   * files and relations when its result was read to the end (not failed, cancelled or timed out),
   * closed otherwise. Closed last, after the result set and statement.
   */
  private final class SandboxLease implements AutoCloseable {
    private final WarmSandboxes.Key key;
    private final SandboxDatabase database;
    private final QueryExecution execution;
    private ResultReader reader;

    SandboxLease(WarmSandboxes.Key key, SandboxDatabase database, QueryExecution execution) {
      this.key = key;
      this.database = database;
      this.execution = execution;
    }

    void resultOpened(ResultReader reader) {
      this.reader = reader;
    }

    @Override
    public void close() {
      if (reader != null
          && reader.rowCount().isPresent()
          && execution.stoppedException() == null
          && database.isOpen()
          && !closed.get()
          && database.endQuery()) {
        warmSandboxes.offer(key, database);
      } else {
        database.close();
      }
    }
  }

  /**
   * Stops the engine. Close every {@link QueryResult} first: Arrow memory still held by a result
   * makes this fail.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    timer.shutdownNow();
    sandbox.close();
    warmSandboxes.close();
    threads.close();
    parser.close();
    spill.close();
    allocator.close();
  }
}
