package dev.tracelake.lineage;

import dev.tracelake.lake.Provenance;
import java.time.Instant;
import java.util.Objects;

/**
 * One record reached by a trace.
 *
 * @param key the record
 * @param depth the fewest lineage steps from the traced record (0 for the traced record itself)
 * @param state whether the record exists
 * @param snapshotId the snapshot of its table that committed the record; null when not present
 * @param committedAt when that snapshot was committed; null when not present
 * @param provenance the run, code commit and model that wrote the record (producer is not kept per
 *     record); all parts null when not present
 */
public record TraceNode(
    RecordKey key,
    int depth,
    NodeState state,
    Long snapshotId,
    Instant committedAt,
    Provenance provenance) {
  public TraceNode {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(state, "state");
    provenance = provenance == null ? Provenance.none() : provenance;
  }
}
