package dev.tracelake.lineage;

import java.time.Instant;
import java.util.Optional;

/**
 * How to trace: depth and size limits, a point in time, and index freshness. Immutable; each
 * refinement returns a new object.
 */
public final class TraceOptions {
  public static final int DEFAULT_MAX_DEPTH = 100;
  public static final int DEFAULT_MAX_NODES = 100_000;

  private static final TraceOptions DEFAULTS =
      new TraceOptions(DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES, null, Consistency.INDEXED);

  private final int maxDepth;
  private final int maxNodes;
  private final Instant asOf;
  private final Consistency consistency;

  private TraceOptions(int maxDepth, int maxNodes, Instant asOf, Consistency consistency) {
    this.maxDepth = maxDepth;
    this.maxNodes = maxNodes;
    this.asOf = asOf;
    this.consistency = consistency;
  }

  /** Returns the defaults: depth {@value #DEFAULT_MAX_DEPTH}, now, answer from the index. */
  public static TraceOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Follows at most {@code depth} lineage steps.
   *
   * @throws IllegalArgumentException when {@code depth} is negative
   */
  public TraceOptions maxDepth(int depth) {
    if (depth < 0) {
      throw new IllegalArgumentException("Trace depth must be 0 or more, got " + depth);
    }
    return new TraceOptions(depth, maxNodes, asOf, consistency);
  }

  /**
   * Stops after reaching {@code nodes} records.
   *
   * @throws IllegalArgumentException when {@code nodes} is less than 1
   */
  public TraceOptions maxNodes(int nodes) {
    if (nodes < 1) {
      throw new IllegalArgumentException("Trace node limit must be 1 or more, got " + nodes);
    }
    return new TraceOptions(maxDepth, nodes, asOf, consistency);
  }

  /** Answers as of {@code time}: records and edges committed after it are ignored. */
  public TraceOptions asOf(Instant time) {
    return new TraceOptions(maxDepth, maxNodes, time, consistency);
  }

  /** Catches the index up with every table before answering. */
  public TraceOptions catchUpFirst() {
    return new TraceOptions(maxDepth, maxNodes, asOf, Consistency.CAUGHT_UP);
  }

  public int maxDepth() {
    return maxDepth;
  }

  public int maxNodes() {
    return maxNodes;
  }

  public Optional<Instant> asOf() {
    return Optional.ofNullable(asOf);
  }

  public Consistency consistency() {
    return consistency;
  }
}
