package dev.tracelake.lineage.replay;

import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One batch of a replay's stream: its cases, each with the inputs a candidate output for it cites,
 * and the rows of those inputs per input table, each as read at the snapshot it was cited at. The
 * candidate writes its outputs for the batch as offset {@link #batch()} of the replay's writer.
 * Holds Arrow memory: close it.
 */
public final class ReplayBatch implements AutoCloseable {
  private final long batch;
  private final long firstCase;
  private final int caseCount;
  private final VectorSchemaRoot cases;
  private final Map<String, VectorSchemaRoot> tables;
  private final List<SkippedCase> skipped;

  ReplayBatch(
      long batch,
      long firstCase,
      int caseCount,
      VectorSchemaRoot cases,
      Map<String, VectorSchemaRoot> tables,
      List<SkippedCase> skipped) {
    this.batch = batch;
    this.firstCase = firstCase;
    this.caseCount = caseCount;
    this.cases = cases;
    this.tables = java.util.Collections.unmodifiableMap(tables);
    this.skipped = List.copyOf(skipped);
  }

  /** Returns the batch number: the offset the candidate writes the batch's outputs as. */
  public long batch() {
    return batch;
  }

  /** Returns the first case of the batch. */
  public long firstCase() {
    return firstCase;
  }

  /** Returns how many cases the batch spans, skipped ones included. */
  public int caseCount() {
    return caseCount;
  }

  /**
   * Returns the cases streamed: {@code _case} (int64) and {@code _lineage} (the inputs an output
   * for the case cites, list of struct table, record_id, snapshot_id), one row per case.
   */
  public VectorSchemaRoot cases() {
    return cases;
  }

  /**
   * Returns the input rows by table: {@code _case}, {@code _record_id}, {@code _snapshot_id},
   * {@code _ingested_at}, then the table's columns; a table without rows in this batch is absent.
   */
  public Map<String, VectorSchemaRoot> tables() {
    return tables;
  }

  /** Returns the cases of the batch streamed without inputs, and why. */
  public List<SkippedCase> skipped() {
    return skipped;
  }

  /** Returns the input rows of the batch over all tables. */
  public long inputRows() {
    long n = 0;
    for (VectorSchemaRoot root : tables.values()) {
      n += root.getRowCount();
    }
    return n;
  }

  @Override
  public void close() {
    cases.close();
    tables.values().forEach(VectorSchemaRoot::close);
  }
}
