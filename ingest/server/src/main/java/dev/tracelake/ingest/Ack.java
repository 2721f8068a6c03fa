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
 * @param recordIds record ids of the rows, in order; empty when {@code recordIdsOmitted}
 * @param rows rows committed by the request (for a retry: as many as the ids known, else 0)
 * @param alreadyCommitted whether the offset had been committed before
 * @param recordIdsOmitted whether rows were committed but their ids are not in the ack (the writer
 *     asked so, or a retry's ids are no longer known)
 */
public record Ack(
    TableName table,
    String branch,
    long offset,
    long snapshotId,
    List<String> recordIds,
    long rows,
    boolean alreadyCommitted,
    boolean recordIdsOmitted) {
  public Ack {
    // a lake-core id list is unmodifiable already, and copying it would make a String of each id
    recordIds = recordIds instanceof RecordIdList ? recordIds : List.copyOf(recordIds);
  }
}
