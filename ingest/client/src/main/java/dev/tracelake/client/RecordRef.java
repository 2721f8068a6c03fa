package dev.tracelake.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * A reference to one input record as it was read. A list of these under the {@code _lineage} key of
 * a row given to {@link TableWriter#appendRows} records what the row was derived from.
 *
 * @param table the input record's table, {@code namespace.name} or {@code name}
 * @param recordId the input record's {@code _record_id}
 * @param snapshotId the snapshot of that table the input was read at; null when unknown
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecordRef(
    @JsonProperty("table") String table,
    @JsonProperty("record_id") String recordId,
    @JsonProperty("snapshot_id") Long snapshotId) {
  /** Checks the arguments. */
  public RecordRef {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(recordId, "recordId");
    if (table.isBlank() || recordId.isBlank()) {
      throw new IllegalArgumentException(
          "A record reference needs a table and a record id, got table '"
              + table
              + "', record id '"
              + recordId
              + "'");
    }
  }

  /** Returns a reference to {@code recordId} of {@code table} as read at {@code snapshotId}. */
  public static RecordRef of(String table, String recordId, long snapshotId) {
    return new RecordRef(table, recordId, snapshotId);
  }
}
