package dev.tracelake.lineage;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * How to explain a record: how many lineage steps to follow, how many rows to read at most, a point
 * in time, and index freshness. Immutable; each refinement returns a new object.
 */
public final class ExplainOptions {
  public static final int DEFAULT_MAX_DEPTH = 10;
  public static final int DEFAULT_MAX_ROWS = 1_000;

  private static final ExplainOptions DEFAULTS =
      new ExplainOptions(
          DEFAULT_MAX_DEPTH,
          DEFAULT_MAX_ROWS,
          null,
          Consistency.INDEXED,
          ValueAccess.all(),
          null,
          table -> true);

  private final int maxDepth;
  private final int maxRows;
  private final Instant asOf;
  private final Consistency consistency;
  private final ValueAccess access;
  private final String ref;
  private final Predicate<String> runTables;

  private ExplainOptions(
      int maxDepth,
      int maxRows,
      Instant asOf,
      Consistency consistency,
      ValueAccess access,
      String ref,
      Predicate<String> runTables) {
    this.maxDepth = maxDepth;
    this.maxRows = maxRows;
    this.asOf = asOf;
    this.consistency = consistency;
    this.access = access;
    this.ref = ref;
    this.runTables = runTables;
  }

  /** Returns the defaults: {@value #DEFAULT_MAX_DEPTH} steps, {@value #DEFAULT_MAX_ROWS} rows. */
  public static ExplainOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Follows at most {@code depth} lineage steps; 1 explains the record and its direct inputs.
   *
   * @throws IllegalArgumentException when {@code depth} is negative
   */
  public ExplainOptions maxDepth(int depth) {
    if (depth < 0) {
      throw new IllegalArgumentException("Explain depth must be 0 or more, got " + depth);
    }
    return new ExplainOptions(depth, maxRows, asOf, consistency, access, ref, runTables);
  }

  /**
   * Reads at most {@code rows} rows (records in the explanation tree).
   *
   * @throws IllegalArgumentException when {@code rows} is less than 1
   */
  public ExplainOptions maxRows(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("Explain row limit must be 1 or more, got " + rows);
    }
    return new ExplainOptions(maxDepth, rows, asOf, consistency, access, ref, runTables);
  }

  /** Explains as of {@code time}: records and edges committed after it are ignored. */
  public ExplainOptions asOf(Instant time) {
    return new ExplainOptions(maxDepth, maxRows, time, consistency, access, ref, runTables);
  }

  /** Catches the index up with every table before answering. */
  public ExplainOptions catchUpFirst() {
    return new ExplainOptions(
        maxDepth, maxRows, asOf, Consistency.CAUGHT_UP, access, ref, runTables);
  }

  /** Shows row values only of the tables {@code access} allows; lineage is shown in full. */
  public ExplainOptions valueAccess(ValueAccess access) {
    Objects.requireNonNull(access, "access");
    return new ExplainOptions(maxDepth, maxRows, asOf, consistency, access, ref, runTables);
  }

  /**
   * Explains a record of the explained table's branch or tag {@code ref} (e.g. a branch not yet
   * published); its inputs are followed as the record cites them.
   *
   * @throws IllegalArgumentException when {@code ref} is blank
   */
  public ExplainOptions ref(String ref) {
    if (ref != null && ref.isBlank()) {
      throw new IllegalArgumentException("A ref must not be blank");
    }
    return new ExplainOptions(maxDepth, maxRows, asOf, consistency, access, ref, runTables);
  }

  /**
   * Shows the runs in the explanation as a caller who may see only the tables {@code seen} accepts
   * knows them ({@link RunVisibility}): datasets naming other tables of the lake are left out, and
   * a run naming only such tables is not shown.
   */
  public ExplainOptions runTables(Predicate<String> seen) {
    Objects.requireNonNull(seen, "seen");
    return new ExplainOptions(maxDepth, maxRows, asOf, consistency, access, ref, seen);
  }

  /** Which tables the runs of the explanation may name. */
  public Predicate<String> runTables() {
    return runTables;
  }

  public ValueAccess valueAccess() {
    return access;
  }

  /** The branch or tag of the explained record's table, if not {@code main}. */
  public Optional<String> ref() {
    return Optional.ofNullable(ref);
  }

  public int maxDepth() {
    return maxDepth;
  }

  public int maxRows() {
    return maxRows;
  }

  public Optional<Instant> asOf() {
    return Optional.ofNullable(asOf);
  }

  public Consistency consistency() {
    return consistency;
  }
}
