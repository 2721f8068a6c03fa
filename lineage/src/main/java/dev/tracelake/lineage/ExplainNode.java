package dev.tracelake.lineage;

import dev.tracelake.lake.Provenance;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One record in an explanation, with its row as of the snapshot it was read at.
 *
 * @param key the record
 * @param state whether it exists
 * @param snapshotId for the explained record the snapshot that committed it, for an input the
 *     snapshot its reader cited; null when the reader cited none (as {@code lineage_upstream} shows
 *     it) or it is unknown
 * @param readAtSnapshotId the snapshot whose row {@code values} shows: the cited one, or for an
 *     input cited without a snapshot the one that committed it; null when no row was read
 * @param provenance the run, code commit and model that wrote it
 * @param values the row, column name to value (strings, numbers, booleans, {@code Instant}s for
 *     timestamps with zone, {@code LocalDate}/{@code LocalDateTime}/{@code LocalTime}, {@code
 *     BigDecimal}, {@code byte[]}, lists and maps), in table order; empty when it was not read
 * @param inputs the records it was derived from, each explained the same way
 */
public record ExplainNode(
    RecordKey key,
    NodeState state,
    Long snapshotId,
    Long readAtSnapshotId,
    Provenance provenance,
    Map<String, Object> values,
    List<ExplainNode> inputs) {
  public ExplainNode {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(state, "state");
    provenance = provenance == null ? Provenance.none() : provenance;
    // values may hold nulls, which Map.copyOf refuses
    values = values == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
  }

  /** Returns the value of a column, or null. */
  public Object value(String column) {
    return values.get(column);
  }

  /** Returns the input with this key, if it is a direct input. */
  public java.util.Optional<ExplainNode> input(RecordKey input) {
    return inputs.stream().filter(n -> n.key().equals(input)).findFirst();
  }
}
