package dev.tracelake.query;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one query against its deadline and its cancellation handle. Stopping sets the reason
 * once and interrupts whatever DuckDB statement runs; every stage checks the reason, so a query
 * stopped between statements fails before the next one starts.
 */
final class QueryExecution {
  private static final Logger LOG = LoggerFactory.getLogger(QueryExecution.class);
  private static final long INTERRUPT_EVERY_MILLIS = 50;

  /** A JDBC call that the deadline or a cancellation may interrupt. */
  interface StatementCall<T> {
    T run() throws SQLException;
  }

  private final Duration timeout;
  private final ScheduledExecutorService timer;
  private final AtomicReference<QueryErrorKind> stopReason = new AtomicReference<>();
  private volatile Statement running;

  /** Set once the result is computed: from then on no statement runs that needs interrupting. */
  private volatile boolean statementsDone;

  // guarded by this
  private ScheduledFuture<?> deadline;
  private ScheduledFuture<?> interrupter;
  private Runnable unregister = () -> {};
  private boolean finished;

  private QueryExecution(Duration timeout, ScheduledExecutorService timer) {
    this.timeout = timeout;
    this.timer = timer;
  }

  static QueryExecution start(
      Duration timeout, QueryCancellation cancellation, ScheduledExecutorService timer) {
    QueryExecution execution = new QueryExecution(timeout, timer);
    synchronized (execution) {
      execution.deadline =
          timer.schedule(
              () -> execution.stop(QueryErrorKind.DEADLINE_EXCEEDED),
              timeout.toNanos(),
              TimeUnit.NANOSECONDS);
    }
    Runnable unregister = cancellation.register(() -> execution.stop(QueryErrorKind.CANCELLED));
    synchronized (execution) {
      execution.unregister = unregister;
    }
    return execution;
  }

  /** Cancels the query; the first reason to stop wins. */
  void cancel() {
    stop(QueryErrorKind.CANCELLED);
  }

  private void stop(QueryErrorKind reason) {
    if (!stopReason.compareAndSet(null, reason)) {
      return;
    }
    synchronized (this) {
      if (!finished && !statementsDone) {
        // DuckDB forgets an interrupt that arrives before its statement starts, so keep
        // interrupting until the query finishes rather than once.
        interrupter =
            timer.scheduleWithFixedDelay(
                this::interruptRunning, 0, INTERRUPT_EVERY_MILLIS, TimeUnit.MILLISECONDS);
      }
    }
  }

  private void interruptRunning() {
    if (statementsDone) {
      synchronized (this) {
        interrupter.cancel(false);
      }
      return;
    }
    Statement statement = running;
    if (statement != null) {
      try {
        statement.cancel();
      } catch (SQLException | RuntimeException e) {
        LOG.debug("Interrupting a stopped query failed", e);
      }
    }
  }

  /** Runs a JDBC call that stopping may interrupt. */
  <T> T run(Statement statement, StatementCall<T> call) throws SQLException {
    checkNotStopped();
    running = statement;
    try {
      return call.run();
    } finally {
      running = null;
    }
  }

  /** Notes that the query's last statement has run; its result only streams from now on. */
  void statementsDone() {
    statementsDone = true;
  }

  /**
   * Throws when the query was stopped.
   *
   * @throws QueryException CANCELLED or DEADLINE_EXCEEDED
   */
  void checkNotStopped() {
    QueryException stopped = stoppedException();
    if (stopped != null) {
      throw stopped;
    }
  }

  /** Returns why the query was stopped, or null while it may go on. */
  QueryException stoppedException() {
    QueryErrorKind reason = stopReason.get();
    if (reason == null) {
      return null;
    }
    return reason == QueryErrorKind.DEADLINE_EXCEEDED
        ? new QueryException(
            reason, "Query exceeded its timeout of " + describe(timeout) + " and was cancelled")
        : new QueryException(reason, "Query was cancelled");
  }

  /** Stops the clocks; the query has delivered its result or failed. */
  synchronized void finish() {
    finished = true;
    deadline.cancel(false);
    if (interrupter != null) {
      interrupter.cancel(false);
    }
    unregister.run();
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
