package dev.tracelake.lineage;

import dev.tracelake.lake.Provenance;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A downstream impact question: everything derived from a record, or from every record a run, a
 * model (version) or a code commit produced. Immutable; each refinement returns a new query.
 */
public final class ImpactQuery {
  public static final int DEFAULT_ID_LIMIT = 10_000;

  /** What the impact starts from. */
  public enum Kind {
    RECORD,
    RUN,
    MODEL,
    CODE_COMMIT
  }

  private final Kind kind;
  private final RecordKey record;
  private final String runId;
  private final String modelName;
  private final String modelVersion;
  private final String codeCommit;
  private final Instant asOf;
  private final int maxDepth;
  private final int idLimit;
  private final Consistency consistency;
  private final String ref;

  private ImpactQuery(
      Kind kind,
      RecordKey record,
      String runId,
      String modelName,
      String modelVersion,
      String codeCommit,
      Instant asOf,
      int maxDepth,
      int idLimit,
      Consistency consistency,
      String ref) {
    this.kind = kind;
    this.record = record;
    this.runId = runId;
    this.modelName = modelName;
    this.modelVersion = modelVersion;
    this.codeCommit = codeCommit;
    this.asOf = asOf;
    this.maxDepth = maxDepth;
    this.idLimit = idLimit;
    this.consistency = consistency;
    this.ref = ref;
  }

  private static ImpactQuery of(
      Kind kind,
      RecordKey record,
      String runId,
      String modelName,
      String modelVersion,
      String codeCommit) {
    return new ImpactQuery(
        kind,
        record,
        runId,
        modelName,
        modelVersion,
        codeCommit,
        null,
        Integer.MAX_VALUE,
        DEFAULT_ID_LIMIT,
        Consistency.INDEXED,
        null);
  }

  /** Asks what was derived from one record ("which predictions used this bad feature row"). */
  public static ImpactQuery ofRecord(RecordKey record) {
    return of(Kind.RECORD, Objects.requireNonNull(record, "record"), null, null, null, null);
  }

  /** Asks what a run produced and everything derived from it. */
  public static ImpactQuery ofRun(String runId) {
    return of(Kind.RUN, null, required("run id", runId), null, null, null);
  }

  /**
   * Asks what a model version produced and everything derived from it ("all predictions from model
   * fraud v3").
   *
   * @param version the version, or null for every version of the model
   */
  public static ImpactQuery ofModel(String name, String version) {
    return of(
        Kind.MODEL,
        null,
        null,
        required("model name", name),
        version == null || version.isBlank() ? null : version.strip(),
        null);
  }

  /** Asks what code at a commit produced and everything derived from it. */
  public static ImpactQuery ofCodeCommit(String commit) {
    return of(Kind.CODE_COMMIT, null, null, null, null, required("code commit", commit));
  }

  /** Answers as of {@code time}: records committed after it are ignored. */
  public ImpactQuery asOf(Instant time) {
    return new ImpactQuery(
        kind,
        record,
        runId,
        modelName,
        modelVersion,
        codeCommit,
        time,
        maxDepth,
        idLimit,
        consistency,
        ref);
  }

  /**
   * Follows at most {@code depth} lineage steps downstream.
   *
   * @throws IllegalArgumentException when {@code depth} is negative
   */
  public ImpactQuery maxDepth(int depth) {
    if (depth < 0) {
      throw new IllegalArgumentException("Impact depth must be 0 or more, got " + depth);
    }
    return new ImpactQuery(
        kind,
        record,
        runId,
        modelName,
        modelVersion,
        codeCommit,
        asOf,
        depth,
        idLimit,
        consistency,
        ref);
  }

  /**
   * Lists at most {@code limit} record ids per table (counts are always complete).
   *
   * @throws IllegalArgumentException when {@code limit} is negative
   */
  public ImpactQuery idLimit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("Impact id limit must be 0 or more, got " + limit);
    }
    return new ImpactQuery(
        kind,
        record,
        runId,
        modelName,
        modelVersion,
        codeCommit,
        asOf,
        maxDepth,
        limit,
        consistency,
        ref);
  }

  /** Catches the index up with every table before answering. */
  public ImpactQuery catchUpFirst() {
    return new ImpactQuery(
        kind,
        record,
        runId,
        modelName,
        modelVersion,
        codeCommit,
        asOf,
        maxDepth,
        idLimit,
        Consistency.CAUGHT_UP,
        ref);
  }

  /**
   * Answers for records of branch or tag {@code ref} too: records appended on it (in every table
   * that has it) since it left {@code main} are walked with the indexed ones, e.g. the predictions
   * staged on an audit branch that cite a bad feature row.
   *
   * @throws IllegalArgumentException when {@code ref} is blank
   */
  public ImpactQuery ref(String ref) {
    if (ref != null && ref.isBlank()) {
      throw new IllegalArgumentException("A ref must not be blank");
    }
    return new ImpactQuery(
        kind,
        record,
        runId,
        modelName,
        modelVersion,
        codeCommit,
        asOf,
        maxDepth,
        idLimit,
        consistency,
        ref);
  }

  /** The branch or tag whose records are walked too, if any. */
  public Optional<String> ref() {
    return Optional.ofNullable(ref);
  }

  public Kind kind() {
    return kind;
  }

  /** Returns the record, for a {@link Kind#RECORD} query. */
  public Optional<RecordKey> record() {
    return Optional.ofNullable(record);
  }

  public Optional<String> runId() {
    return Optional.ofNullable(runId);
  }

  public Optional<String> modelName() {
    return Optional.ofNullable(modelName);
  }

  public Optional<String> modelVersion() {
    return Optional.ofNullable(modelVersion);
  }

  public Optional<String> codeCommit() {
    return Optional.ofNullable(codeCommit);
  }

  public Optional<Instant> asOf() {
    return Optional.ofNullable(asOf);
  }

  public int maxDepth() {
    return maxDepth;
  }

  public int idLimit() {
    return idLimit;
  }

  public Consistency consistency() {
    return consistency;
  }

  /** Returns whether a record with this provenance is a starting point of a non-record query. */
  boolean matches(Provenance p) {
    return switch (kind) {
      case RECORD -> false;
      case RUN -> runId.equals(p.runId());
      case MODEL ->
          modelName.equals(p.modelName())
              && (modelVersion == null || modelVersion.equals(p.modelVersion()));
      case CODE_COMMIT -> codeCommit.equals(p.codeCommit());
    };
  }

  @Override
  public String toString() {
    return switch (kind) {
      case RECORD -> "record " + record;
      case RUN -> "run " + runId;
      case MODEL -> "model " + modelName + (modelVersion == null ? "" : " " + modelVersion);
      case CODE_COMMIT -> "code commit " + codeCommit;
    };
  }

  private static String required(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Impact query needs a " + what + ", got '" + value + "'");
    }
    return value.strip();
  }
}
