package dev.tracelake.lineage.replay;

import java.util.Objects;

/**
 * A replay and how it stands now.
 *
 * @param definition the replay as created
 * @param state how it stands
 * @param committedBatches batches the candidate has committed: its writer's last offset + 1
 * @param branchSnapshotId the head of the replay's branch, null once dropped
 * @param candidateSnapshotId the snapshot holding the candidate's outputs: the branch head, or the
 *     one it had when the replay was published or dropped; null when unknown
 */
public record ReplayInfo(
    ReplayDefinition definition,
    ReplayState state,
    long committedBatches,
    Long branchSnapshotId,
    Long candidateSnapshotId) {
  public ReplayInfo {
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(state, "state");
  }

  /** Returns the replay's id. */
  public String replayId() {
    return definition.replayId();
  }

  /** Returns the replay's spec. */
  public ReplaySpec spec() {
    return definition.spec();
  }
}
