package dev.tracelake.query;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Sandboxed databases kept after a query for the next query over exactly the same files and
 * relations: a dashboard re-running its query on an unchanged snapshot gets a warm database (DuckDB
 * caches the files' data and metadata in it) instead of a fresh one.
 *
 * <p>Reuse is safe because nothing a query does can outlive it: the key is everything that shapes
 * the database (the files it may read and the statements that created its relations); those
 * relations are views, which no statement can change; every query runs in a transaction that is
 * rolled back before the database is offered here; the guard admits only read-only SELECTs and the
 * settings are locked. A database is kept only after a query that ended normally, at most {@link
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

  private record Idle(Key key, SandboxDatabase database, long since) {}

  // guarded by this; oldest first
  private final ArrayDeque<Idle> idle = new ArrayDeque<>();
  // guarded by this
  private boolean closed;

  /** Takes a warm database for {@code key}, or returns null when none is kept. */
  SandboxDatabase take(Key key) {
    List<SandboxDatabase> expired;
    SandboxDatabase found = null;
    synchronized (this) {
      expired = expire(System.currentTimeMillis());
      for (Iterator<Idle> it = idle.descendingIterator(); it.hasNext(); ) {
        Idle i = it.next();
        if (i.key().equals(key)) {
          it.remove();
          found = i.database();
          break;
        }
      }
    }
    expired.forEach(SandboxDatabase::close);
    return found;
  }

  /** Keeps {@code database} for the next query with {@code key}, evicting the oldest. */
  void offer(Key key, SandboxDatabase database) {
    SandboxDatabase evicted = null;
    synchronized (this) {
      if (closed) {
        evicted = database;
      } else {
        idle.addLast(new Idle(key, database, System.currentTimeMillis()));
        if (idle.size() > MAX_IDLE) {
          evicted = idle.removeFirst().database();
        }
      }
    }
    if (evicted != null) {
      evicted.close();
    }
  }

  // guarded by this
  private List<SandboxDatabase> expire(long now) {
    List<SandboxDatabase> out = new java.util.ArrayList<>();
    while (!idle.isEmpty() && now - idle.peekFirst().since() > IDLE_MILLIS) {
      out.add(idle.removeFirst().database());
    }
    return out;
  }

  synchronized int idleCount() {
    return idle.size();
  }

  @Override
  public void close() {
    List<Idle> left;
    synchronized (this) {
      closed = true;
      left = List.copyOf(idle);
      idle.clear();
    }
    left.forEach(i -> i.database().close());
  }
}
