package dev.tracelake.client;

import java.time.Instant;
import java.util.List;

/**
 * A replay as the server knows it: its definition, where it was pinned, what its slice holds, and
 * how far the candidate got.
 *
 * @param replayId the id
 * @param table the production output table, which the candidate writes to on {@code branch}
 * @param slice which of its outputs are re-run
 * @param candidate who the candidate is (its run id filled in)
 * @param branch the branch the candidate writes to
 * @param writerId the writer the candidate writes with: batch N is its offset N
 * @param batchCases cases per batch
 * @param sourceSnapshotId the snapshot the slice was read at
 * @param baseSnapshotId main's head the branch was made from; null when main had none
 * @param createdAt when the replay was created
 * @param productionOutputs outputs the slice selects
 * @param outputsWithoutInputs of those, outputs citing no input
 * @param cases distinct sets of cited inputs
 * @param batches batches to stream
 * @param inputRefs input references over all cases
 * @param inputTables the input tables cited
 * @param state {@code CREATED}, {@code RUNNING}, {@code COMPLETED}, {@code PUBLISHED} or {@code
 *     DROPPED}
 * @param committedBatches batches the candidate has committed
 * @param branchSnapshotId the branch head; null once dropped
 */
public record Replay(
    String replayId,
    String table,
    Slice slice,
    Provenance candidate,
    String branch,
    String writerId,
    int batchCases,
    long sourceSnapshotId,
    Long baseSnapshotId,
    Instant createdAt,
    long productionOutputs,
    long outputsWithoutInputs,
    long cases,
    long batches,
    long inputRefs,
    List<String> inputTables,
    String state,
    long committedBatches,
    Long branchSnapshotId) {
  public Replay {
    inputTables = List.copyOf(inputTables);
  }

  /**
   * Which production outputs a replay re-runs; null parts do not filter.
   *
   * @param ref the branch or tag read (null: main)
   * @param afterSnapshotId outputs appended after this snapshot only
   * @param toSnapshotId the snapshot read instead of a ref
   * @param from outputs written at or after this time only
   * @param to outputs written before this time only
   * @param modelName outputs of this model only
   * @param modelVersion outputs of this model version only
   * @param runId outputs of this run only
   */
  public record Slice(
      String ref,
      Long afterSnapshotId,
      Long toSnapshotId,
      Instant from,
      Instant to,
      String modelName,
      String modelVersion,
      String runId) {
    /**
     * Describes the slice in a few words, e.g. {@code model fraud:v3 from 2026-01-01T00:00:00Z}.
     */
    public String describe() {
      StringBuilder b = new StringBuilder();
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
      if (modelName != null || modelVersion != null) {
        b.append(" model ")
            .append(modelName == null ? "*" : modelName)
            .append(modelVersion == null ? "" : ":" + modelVersion);
      }
      if (runId != null) {
        b.append(" run ").append(runId);
      }
      return b.length() == 0 ? "every output" : b.substring(1);
    }
  }

  /** Returns whether every batch is committed (or the replay published). */
  public boolean complete() {
    return committedBatches >= batches;
  }

  static Replay fromProto(dev.tracelake.proto.v1.Replay r) {
    dev.tracelake.proto.v1.ReplaySlice s = r.getSlice();
    return new Replay(
        r.getReplayId(),
        r.getTable(),
        new Slice(
            blankToNull(s.getRef()),
            s.hasAfterSnapshotId() ? s.getAfterSnapshotId() : null,
            s.hasToSnapshotId() ? s.getToSnapshotId() : null,
            s.hasFromEpochMillis() ? Instant.ofEpochMilli(s.getFromEpochMillis()) : null,
            s.hasToEpochMillis() ? Instant.ofEpochMilli(s.getToEpochMillis()) : null,
            blankToNull(s.getModelName()),
            blankToNull(s.getModelVersion()),
            blankToNull(s.getRunId())),
        new Provenance(
            blankToNull(r.getCandidate().getCodeCommit()),
            blankToNull(r.getCandidate().getModelName()),
            blankToNull(r.getCandidate().getModelVersion()),
            blankToNull(r.getCandidate().getRunId()),
            blankToNull(r.getCandidate().getProducer())),
        r.getBranch(),
        r.getWriterId(),
        r.getBatchCases(),
        r.getSourceSnapshotId(),
        r.hasBaseSnapshotId() ? r.getBaseSnapshotId() : null,
        Instant.ofEpochMilli(r.getCreatedAtEpochMillis()),
        r.getProductionOutputs(),
        r.getOutputsWithoutInputs(),
        r.getCases(),
        r.getBatches(),
        r.getInputRefs(),
        r.getInputTablesList(),
        r.getState().name().replace("REPLAY_STATE_", ""),
        r.getCommittedBatches(),
        r.hasBranchSnapshotId() ? r.getBranchSnapshotId() : null);
  }

  private static String blankToNull(String value) {
    return value.isEmpty() ? null : value;
  }
}
