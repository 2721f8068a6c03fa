package dev.tracelake.lake;

import java.util.Objects;

/**
 * A reference to one record as it was read: the table, the record's {@code _record_id} and the
 * snapshot the reader saw it in. A record's {@code _lineage} column is a list of these.
 *
 * @param table the input record's table, {@code namespace.name}
 * @param recordId the input record's {@code _record_id}
 * @param snapshotId the snapshot of {@code table} the input was read at, or null when unknown
 */
public record RecordRef(String table, String recordId, Long snapshotId) {
  public RecordRef {
    Objects.requireNonNull(table, "lineage input table");
    Objects.requireNonNull(recordId, "lineage input record id");
    if (table.isBlank() || recordId.isBlank()) {
      throw LakeException.invalid(
          "Lineage input needs a table and a record id, got table='%s' record_id='%s'",
          table, recordId);
    }
  }
}
