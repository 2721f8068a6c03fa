package dev.tracelake.query;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A handle that cancels a query from another thread, at any stage: while its tables are resolved,
 * while DuckDB runs it, or while its result streams. Pass it in {@link QueryOptions}; a transport
 * calls {@link #cancel()} when its client goes away. One handle may serve several queries.
 */
public final class QueryCancellation {
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  private QueryCancellation() {}

  /** Returns a handle that is not cancelled yet. */
  public static QueryCancellation create() {
    return new QueryCancellation();
  }

  /** Cancels every query running with this handle; later queries with it fail at once. */
  public void cancel() {
    if (cancelled.compareAndSet(false, true)) {
      listeners.forEach(Runnable::run);
    }
  }

  /** Returns whether {@link #cancel()} was called. */
  public boolean isCancelled() {
    return cancelled.get();
  }

  /**
   * Runs {@code listener} on cancellation, at once when already cancelled (so it may run twice when
   * racing with {@link #cancel()}; listeners are idempotent).
   *
   * @return removes the listener
   */
  Runnable register(Runnable listener) {
    listeners.add(listener);
    if (cancelled.get()) {
      listener.run();
    }
    return () -> listeners.remove(listener);
  }
}
