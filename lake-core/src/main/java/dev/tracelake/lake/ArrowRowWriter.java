package dev.tracelake.lake;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.avro.util.Utf8;
import org.apache.iceberg.DoubleFieldMetrics;
import org.apache.iceberg.FieldMetrics;
import org.apache.iceberg.FloatFieldMetrics;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.parquet.InternalWriter;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.iceberg.parquet.ParquetValueWriters;
import org.apache.iceberg.parquet.TripleWriter;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * The value writer of one data file: writes a row of an Arrow batch straight from its vectors into
 * Parquet's column writers, without building a row object or boxing its values. Top-level columns
 * of simple types (boolean, int, long, float, double, string, date, timestamp) are read from their
 * vectors; other columns (decimals, binaries, lists, structs, maps...) go through Iceberg's own
 * writer for that column, fed by {@link ArrowValueReaders}, exactly as before.
 *
 * <p>Rows are written in two passes: first every value that can fail is read (nested values, given
 * record ids), then the row is written, so a bad value never leaves half a row in the file.
 * Required columns are checked for nulls once per batch in {@link #bind}, before any of its rows is
 * written.
 *
 * <p>Not thread-safe; one per data file. Bind each batch before writing its rows.
 */
final class ArrowRowWriter implements ParquetValueWriter<ArrowRowWriter.Cursor> {
  /** The row of the bound batch to write next. */
  static final class Cursor {
    int row;
  }

  private final Slot[] slots;
  private final List<Slot> readFirst = new ArrayList<>();

  private ArrowRowWriter(Schema fileSchema, MessageType message) {
    List<NestedField> columns = fileSchema.columns();
    slots = new Slot[columns.size()];
    for (int c = 0; c < slots.length; c++) {
      NestedField field = columns.get(c);
      org.apache.parquet.schema.Type parquetField = fieldById(message, field.fieldId());
      if (field.name().equals(MetadataColumns.RECORD_ID)
          && field.type().typeId() == Type.TypeID.STRING) {
        slots[c] = new RecordIdSlot(descriptor(message, parquetField));
        readFirst.add(slots[c]);
      } else if (PrimitiveSlot.handles(field.type())) {
        slots[c] = new PrimitiveSlot(descriptor(message, parquetField), field);
      } else {
        slots[c] = new IcebergSlot(field, parquetField);
        readFirst.add(slots[c]);
      }
    }
  }

  /**
   * Returns the writer for a file of {@code fileSchema}, whose Parquet schema is {@code message}.
   */
  static ArrowRowWriter create(Schema fileSchema, MessageType message) {
    return new ArrowRowWriter(fileSchema, message);
  }

  /**
   * Binds a batch: its rows are written next. {@code readers} and {@code constants} are by position
   * in the file schema, as {@code PendingAppend}'s batch binding made them (a reader for each
   * column the batch holds, a constant for each it does not).
   *
   * @throws LakeException INVALID_ARGUMENT when a required column holds a null, before any row of
   *     the batch is written
   */
  void bind(
      TableName table,
      VectorSchemaRoot batch,
      ArrowValueReaders.ValueReader[] readers,
      Object[] constants,
      BatchIds ids,
      long rowsBefore) {
    for (int c = 0; c < slots.length; c++) {
      slots[c].bind(table, batch, readers[c], constants[c], ids, rowsBefore);
    }
  }

  @Override
  public void write(int repetitionLevel, Cursor cursor) {
    int row = cursor.row;
    for (Slot slot : readFirst) {
      slot.read(row);
    }
    for (Slot slot : slots) {
      slot.write(row);
    }
  }

  @Override
  public List<TripleWriter<?>> columns() {
    List<TripleWriter<?>> columns = new ArrayList<>();
    for (Slot slot : slots) {
      columns.addAll(slot.writer().columns());
    }
    return columns;
  }

  @Override
  public void setColumnStore(ColumnWriteStore store) {
    for (Slot slot : slots) {
      slot.writer().setColumnStore(store);
    }
  }

  @Override
  public Stream<FieldMetrics<?>> metrics() {
    Stream<FieldMetrics<?>> metrics = Stream.empty();
    for (Slot slot : slots) {
      metrics = Stream.concat(metrics, slot.writer().metrics());
    }
    return metrics;
  }

  /** Fails when a required column holds a null, naming its first row. */
  private static void requireNoNulls(
      TableName table, NestedField field, ValueVector vector, long rowsBefore) {
    if (field.isRequired()) {
      requireNoNulls(table, field.name(), vector, rowsBefore);
    }
  }

  /** Fails when the column's vector holds a null, naming its first row in the batch and append. */
  static void requireNoNulls(TableName table, String column, ValueVector vector, long rowsBefore) {
    if (vector.getNullCount() > 0) {
      int row = 0;
      while (!vector.isNull(row)) {
        row++;
      }
      throw LakeException.invalid(
          "Table %s: column '%s' is required but is null at row %d of the batch (row %d of"
              + " the append)",
          table, column, row, rowsBefore + row);
    }
  }

  private static org.apache.parquet.schema.Type fieldById(MessageType message, int id) {
    for (org.apache.parquet.schema.Type field : message.getFields()) {
      if (field.getId() != null && field.getId().intValue() == id) {
        return field;
      }
    }
    throw new IllegalStateException("Parquet schema has no field with id " + id + ": " + message);
  }

  private static ColumnDescriptor descriptor(
      MessageType message, org.apache.parquet.schema.Type field) {
    return message.getColumnDescription(new String[] {field.getName()});
  }

  /** One top-level column. */
  private interface Slot {
    void bind(
        TableName table,
        VectorSchemaRoot batch,
        ArrowValueReaders.ValueReader reader,
        Object constant,
        BatchIds ids,
        long rowsBefore);

    /** Reads what can fail for {@code row}; only slots in {@code readFirst} are asked. */
    default void read(int row) {}

    void write(int row);

    ParquetValueWriter<?> writer();
  }

  /** How a primitive slot gets its values from the bound batch. */
  private enum Mode {
    NULL,
    CONSTANT,
    READER,
    BIGINT,
    INT,
    FLOAT4,
    FLOAT8,
    FLOAT4_AS_DOUBLE,
    BIT,
    VARCHAR,
    MICROS,
    DATE_DAY
  }

  /** A top-level column of a simple type, written from its vector. */
  private static final class PrimitiveSlot extends ParquetValueWriters.PrimitiveWriter<Object>
      implements Slot {
    private final NestedField field;
    private final Type.TypeID type;
    private final int nullLevel;
    private final DoubleFieldMetrics.Builder doubleMetrics;
    private final FloatFieldMetrics.Builder floatMetrics;
    private Mode mode = Mode.NULL;
    // the bound vector's buffers, checked once per batch to hold every row (see checkBuffers)
    private boolean hasNulls;
    private long validity;
    private long data;
    private long offsets;
    private ArrowValueReaders.ValueReader reader;
    private Object constant;
    private Binary constantBinary;
    private byte[] scratch = new byte[64];

    PrimitiveSlot(ColumnDescriptor descriptor, NestedField field) {
      super(descriptor);
      this.field = field;
      this.type = field.type().typeId();
      this.nullLevel = descriptor.getMaxDefinitionLevel() - 1;
      this.doubleMetrics =
          type == Type.TypeID.DOUBLE ? new DoubleFieldMetrics.Builder(field.fieldId()) : null;
      this.floatMetrics =
          type == Type.TypeID.FLOAT ? new FloatFieldMetrics.Builder(field.fieldId()) : null;
    }

    static boolean handles(Type type) {
      return switch (type.typeId()) {
        case BOOLEAN, INTEGER, LONG, FLOAT, DOUBLE, STRING, DATE, TIMESTAMP -> true;
        default -> false;
      };
    }

    @Override
    public ParquetValueWriter<?> writer() {
      return this;
    }

    @Override
    public void bind(
        TableName table,
        VectorSchemaRoot batch,
        ArrowValueReaders.ValueReader valueReader,
        Object value,
        BatchIds ids,
        long rowsBefore) {
      reader = valueReader;
      constant = value;
      constantBinary =
          value instanceof Utf8 u
              ? Binary.fromConstantByteArray(u.getBytes(), 0, u.getByteLength())
              : null;
      if (valueReader == null) {
        mode = value == null ? Mode.NULL : Mode.CONSTANT;
        return;
      }
      ValueVector given = batch.getVector(field.name());
      requireNoNulls(table, field, given, rowsBefore);
      mode = fastMode(given);
      if (mode != Mode.READER) {
        String problem = checkBuffers(given, batch.getRowCount());
        if (problem != null) {
          throw LakeException.invalid(
              "Table %s: column '%s' of the batch is malformed: %s", table, field.name(), problem);
        }
      }
    }

    /**
     * Checks once for the batch that the vector's buffers hold all {@code rows}, so its values can
     * be read by address, without Arrow's bounds and null checks on every value. A batch may come
     * from a client: this is what keeps those reads inside the buffers.
     *
     * @return null when they do, else what is wrong
     */
    private String checkBuffers(ValueVector given, int rows) {
      if (given.getValueCount() < rows) {
        return String.format("it has %d values for %d rows", given.getValueCount(), rows);
      }
      hasNulls = given.getNullCount() > 0;
      ArrowBuf validityBuffer = given.getValidityBuffer();
      if (hasNulls && validityBuffer.capacity() < (rows + 7L) / 8) {
        return String.format(
            "its validity buffer has %d bytes for %d rows", validityBuffer.capacity(), rows);
      }
      validity = hasNulls ? validityBuffer.memoryAddress() : 0;
      ArrowBuf dataBuffer = given.getDataBuffer();
      long needed =
          switch (mode) {
            case BIGINT, FLOAT8, MICROS -> rows * 8L;
            case INT, FLOAT4, FLOAT4_AS_DOUBLE, DATE_DAY -> rows * 4L;
            case BIT -> (rows + 7L) / 8;
            case VARCHAR -> 0; // checked against the offsets below
            default -> throw new IllegalStateException("Unexpected mode " + mode);
          };
      if (dataBuffer.capacity() < needed) {
        return String.format(
            "its data buffer has %d bytes for %d rows", dataBuffer.capacity(), rows);
      }
      data = rows == 0 ? 0 : dataBuffer.memoryAddress();
      if (mode != Mode.VARCHAR || rows == 0) {
        return null;
      }
      ArrowBuf offsetBuffer = given.getOffsetBuffer();
      if (offsetBuffer.capacity() < (rows + 1L) * 4) {
        return String.format(
            "its offset buffer has %d bytes for %d rows", offsetBuffer.capacity(), rows);
      }
      offsets = offsetBuffer.memoryAddress();
      int previous = MemoryUtil.getInt(offsets);
      for (int row = 0; row < rows; row++) {
        int next = MemoryUtil.getInt(offsets + (row + 1) * 4L);
        if (previous < 0 || next < previous || next > dataBuffer.capacity()) {
          return String.format(
              "row %d spans bytes %d to %d of a %d-byte data buffer",
              row, previous, next, dataBuffer.capacity());
        }
        previous = next;
      }
      return null;
    }

    private Mode fastMode(ValueVector given) {
      return switch (type) {
        case LONG -> given instanceof BigIntVector ? Mode.BIGINT : Mode.READER;
        case INTEGER -> given instanceof IntVector ? Mode.INT : Mode.READER;
        case FLOAT -> given instanceof Float4Vector ? Mode.FLOAT4 : Mode.READER;
        case DOUBLE ->
            given instanceof Float8Vector
                ? Mode.FLOAT8
                : given instanceof Float4Vector ? Mode.FLOAT4_AS_DOUBLE : Mode.READER;
        case BOOLEAN -> given instanceof BitVector ? Mode.BIT : Mode.READER;
        case STRING -> given instanceof VarCharVector ? Mode.VARCHAR : Mode.READER;
        // the reader was made for this vector, so its zone and unit were checked
        case TIMESTAMP ->
            given instanceof TimeStampMicroTZVector || given instanceof TimeStampMicroVector
                ? Mode.MICROS
                : Mode.READER;
        case DATE -> given instanceof DateDayVector ? Mode.DATE_DAY : Mode.READER;
        default -> Mode.READER;
      };
    }

    @Override
    public void write(int row) {
      switch (mode) {
        case NULL -> column.writeNull(0, nullLevel);
        case CONSTANT -> writeValue(constant);
        case READER -> writeValue(reader.read(row));
        default -> {
          if (hasNulls && (MemoryUtil.getByte(validity + (row >>> 3)) >> (row & 7) & 1) == 0) {
            column.writeNull(0, nullLevel);
          } else {
            writeFromVector(row);
          }
        }
      }
    }

    /** Writes a non-null value read by address; {@link #checkBuffers} checked the buffers. */
    private void writeFromVector(int row) {
      switch (mode) {
        case BIGINT, MICROS -> column.writeLong(0, MemoryUtil.getLong(data + row * 8L));
        case INT, DATE_DAY -> column.writeInteger(0, MemoryUtil.getInt(data + row * 4L));
        case FLOAT4 -> {
          float v = Float.intBitsToFloat(MemoryUtil.getInt(data + row * 4L));
          floatMetrics.addValue(v);
          column.writeFloat(0, v);
        }
        case FLOAT8 -> {
          double v = Double.longBitsToDouble(MemoryUtil.getLong(data + row * 8L));
          doubleMetrics.addValue(v);
          column.writeDouble(0, v);
        }
        case FLOAT4_AS_DOUBLE -> {
          double v = Float.intBitsToFloat(MemoryUtil.getInt(data + row * 4L));
          doubleMetrics.addValue(v);
          column.writeDouble(0, v);
        }
        case BIT ->
            column.writeBoolean(0, (MemoryUtil.getByte(data + (row >>> 3)) >> (row & 7) & 1) != 0);
        case VARCHAR -> {
          int start = MemoryUtil.getInt(offsets + row * 4L);
          int length = MemoryUtil.getInt(offsets + row * 4L + 4) - start;
          if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
          }
          MemoryUtil.copyFromMemory(data + start, scratch, 0, length);
          // parquet-java copies a reused array wherever it keeps a value
          column.writeBinary(0, Binary.fromReusedByteArray(scratch, 0, length));
        }
        default -> throw new IllegalStateException("Unexpected mode " + mode);
      }
    }

    /** Writes a value in the representation {@link ArrowValueReaders} gives for the type. */
    private void writeValue(Object value) {
      if (value == null) {
        column.writeNull(0, nullLevel);
        return;
      }
      switch (type) {
        case BOOLEAN -> column.writeBoolean(0, (Boolean) value);
        case INTEGER, DATE -> column.writeInteger(0, ((Number) value).intValue());
        case LONG, TIMESTAMP -> column.writeLong(0, ((Number) value).longValue());
        case FLOAT -> {
          float v = ((Number) value).floatValue();
          floatMetrics.addValue(v);
          column.writeFloat(0, v);
        }
        case DOUBLE -> {
          double v = ((Number) value).doubleValue();
          doubleMetrics.addValue(v);
          column.writeDouble(0, v);
        }
        case STRING -> {
          if (value == constant && constantBinary != null) {
            column.writeBinary(0, constantBinary);
          } else if (value instanceof Utf8 u) {
            column.writeBinary(0, Binary.fromReusedByteArray(u.getBytes(), 0, u.getByteLength()));
          } else {
            column.writeBinary(0, Binary.fromString(value.toString()));
          }
        }
        default -> throw new IllegalStateException("Unexpected type " + type);
      }
    }

    @Override
    public Stream<FieldMetrics<?>> metrics() {
      if (doubleMetrics != null) {
        return Stream.of(doubleMetrics.build());
      }
      if (floatMetrics != null) {
        return Stream.of(floatMetrics.build());
      }
      return Stream.empty();
    }
  }

  /** {@code _record_id}: the writer's id where it gave one, else the batch's fresh id. */
  private static final class RecordIdSlot extends ParquetValueWriters.PrimitiveWriter<Object>
      implements Slot {
    private TableName table;
    private ArrowValueReaders.ValueReader given;
    // the writer's ids when they come as a plain string vector (read without decoding)
    private VarCharVector givenText;
    private BatchIds ids;

    RecordIdSlot(ColumnDescriptor descriptor) {
      super(descriptor);
    }

    @Override
    public ParquetValueWriter<?> writer() {
      return this;
    }

    @Override
    public void bind(
        TableName table,
        VectorSchemaRoot batch,
        ArrowValueReaders.ValueReader reader,
        Object constant,
        BatchIds batchIds,
        long rowsBefore) {
      this.table = table;
      this.given = reader;
      this.givenText =
          reader != null && batch.getVector(MetadataColumns.RECORD_ID) instanceof VarCharVector v
              ? v
              : null;
      this.ids = batchIds;
    }

    @Override
    public void read(int row) {
      if (givenText != null) {
        if (givenText.isNull(row)) {
          requireFresh(row);
          return;
        }
        // the writer's id, as UTF-8 bytes straight from the vector
        int start = givenText.getStartOffset(row);
        int length = givenText.getEndOffset(row) - start;
        if (!ids.given(row, givenText.getDataBuffer(), start, length)) {
          throw blank(row);
        }
        return;
      }
      Object value = given == null ? null : given.read(row);
      if (value == null) {
        requireFresh(row);
        return;
      }
      String text = value.toString();
      if (text.isBlank()) {
        throw blank(row);
      }
      ids.given(row, text);
    }

    private void requireFresh(int row) {
      if (!ids.hasFresh()) {
        throw new IllegalStateException(
            "Table " + table + ": row " + row + " has no record id, and none was made for it");
      }
    }

    private LakeException blank(int row) {
      return LakeException.invalid(
          "Table %s: column '_record_id' is blank at row %d of the batch", table, row);
    }

    @Override
    public void write(int row) {
      column.writeBinary(0, ids.binary(row));
    }
  }

  /** A column of any other type, written by Iceberg's own writer for it. */
  private static final class IcebergSlot implements Slot {
    private final NestedField field;
    private final ParquetValueWriter<org.apache.iceberg.StructLike> writer;
    private final RowStruct holder = new RowStruct(1);
    private final List<TripleWriter<?>> leaves;
    private ArrowValueReaders.ValueReader reader;
    private Object constant;

    IcebergSlot(NestedField field, org.apache.parquet.schema.Type parquetField) {
      this.field = field;
      // a one-column message: its column paths and levels are those of the file's column
      this.writer =
          InternalWriter.create(Types.StructType.of(field), new MessageType("table", parquetField));
      this.leaves = writer.columns();
    }

    @Override
    public ParquetValueWriter<?> writer() {
      return writer;
    }

    @Override
    public void bind(
        TableName table,
        VectorSchemaRoot batch,
        ArrowValueReaders.ValueReader valueReader,
        Object value,
        BatchIds ids,
        long rowsBefore) {
      if (valueReader != null) {
        requireNoNulls(table, field, batch.getVector(field.name()), rowsBefore);
      }
      reader = valueReader;
      constant = value;
    }

    @Override
    public void read(int row) {
      holder.set(0, reader == null ? constant : reader.read(row));
    }

    @Override
    public void write(int row) {
      if (reader == null && constant == null) {
        // an optional top-level column left out of the batch (most often _lineage): null in
        // each of its leaves, without going through the nested writers
        for (TripleWriter<?> leaf : leaves) {
          leaf.writeNull(0, 0);
        }
      } else {
        writer.write(0, holder);
      }
    }
  }
}
