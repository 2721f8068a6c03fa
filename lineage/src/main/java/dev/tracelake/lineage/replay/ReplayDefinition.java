package dev.tracelake.lineage.replay;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A replay as created: its spec, the versions it was pinned to, and what its slice held then. It
 * never changes after creation; a replay's stream is derived from it alone.
 *
 * @param spec the spec
 * @param sourceSnapshotId the snapshot of the output table the slice was read at
 * @param baseSnapshotId the head of {@code main} the branch was made from; null when main had none
 * @param createdAt when the replay was created
 * @param productionOutputs outputs the slice selects
 * @param outputsWithoutInputs of those, outputs citing no input
 * @param cases distinct sets of cited inputs
 * @param inputRefs input references over all cases
 * @param inputTables the input tables cited, sorted
 * @param unpinnedInputHeads for each input table cited without a snapshot, the head of its {@code
 *     main} when the replay was created: such inputs are read there
 * @param fingerprint a digest of the ordered cases, checked whenever they are read again
 */
public record ReplayDefinition(
    ReplaySpec spec,
    long sourceSnapshotId,
    Long baseSnapshotId,
    Instant createdAt,
    long productionOutputs,
    long outputsWithoutInputs,
    long cases,
    long inputRefs,
    List<String> inputTables,
    Map<String, Long> unpinnedInputHeads,
    String fingerprint) {
  public ReplayDefinition {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(fingerprint, "fingerprint");
    inputTables = List.copyOf(inputTables);
    unpinnedInputHeads = Map.copyOf(unpinnedInputHeads);
  }

  /** Returns the replay's id. */
  public String replayId() {
    return spec.replayId();
  }

  /** Returns the number of batches: the cases cut into batches of the spec's size. */
  public long batches() {
    return (cases + spec.batchCases() - 1) / spec.batchCases();
  }
}
