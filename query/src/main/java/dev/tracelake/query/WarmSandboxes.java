package dev.tracelake.query;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.duckdb.DuckDBConnection;

/**
 * Sandboxed databases kept after a query for the next query over exactly the same files and
 * relations: a dashboard re-running its query on an unchanged snapshot gets a warm database (DuckDB
 * caches the files' data and metadata in it) instead of a fresh one.
 *
 * <p>Reuse is safe because the key is everything that shapes the database: the files it may read
 * and the statements that created its relations. Only single SELECTs ever run in it (the guard
 * refuses everything else) and its settings are locked, so a query leaves nothing behind that the
 * next one could see. A database is kept only after a query that ended normally, at most {@link
 * #MAX_IDLE} at a time and for {@link #IDLE_MILLIS} ms; each holds up to the engine's memory limit.
 */
final class WarmSandboxes implements AutoCloseable {
  static final int MAX_IDLE = 2;
  static final long IDLE_MILLIS = 30_000;

  /** What makes two sandboxes interchangeable. */
  record Key(Set<String> files, List<String> setupStatements) {
    Key {
      files = Set.copyOf(files);
      setupStatements = List.copyOf(setupStatements);
    }
  }

  private record Idle(Key key, DuckDBConnection connection, long since) {}

  // guarded by this; oldest first
  private final ArrayDeque<Idle> idle = new ArrayDeque<>();
  // guarded by this
  private boolean closed;

  /** Takes a warm database for {@code key}, or returns null when none is kept. */
  synchronized DuckDBConnection take(Key key) {
    expire(System.currentTimeMillis());
    for (Iterator<Idle> it = idle.descendingIterator(); it.hasNext(); ) {
      Idle i = it.next();
      if (i.key().equals(key)) {
        it.remove();
        return i.connection();
      }
    }
    return null;
  }

  /** Keeps {@code connection} for the next query with {@code key}, evicting the oldest. */
  void offer(Key key, DuckDBConnection connection) {
    DuckDBConnection evicted = null;
    synchronized (this) {
      if (closed) {
        evicted = connection;
      } else {
        idle.addLast(new Idle(key, connection, System.currentTimeMillis()));
        if (idle.size() > MAX_IDLE) {
          evicted = idle.removeFirst().connection();
        }
      }
    }
    closeQuietly(evicted);
  }

  // guarded by this
  private void expire(long now) {
    while (!idle.isEmpty() && now - idle.peekFirst().since() > IDLE_MILLIS) {
      closeQuietly(idle.removeFirst().connection());
    }
  }

  synchronized int idleCount() {
    return idle.size();
  }

  private static void closeQuietly(DuckDBConnection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // nothing left to release
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    idle.forEach(i -> closeQuietly(i.connection()));
    idle.clear();
  }
}
