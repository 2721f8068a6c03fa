package dev.tracelake.query;

import java.nio.file.Path;
import java.sql.SQLException;
import org.duckdb.DuckDBConnection;

/**
 * One sandboxed DuckDB database and the spill directory it owns. Every call into it goes through
 * the engine's confined threads; closing it closes the database there and removes the directory.
 */
final class SandboxDatabase implements AutoCloseable {
  private final DuckDBConnection connection;
  private final Path spillDir;
  private final SandboxThreads threads;
  private final SpillSpace spill;
  private boolean closed;

  SandboxDatabase(
      DuckDBConnection connection, Path spillDir, SandboxThreads threads, SpillSpace spill) {
    this.connection = connection;
    this.spillDir = spillDir;
    this.threads = threads;
    this.spill = spill;
  }

  DuckDBConnection connection() {
    return connection;
  }

  /** Returns whether the database is still open. */
  boolean isOpen() {
    try {
      return !closed && !connection.isClosed();
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Starts the transaction a user query runs in: whatever the query could have changed is rolled
   * back before the database serves another query.
   */
  void beginQuery() throws SQLException {
    threads.call(
        () -> {
          connection.setAutoCommit(false);
          return null;
        });
  }

  /** Rolls the query's transaction back; false when that failed (then close the database). */
  boolean endQuery() {
    try {
      threads.call(
          () -> {
            connection.rollback();
            connection.setAutoCommit(true);
            // the random seed is session state a transaction does not cover
            try (java.sql.Statement s = connection.createStatement()) {
              s.execute(
                  "SELECT setseed("
                      + java.util.concurrent.ThreadLocalRandom.current().nextDouble(-1, 1)
                      + ")");
            }
            return null;
          });
      return true;
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      threads.call(
          () -> {
            connection.close();
            return null;
          });
    } catch (SQLException | RuntimeException e) {
      // the native database is gone either way
    } finally {
      spill.release(spillDir);
    }
  }
}
