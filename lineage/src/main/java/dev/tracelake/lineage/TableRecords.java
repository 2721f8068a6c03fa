package dev.tracelake.lineage;

import java.util.List;

/**
 * Records of one table in an impact answer.
 *
 * @param table the table, {@code namespace.name}
 * @param count how many records
 * @param recordIds their ids, at most the query's id limit
 */
public record TableRecords(String table, long count, List<String> recordIds) {
  public TableRecords {
    recordIds = List.copyOf(recordIds);
  }

  /** Returns whether {@link #recordIds()} lists every record counted. */
  public boolean idsComplete() {
    return recordIds.size() == count;
  }
}
