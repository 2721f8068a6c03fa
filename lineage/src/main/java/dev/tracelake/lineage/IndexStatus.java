package dev.tracelake.lineage;

import java.time.Instant;
import java.util.List;

/**
 * The state of the lineage index: per table, how far it is indexed, and its size.
 *
 * @param checkedAt when the table heads were last compared with the index; null if never
 * @param tables every indexed table, sorted by name
 * @param records records known to the index, including inputs referenced but never ingested
 * @param edges lineage edges (output record to input record)
 * @param runs runs known, registered or seen in snapshot summaries
 * @param heapBytes approximate heap used by the index structures
 */
public record IndexStatus(
    Instant checkedAt,
    List<TableIndexStatus> tables,
    long records,
    long edges,
    int runs,
    long heapBytes) {
  public IndexStatus {
    tables = List.copyOf(tables);
  }

  /** Returns the tables whose index is behind their head. */
  public List<TableIndexStatus> lagging() {
    return tables.stream().filter(TableIndexStatus::isLagging).toList();
  }

  /** Returns whether every table was indexed up to its head when last checked. */
  public boolean isCurrent() {
    return checkedAt != null && lagging().isEmpty();
  }
}
