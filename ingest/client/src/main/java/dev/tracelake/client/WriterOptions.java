package dev.tracelake.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TableWriter} stamps, bounds and retries its appends.
 *
 * @param provenance who produces the writer's records
 * @param maxInflightRequests the most appends sent but not yet acknowledged; {@link
 *     TableWriter#append} blocks while this many are outstanding
 * @param maxInflightBytes the most bytes of appends sent but not yet acknowledged; one append
 *     larger than this is still sent when nothing else is outstanding
 * @param initialBackoff the wait before the first reconnect after a stream breaks; each further
 *     attempt waits twice as long, up to {@code maxBackoff}
 * @param maxBackoff the longest wait between reconnect attempts
 * @param retryTimeout how long the writer keeps reconnecting without receiving an acknowledgement
 *     before it fails its outstanding appends
 * @param branch the branch appended to, {@code main} by default; it must exist
 *     (write-audit-publish: stage on a branch, check it, then {@link Table#publish} it)
 */
public record WriterOptions(
    Provenance provenance,
    int maxInflightRequests,
    long maxInflightBytes,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration retryTimeout,
    String branch) {
  /** Default bound on unacknowledged appends. */
  public static final int DEFAULT_MAX_INFLIGHT_REQUESTS = 64;

  /** Default bound on unacknowledged bytes: 64 MiB. */
  public static final long DEFAULT_MAX_INFLIGHT_BYTES = 64L << 20;

  /** Checks the arguments. */
  public WriterOptions {
    Objects.requireNonNull(provenance, "provenance");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(retryTimeout, "retryTimeout");
    Objects.requireNonNull(branch, "branch");
    if (branch.isEmpty()) {
      throw new IllegalArgumentException("Branch must not be empty");
    }
    if (maxInflightRequests <= 0) {
      throw new IllegalArgumentException(
          "Max in-flight requests must be positive, got " + maxInflightRequests);
    }
    if (maxInflightBytes <= 0) {
      throw new IllegalArgumentException(
          "Max in-flight bytes must be positive, got " + maxInflightBytes);
    }
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException("Initial backoff must be positive, got " + initialBackoff);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "Max backoff " + maxBackoff + " is shorter than the initial backoff " + initialBackoff);
    }
    if (retryTimeout.isNegative()) {
      throw new IllegalArgumentException("Retry timeout must not be negative, got " + retryTimeout);
    }
  }

  /** Returns the default options with this provenance. */
  public static WriterOptions of(Provenance provenance) {
    return builder().provenance(provenance).build();
  }

  /**
   * Returns a builder holding the defaults: no provenance, 64 requests or 64 MiB in flight, backoff
   * from 100 ms to 5 s, 5 minutes of retrying, branch {@code main}.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link WriterOptions}, starting from the defaults. */
  public static final class Builder {
    private Provenance provenance = Provenance.none();
    private int maxInflightRequests = DEFAULT_MAX_INFLIGHT_REQUESTS;
    private long maxInflightBytes = DEFAULT_MAX_INFLIGHT_BYTES;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private Duration retryTimeout = Duration.ofMinutes(5);
    private String branch = "main";

    private Builder() {}

    /** Sets who produces the writer's records. */
    public Builder provenance(Provenance value) {
      this.provenance = value;
      return this;
    }

    /** Sets the most appends sent but not yet acknowledged. */
    public Builder maxInflightRequests(int value) {
      this.maxInflightRequests = value;
      return this;
    }

    /** Sets the most bytes of appends sent but not yet acknowledged. */
    public Builder maxInflightBytes(long value) {
      this.maxInflightBytes = value;
      return this;
    }

    /** Sets the first and the longest wait between reconnect attempts. */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** Sets how long the writer keeps reconnecting without an acknowledgement. */
    public Builder retryTimeout(Duration value) {
      this.retryTimeout = value;
      return this;
    }

    /** Sets the branch appended to (default {@code main}); the branch must exist. */
    public Builder branch(String value) {
      this.branch = value;
      return this;
    }

    /**
     * Returns the options.
     *
     * @throws IllegalArgumentException when a bound or duration is out of range
     */
    public WriterOptions build() {
      return new WriterOptions(
          provenance,
          maxInflightRequests,
          maxInflightBytes,
          initialBackoff,
          maxBackoff,
          retryTimeout,
          branch);
    }
  }
}
