package dev.tracelake.lineage.replay;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A replay's batches from one batch on, read one at a time: the same replay always streams the same
 * batches. Not thread-safe. Close it when done (batches already handed out stay valid until closed
 * themselves).
 */
public final class ReplayStream implements AutoCloseable {
  private final ReplayInfo replay;
  private final List<CaseKey> cases;
  private final Schema casesSchema;
  private final Map<String, InputTable> tables;
  private final BatchReader reader;
  private final long end;
  private long next;
  private long batches;
  private long streamedCases;
  private long skippedCases;
  private long inputRows;

  ReplayStream(
      ReplayInfo replay,
      List<CaseKey> cases,
      Schema casesSchema,
      Map<String, InputTable> tables,
      BatchReader reader,
      long from,
      long end) {
    this.replay = replay;
    this.cases = cases;
    this.casesSchema = casesSchema;
    this.tables = tables;
    this.reader = reader;
    this.next = from;
    this.end = end;
  }

  /** Returns the replay streamed. */
  public ReplayInfo replay() {
    return replay;
  }

  /** Returns the schema of each batch's cases: {@code _case}, {@code _lineage}. */
  public Schema casesSchema() {
    return casesSchema;
  }

  /** Returns the schema of each input table's rows, by table, in table order. */
  public Map<String, Schema> inputSchemas() {
    Map<String, Schema> out = new LinkedHashMap<>();
    tables.forEach((name, t) -> out.put(name, t.schema()));
    return out;
  }

  /**
   * Reads the next batch.
   *
   * @return the batch, to be closed by the caller; null after the last one
   * @throws java.io.UncheckedIOException when a data file cannot be read (nothing was skipped for
   *     it: read the batch again later)
   */
  public ReplayBatch next() {
    if (next >= end) {
      return null;
    }
    int size = replay.spec().batchCases();
    long first = next * size;
    int last = (int) Math.min(cases.size(), first + size);
    ReplayBatch batch = reader.read(next, first, cases.subList((int) first, last));
    next++;
    batches++;
    streamedCases += batch.caseCount() - batch.skipped().size();
    skippedCases += batch.skipped().size();
    inputRows += batch.inputRows();
    return batch;
  }

  /** Returns the batches read so far. */
  public long batches() {
    return batches;
  }

  /** Returns the cases streamed with their inputs so far. */
  public long streamedCases() {
    return streamedCases;
  }

  /** Returns the cases skipped so far. */
  public long skippedCases() {
    return skippedCases;
  }

  /** Returns the input rows streamed so far. */
  public long inputRows() {
    return inputRows;
  }

  @Override
  public void close() {
    // the stream holds no memory of its own: batches are closed by whoever took them
  }
}
