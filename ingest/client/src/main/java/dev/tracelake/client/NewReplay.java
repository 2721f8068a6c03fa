package dev.tracelake.client;

import dev.tracelake.proto.v1.CreateReplayRequest;
import dev.tracelake.proto.v1.ReplayCandidate;
import dev.tracelake.proto.v1.ReplaySlice;
import java.time.Instant;
import java.util.Objects;

/**
 * A replay to create: which production outputs to re-run (a slice of one table: a version, a
 * snapshot range, a time range, a model version, a run) and who the candidate is. The server pins
 * the slice to a snapshot when the replay is created. Immutable; each method returns a new one.
 *
 * <pre>{@code
 * NewReplay.of("fraud-v4-trial", "fraud.predictions")
 *     .model("fraud", "v3")
 *     .candidate(Provenance.builder().model("fraud", "v4").codeCommit(sha).build())
 * }</pre>
 */
public final class NewReplay {
  private final CreateReplayRequest request;

  private NewReplay(CreateReplayRequest request) {
    this.request = request;
  }

  /**
   * Starts a replay of every output of {@code table} at the head of {@code main}.
   *
   * @param replayId 1 to 100 of letters, digits, '.', '_', '-'
   * @param table the production output table, {@code namespace.name}
   */
  public static NewReplay of(String replayId, String table) {
    Objects.requireNonNull(replayId, "replayId");
    Objects.requireNonNull(table, "table");
    return new NewReplay(
        CreateReplayRequest.newBuilder()
            .setReplayId(replayId)
            .setSlice(ReplaySlice.newBuilder().setTable(table))
            .build());
  }

  private NewReplay slice(java.util.function.UnaryOperator<ReplaySlice.Builder> change) {
    return new NewReplay(
        request.toBuilder().setSlice(change.apply(request.getSlice().toBuilder())).build());
  }

  /** Reads the outputs at a branch or tag (e.g. a tagged evaluation set) instead of main. */
  public NewReplay ref(String ref) {
    return slice(s -> s.setRef(ref));
  }

  /** Keeps the outputs appended after {@code after} (null: from the first) up to {@code upTo}. */
  public NewReplay snapshots(Long after, long upTo) {
    return slice(
        s -> {
          if (after == null) {
            s.clearAfterSnapshotId();
          } else {
            s.setAfterSnapshotId(after);
          }
          return s.setToSnapshotId(upTo);
        });
  }

  /** Keeps the outputs written in {@code [from, to)}; either may be null (open). */
  public NewReplay timeRange(Instant from, Instant to) {
    return slice(
        s -> {
          s.clearFromEpochMillis().clearToEpochMillis();
          if (from != null) {
            s.setFromEpochMillis(from.toEpochMilli());
          }
          if (to != null) {
            s.setToEpochMillis(to.toEpochMilli());
          }
          return s;
        });
  }

  /** Keeps the outputs of a model, and of one of its versions unless {@code version} is null. */
  public NewReplay model(String name, String version) {
    return slice(s -> s.setModelName(name).setModelVersion(version == null ? "" : version));
  }

  /** Keeps the outputs of one run. */
  public NewReplay run(String runId) {
    return slice(s -> s.setRunId(runId));
  }

  /**
   * Names the candidate: its model, version, code commit, run (default {@code replay-<id>}) and
   * producer, stamped on every output it writes.
   */
  public NewReplay candidate(Provenance candidate) {
    ReplayCandidate.Builder c = ReplayCandidate.newBuilder();
    if (candidate.modelName() != null) {
      c.setModelName(candidate.modelName());
    }
    if (candidate.modelVersion() != null) {
      c.setModelVersion(candidate.modelVersion());
    }
    if (candidate.codeCommit() != null) {
      c.setCodeCommit(candidate.codeCommit());
    }
    if (candidate.runId() != null) {
      c.setRunId(candidate.runId());
    }
    if (candidate.producer() != null) {
      c.setProducer(candidate.producer());
    }
    return new NewReplay(request.toBuilder().setCandidate(c).build());
  }

  /** Names the branch the candidate writes to (default {@code replay/<id>}). */
  public NewReplay branch(String branch) {
    return new NewReplay(request.toBuilder().setBranch(branch).build());
  }

  /** Sets the cases per batch (default 1,000). */
  public NewReplay batchCases(int cases) {
    return new NewReplay(request.toBuilder().setBatchCases(cases).build());
  }

  CreateReplayRequest toProto() {
    return request;
  }
}
