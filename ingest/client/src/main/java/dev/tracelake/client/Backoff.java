package dev.tracelake.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter between reconnect attempts; not thread-safe. */
final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private long nextMillis;

  Backoff(Duration initial, Duration max) {
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.nextMillis = initialMillis;
  }

  /** Returns the wait before the next attempt, and doubles the one after it. */
  long nextDelayMillis() {
    long base = nextMillis;
    nextMillis = Math.min(maxMillis, nextMillis * 2);
    // +-20% so writers that broke together do not reconnect in lockstep
    double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
    return Math.max(1, Math.round(base * jitter));
  }

  /** Starts over from the initial wait, after a success. */
  void reset() {
    nextMillis = initialMillis;
  }
}
