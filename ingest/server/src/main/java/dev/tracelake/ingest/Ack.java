package dev.tracelake.ingest;

import dev.tracelake.lake.RecordIdList;
import dev.tracelake.lake.TableName;
import java.util.List;

/**
 * The acknowledgement of one append request: its rows are in a committed snapshot.
 *
 * @param table the table
 * @param branch the branch committed to
 * @param offset the writer's offset
 * @param snapshotId the snapshot holding the rows
 * @param recordIds record ids of the rows, in order; empty for a retry of a committed offset
 * @param rows rows committed by the request (0 for a retry)
 * @param alreadyCommitted whether the offset had been committed before
 */
public record Ack(
    TableName table,
    String branch,
    long offset,
    long snapshotId,
    List<String> recordIds,
    long rows,
    boolean alreadyCommitted) {
  public Ack {
    // a lake-core id list is unmodifiable already, and copying it would make a String of each id
    recordIds = recordIds instanceof RecordIdList ? recordIds : List.copyOf(recordIds);
  }
}
