package dev.tracelake.query;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads every call into a query's DuckDB database runs on: each confines itself with the
 * {@link FileWriteBarrier} before its first task, so DuckDB's worker threads, which a database
 * creates on the thread that opens it, are confined too. A caller hands a JDBC call over and waits
 * for it; DuckDB's own interrupt ({@code Statement.cancel()}) still works from any thread.
 *
 * <p>Never hand these threads work that may start a shared thread pool (logging appenders, Iceberg,
 * the engine's timer): a thread they start would be confined for good.
 */
final class SandboxThreads implements AutoCloseable {
  /** A JDBC call made on a confined thread. */
  interface SqlCall<T> {
    T run() throws SQLException;
  }

  private final FileWriteBarrier barrier;
  private final Path writableRoot;
  private final ExecutorService executor;
  private final ThreadLocal<Boolean> confined = ThreadLocal.withInitial(() -> false);

  SandboxThreads(FileWriteBarrier barrier, Path writableRoot, int threads) {
    this.barrier = barrier;
    this.writableRoot = writableRoot;
    AtomicInteger count = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "tracelake-sql-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Runs {@code call} on a confined thread and returns its result.
   *
   * @throws SQLException what the call threw
   * @throws IllegalStateException when the thread cannot be confined (the call does not run)
   */
  <T> T call(SqlCall<T> call) throws SQLException {
    Future<T> future = submit(call);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          // the call holds native resources: let it finish; the caller's interrupt is kept
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException sql) {
        throw sql;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("SQL call failed: " + cause, cause);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Starts {@code call} on a confined thread.
   *
   * @throws IllegalStateException when the engine is closed
   */
  <T> Future<T> submit(SqlCall<T> call) {
    try {
      return executor.submit(
          () -> {
            if (!confined.get()) {
              barrier.confineCurrentThread(writableRoot);
              confined.set(true);
            }
            return call.run();
          });
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("SQL engine is closed", e);
    }
  }

  /** Runs {@code call} on a confined thread, for calls that throw nothing checked. */
  void run(Runnable call) {
    try {
      call(
          () -> {
            call.run();
            return null;
          });
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    executor.shutdown();
  }
}
