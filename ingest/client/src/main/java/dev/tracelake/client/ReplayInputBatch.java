package dev.tracelake.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One batch of a replay's inputs: its cases, each with the inputs a candidate output for it must
 * cite ({@link #lineage(int)}), and the rows of those inputs per input table, each as read at the
 * snapshot it was cited at. Write the batch's outputs as one append (the runner does: {@link
 * ReplayClient#run}). Holds Arrow memory: close it.
 */
public final class ReplayInputBatch implements AutoCloseable {
  /** A case streamed without its inputs, and why (e.g. an input not in its cited snapshot). */
  public record Skipped(long caseNumber, String reason) {}

  private final long batch;
  private final long firstCase;
  private final int caseCount;
  private final VectorSchemaRoot cases;
  private final Map<String, VectorSchemaRoot> tables;
  private final List<Skipped> skipped;

  private ReplayInputBatch(
      long batch,
      long firstCase,
      int caseCount,
      VectorSchemaRoot cases,
      Map<String, VectorSchemaRoot> tables,
      List<Skipped> skipped) {
    this.batch = batch;
    this.firstCase = firstCase;
    this.caseCount = caseCount;
    this.cases = cases;
    this.tables = Collections.unmodifiableMap(tables);
    this.skipped = List.copyOf(skipped);
  }

  static ReplayInputBatch fromProto(
      dev.tracelake.proto.v1.ReplayBatch b,
      Schema casesSchema,
      Map<String, Schema> tableSchemas,
      BufferAllocator allocator) {
    Map<String, VectorSchemaRoot> tables = new LinkedHashMap<>();
    VectorSchemaRoot cases = load(casesSchema, b.getCasesArrowBatch().toByteArray(), allocator);
    try {
      for (dev.tracelake.proto.v1.ReplayTableRows t : b.getTablesList()) {
        Schema schema = tableSchemas.get(t.getTable());
        if (schema == null) {
          throw new IllegalStateException(
              "Replay batch "
                  + b.getBatch()
                  + " has rows of "
                  + t.getTable()
                  + ", not in its header");
        }
        tables.put(t.getTable(), load(schema, t.getArrowBatch().toByteArray(), allocator));
      }
    } catch (RuntimeException e) {
      cases.close();
      tables.values().forEach(VectorSchemaRoot::close);
      throw e;
    }
    List<Skipped> skipped = new ArrayList<>();
    b.getSkippedList().forEach(s -> skipped.add(new Skipped(s.getCaseNumber(), s.getReason())));
    return new ReplayInputBatch(
        b.getBatch(), b.getFirstCase(), b.getCaseCount(), cases, tables, skipped);
  }

  private static VectorSchemaRoot load(Schema schema, byte[] bytes, BufferAllocator allocator) {
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    try (ArrowRecordBatch batch =
        MessageSerializer.deserializeRecordBatch(
            new ReadChannel(Channels.newChannel(new ByteArrayInputStream(bytes))), allocator)) {
      new VectorLoader(root).load(batch);
      return root;
    } catch (IOException e) {
      root.close();
      throw new UncheckedIOException("Malformed Arrow batch in a replay stream", e);
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  /** Returns the batch number: the candidate writes its outputs for it as this writer offset. */
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

  /** Returns the cases streamed: {@code _case} and {@code _lineage}, one row per case. */
  public VectorSchemaRoot cases() {
    return cases;
  }

  /** Returns how many cases have inputs in this batch (rows of {@link #cases()}). */
  public int size() {
    return cases.getRowCount();
  }

  /** Returns the number of the case in row {@code row} of {@link #cases()}. */
  public long caseNumber(int row) {
    return ((BigIntVector) cases.getVector("_case")).get(row);
  }

  /**
   * Returns the inputs of the case in row {@code row} of {@link #cases()}: exactly what a candidate
   * output for it cites as its {@code _lineage}, for it to pair with production's.
   */
  public List<RecordRef> lineage(int row) {
    ListVector lineage = (ListVector) cases.getVector("_lineage");
    List<RecordRef> out = new ArrayList<>();
    for (Object o : lineage.getObject(row)) {
      Map<?, ?> ref = (Map<?, ?>) o;
      Object snapshot = ref.get("snapshot_id");
      out.add(
          new RecordRef(
              ref.get("table").toString(),
              ref.get("record_id").toString(),
              snapshot == null ? null : ((Number) snapshot).longValue()));
    }
    return out;
  }

  /**
   * Returns the input rows by table: {@code _case}, {@code _record_id}, {@code _snapshot_id},
   * {@code _ingested_at}, then the table's columns; a table without rows here is absent.
   */
  public Map<String, VectorSchemaRoot> tables() {
    return tables;
  }

  /** Returns the cases of the batch streamed without inputs, and why. */
  public List<Skipped> skipped() {
    return skipped;
  }

  @Override
  public void close() {
    cases.close();
    tables.values().forEach(VectorSchemaRoot::close);
  }
}
