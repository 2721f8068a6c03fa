package dev.tracelake.benchmarks;

import dev.tracelake.lake.MetadataColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The benchmark's batches with the metadata columns lake-core stores in its data files added,
 * holding the values lake-core writes for them: a UUIDv7 text id per row, one ingestion timestamp
 * and a null lineage list. (The provenance columns are identity-partition values in the manifests,
 * not in the files.) Writing these through raw parquet-java prices the extra columns alone, without
 * lake-core's code path, which splits lake-core's gap to the baseline into "more data" and "slower
 * path".
 *
 * <p>The user columns are shared with the {@link EventBatches} they extend: close this first, then
 * the events.
 */
final class MetadataColumnBatches implements AutoCloseable {
  static final Schema METADATA_SCHEMA =
      new Schema(
          List.of(
              field(MetadataColumns.RECORD_ID, false, ArrowType.Utf8.INSTANCE),
              field(
                  MetadataColumns.INGESTED_AT,
                  false,
                  new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
              new Field(
                  MetadataColumns.LINEAGE,
                  FieldType.nullable(ArrowType.List.INSTANCE),
                  List.of(
                      new Field(
                          "element",
                          FieldType.notNullable(ArrowType.Struct.INSTANCE),
                          List.of(
                              field(MetadataColumns.LINEAGE_TABLE, false, ArrowType.Utf8.INSTANCE),
                              field(
                                  MetadataColumns.LINEAGE_RECORD_ID,
                                  false,
                                  ArrowType.Utf8.INSTANCE),
                              field(
                                  MetadataColumns.LINEAGE_SNAPSHOT_ID,
                                  true,
                                  new ArrowType.Int(64, true))))))));

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  // lake-core makes ids in bursts of a batch; a few thousand share a millisecond
  private static final int IDS_PER_MILLISECOND = 2_000;
  // 2026-01-02T00:00:00Z
  private static final long START_MILLIS = 1_767_312_000_000L;
  private static final long INGESTED_AT_MICROS = START_MILLIS * 1_000L;

  private final BufferAllocator allocator;
  private final List<VectorSchemaRoot> metadata;
  private final List<VectorSchemaRoot> batches;

  private MetadataColumnBatches(
      BufferAllocator allocator, List<VectorSchemaRoot> metadata, List<VectorSchemaRoot> batches) {
    this.allocator = allocator;
    this.metadata = metadata;
    this.batches = batches;
  }

  /** Returns {@code events} with metadata columns, generated once. */
  static MetadataColumnBatches of(EventBatches events, long seed) {
    BufferAllocator allocator = new RootAllocator();
    List<VectorSchemaRoot> metadata = new ArrayList<>();
    List<VectorSchemaRoot> batches = new ArrayList<>();
    RecordIdSequence ids = new RecordIdSequence(new SplittableRandom(seed ^ 0x5DEECE66DL));
    try {
      for (VectorSchemaRoot batch : events.batches()) {
        VectorSchemaRoot meta = metadataBatch(allocator, batch.getRowCount(), ids);
        metadata.add(meta);
        List<FieldVector> vectors = new ArrayList<>(batch.getFieldVectors());
        vectors.addAll(meta.getFieldVectors());
        List<Field> fields = new ArrayList<>(batch.getSchema().getFields());
        fields.addAll(METADATA_SCHEMA.getFields());
        batches.add(new VectorSchemaRoot(fields, vectors, batch.getRowCount()));
      }
    } catch (RuntimeException e) {
      metadata.forEach(VectorSchemaRoot::close);
      allocator.close();
      throw e;
    }
    return new MetadataColumnBatches(allocator, metadata, List.copyOf(batches));
  }

  private static VectorSchemaRoot metadataBatch(
      BufferAllocator allocator, int count, RecordIdSequence ids) {
    VectorSchemaRoot meta = VectorSchemaRoot.create(METADATA_SCHEMA, allocator);
    for (FieldVector vector : meta.getFieldVectors()) {
      if (vector instanceof ListVector list) {
        // every list is null: no room for elements
        list.setInitialCapacity(count, 0.0);
      } else {
        vector.setInitialCapacity(count);
      }
    }
    meta.allocateNew();
    VarCharVector recordIds = (VarCharVector) meta.getVector(MetadataColumns.RECORD_ID);
    TimeStampMicroTZVector ingestedAt =
        (TimeStampMicroTZVector) meta.getVector(MetadataColumns.INGESTED_AT);
    ListVector lineage = (ListVector) meta.getVector(MetadataColumns.LINEAGE);
    for (int i = 0; i < count; i++) {
      recordIds.setSafe(i, ids.next());
      ingestedAt.setSafe(i, INGESTED_AT_MICROS);
      lineage.setNull(i);
    }
    meta.setRowCount(count);
    return meta;
  }

  /** Returns the batches: user columns then metadata columns. Do not close them. */
  List<VectorSchemaRoot> batches() {
    return batches;
  }

  @Override
  public void close() {
    // the combined roots share the events' vectors; close only what this object allocated
    metadata.forEach(VectorSchemaRoot::close);
    allocator.close();
  }

  /**
   * Increasing UUIDv7 ids in canonical text form, laid out as lake-core's are: 48 bits of
   * milliseconds, version 7, a 30-bit counter that starts at a random value in its lower half each
   * millisecond, then 44 random bits drawn once per millisecond.
   */
  private static final class RecordIdSequence {
    private final SplittableRandom random;
    private long millis = START_MILLIS;
    private int issued = IDS_PER_MILLISECOND;
    private long counter;
    private long tail;

    RecordIdSequence(SplittableRandom random) {
      this.random = random;
    }

    byte[] next() {
      if (issued >= IDS_PER_MILLISECOND) {
        millis++;
        issued = 0;
        counter = random.nextLong(1L << 29);
        tail = random.nextLong(1L << 44);
      }
      issued++;
      long c = counter++;
      long msb = (millis << 16) | (0x7L << 12) | (c >>> 18);
      long lsb = 0x8000000000000000L | ((c & ((1L << 18) - 1)) << 44) | tail;
      byte[] text = new byte[36];
      hex(text, 0, msb >>> 32, 8);
      text[8] = '-';
      hex(text, 9, msb >>> 16, 4);
      text[13] = '-';
      hex(text, 14, msb, 4);
      text[18] = '-';
      hex(text, 19, lsb >>> 48, 4);
      text[23] = '-';
      hex(text, 24, lsb, 12);
      return text;
    }

    private static void hex(byte[] out, int offset, long value, int digits) {
      for (int i = digits - 1; i >= 0; i--) {
        out[offset + i] = (byte) HEX[(int) (value & 0xF)];
        value >>>= 4;
      }
    }
  }

  private static Field field(String name, boolean nullable, ArrowType type) {
    return new Field(name, new FieldType(nullable, type, null), null);
  }
}
