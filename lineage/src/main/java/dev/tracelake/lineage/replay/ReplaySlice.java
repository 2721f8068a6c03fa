package dev.tracelake.lineage.replay;

import dev.tracelake.lake.TableName;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which production outputs a replay re-runs: the rows of one table at a version (the head of {@code
 * main}, a branch or tag, or a snapshot), optionally only those appended after a snapshot, written
 * in a time range, or by one model, model version or run. Filters are ANDed. Build one with {@link
 * #of(TableName)} and the {@code with...} methods; each returns a new slice.
 *
 * @param table the production output table
 * @param ref the branch or tag to read, or null for {@code main} (exclusive with {@code
 *     toSnapshotId})
 * @param afterSnapshotId only outputs appended after this snapshot (exclusive), or null
 * @param toSnapshotId the snapshot to read instead of a ref, or null
 * @param from only outputs with {@code _ingested_at} at or after this time, or null
 * @param to only outputs with {@code _ingested_at} before this time, or null
 * @param modelName only outputs of this model ({@code _model_name}), or null
 * @param modelVersion only outputs of this model version ({@code _model_version}), or null
 * @param runId only outputs of this run ({@code _run_id}), or null
 */
public record ReplaySlice(
    TableName table,
    String ref,
    Long afterSnapshotId,
    Long toSnapshotId,
    Instant from,
    Instant to,
    String modelName,
    String modelVersion,
    String runId) {
  /**
   * Checks the slice.
   *
   * @throws dev.tracelake.lineage.LineageException INVALID_ARGUMENT for a ref together with a
   *     snapshot, an empty time range, or a value with control characters or over 1024 characters
   */
  public ReplaySlice {
    Objects.requireNonNull(table, "table");
    ref = ReplayText.value("Slice ref", ref);
    modelName = ReplayText.value("Slice model name", modelName);
    modelVersion = ReplayText.value("Slice model version", modelVersion);
    runId = ReplayText.value("Slice run id", runId);
    if (ref != null && toSnapshotId != null) {
      throw ReplayText.invalid(
          "A slice of %s reads a ref ('%s') or a snapshot (%d), not both",
          table, ReplayText.shown(ref), toSnapshotId);
    }
    checkTime(table, "from", from);
    checkTime(table, "to", to);
    if (from != null && to != null && !from.isBefore(to)) {
      throw ReplayText.invalid(
          "A slice of %s has an empty time range: from %s is not before to %s", table, from, to);
    }
    if (afterSnapshotId != null && afterSnapshotId.equals(toSnapshotId)) {
      throw ReplayText.invalid(
          "A slice of %s has an empty snapshot range: after %d up to %d",
          table, afterSnapshotId, toSnapshotId);
    }
  }

  // _ingested_at holds microseconds since the epoch in a long
  private static final Instant EARLIEST = Instant.ofEpochSecond(-9_223_372_036L);
  private static final Instant LATEST = Instant.ofEpochSecond(9_223_372_036L);

  private static void checkTime(TableName table, String end, Instant t) {
    if (t != null && (t.isBefore(EARLIEST) || t.isAfter(LATEST))) {
      throw ReplayText.invalid(
          "A slice of %s has its %s time %s out of range: timestamps run from %s to %s",
          table, end, t, EARLIEST, LATEST);
    }
  }

  /** Returns the slice of every output of {@code table} at the head of {@code main}. */
  public static ReplaySlice of(TableName table) {
    return new ReplaySlice(table, null, null, null, null, null, null, null, null);
  }

  /** Reads the outputs at a branch or tag instead of {@code main}. */
  public ReplaySlice withRef(String value) {
    return new ReplaySlice(
        table, value, afterSnapshotId, toSnapshotId, from, to, modelName, modelVersion, runId);
  }

  /** Reads the outputs appended after {@code after} (exclusive) up to {@code upTo} (inclusive). */
  public ReplaySlice withSnapshots(Long after, Long upTo) {
    return new ReplaySlice(table, ref, after, upTo, from, to, modelName, modelVersion, runId);
  }

  /** Keeps outputs written in {@code [start, end)}; either end may be null (open). */
  public ReplaySlice withTimeRange(Instant start, Instant end) {
    return new ReplaySlice(
        table, ref, afterSnapshotId, toSnapshotId, start, end, modelName, modelVersion, runId);
  }

  /** Keeps outputs of a model, and of one version of it when {@code version} is not null. */
  public ReplaySlice withModel(String name, String version) {
    return new ReplaySlice(
        table, ref, afterSnapshotId, toSnapshotId, from, to, name, version, runId);
  }

  /** Keeps outputs of one run. */
  public ReplaySlice withRun(String value) {
    return new ReplaySlice(
        table, ref, afterSnapshotId, toSnapshotId, from, to, modelName, modelVersion, value);
  }

  /** Returns the ref read, if the slice names one. */
  public Optional<String> refName() {
    return Optional.ofNullable(ref);
  }

  /** Describes the slice in one line, for messages and logs. */
  public String describe() {
    StringBuilder b = new StringBuilder(table.toString());
    if (ref != null) {
      b.append(" at ").append(ref);
    }
    if (toSnapshotId != null) {
      b.append(" at snapshot ").append(toSnapshotId);
    }
    if (afterSnapshotId != null) {
      b.append(" after snapshot ").append(afterSnapshotId);
    }
    if (from != null) {
      b.append(" from ").append(from);
    }
    if (to != null) {
      b.append(" to ").append(to);
    }
    if (modelName != null) {
      b.append(" model ").append(modelName);
      if (modelVersion != null) {
        b.append(':').append(modelVersion);
      }
    } else if (modelVersion != null) {
      b.append(" model version ").append(modelVersion);
    }
    if (runId != null) {
      b.append(" run ").append(runId);
    }
    return b.toString();
  }
}
