package dev.tracelake.ingest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes of requests received but not yet committed. Streams read their next message only while the
 * budget has room; otherwise they wait for a release, and gRPC's flow control makes the producer
 * wait too. At most one message per stream can exceed the budget.
 */
final class MemoryBudget {
  private final long limit;
  // guarded by this
  private long used;
  // guarded by this
  private final ArrayDeque<Runnable> waiters = new ArrayDeque<>();

  MemoryBudget(long limit) {
    this.limit = limit;
  }

  synchronized void acquire(long bytes) {
    used += bytes;
  }

  void release(long bytes) {
    List<Runnable> ready = new ArrayList<>();
    synchronized (this) {
      used -= bytes;
      while (used < limit && !waiters.isEmpty()) {
        ready.add(waiters.poll());
      }
    }
    // run outside the lock: a waiter requests the next gRPC message
    ready.forEach(Runnable::run);
  }

  /** Runs {@code next} now if there is room, else when a release makes room. */
  void whenRoom(Runnable next) {
    synchronized (this) {
      if (used >= limit) {
        waiters.add(next);
        return;
      }
    }
    next.run();
  }

  synchronized long used() {
    return used;
  }
}
