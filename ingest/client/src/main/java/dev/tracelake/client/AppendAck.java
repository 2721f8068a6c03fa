package dev.tracelake.client;

import java.util.List;

/**
 * The acknowledgement of one append: its rows are in a committed snapshot of the table.
 *
 * @param offset the writer's offset of the append
 * @param snapshotId the snapshot that holds the rows
 * @param recordIds the {@code _record_id} of each row, in row order
 * @param rowCount how many rows the append committed
 * @param alreadyCommitted whether the append had been committed before the writer's last resend
 *     (its acknowledgement was lost); the snapshot is then the original one and nothing was written
 *     twice
 */
public record AppendAck(
    long offset, long snapshotId, List<String> recordIds, long rowCount, boolean alreadyCommitted) {
  /** Checks and copies the arguments. */
  public AppendAck {
    if (offset < 0) {
      throw new IllegalArgumentException("Offset must be >= 0, got " + offset);
    }
    recordIds = List.copyOf(recordIds);
  }

  /**
   * Returns references to the acknowledged records, for the {@code _lineage} of records derived
   * from them.
   *
   * @param table the table the records were appended to, {@code namespace.name}
   * @return one reference per record, in row order, at {@link #snapshotId()}
   */
  public List<RecordRef> refs(String table) {
    return recordIds.stream().map(id -> RecordRef.of(table, id, snapshotId)).toList();
  }
}
