package dev.tracelake.benchmarks;

import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * Writes rows straight from Arrow vectors into parquet-java's {@link RecordConsumer}: no row
 * objects, no boxing, strings copied into one reused buffer. This is about the least work a
 * parquet-java {@link WriteSupport} can do for an Arrow batch, so it is the baseline for
 * lake-core's append. (Iceberg's own writers skip the record-consumer layer and write to column
 * writers directly, which saves a little per row.)
 *
 * <p>{@link #bind} a batch, then hand the writer one {@link Row} per row index. Flat schemas of the
 * benchmark's Arrow types only, plus list columns whose every value is null (lake-core's empty
 * lineage column).
 */
final class ArrowRowWriteSupport extends WriteSupport<ArrowRowWriteSupport.Row> {
  /** The row of the bound batch to write next; reused for every row. */
  static final class Row {
    int index;
  }

  private final MessageType schema;
  private final ColumnWriter[] columns;
  private RecordConsumer consumer;
  private byte[] scratch = new byte[256];

  ArrowRowWriteSupport(Schema arrowSchema) {
    this.schema = parquetSchema(arrowSchema);
    this.columns = new ColumnWriter[arrowSchema.getFields().size()];
  }

  /**
   * Points the writer at the vectors of {@code batch}; its schema must be the one given.
   *
   * @throws IllegalArgumentException when the column count differs or a vector type is not handled
   */
  void bind(VectorSchemaRoot batch) {
    List<FieldVector> vectors = batch.getFieldVectors();
    if (vectors.size() != columns.length) {
      throw new IllegalArgumentException(
          "Batch has " + vectors.size() + " columns, the file has " + columns.length);
    }
    for (int c = 0; c < columns.length; c++) {
      columns[c] = columnWriter(c, vectors.get(c));
    }
  }

  @Override
  public WriteContext init(Configuration configuration) {
    return new WriteContext(schema, Map.of());
  }

  @Override
  public WriteContext init(ParquetConfiguration configuration) {
    return new WriteContext(schema, Map.of());
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.consumer = recordConsumer;
  }

  @Override
  public void write(Row row) {
    consumer.startMessage();
    for (ColumnWriter column : columns) {
      column.write(row.index);
    }
    consumer.endMessage();
  }

  /** Writes one column of one row: a field with its value, or nothing for a null. */
  private interface ColumnWriter {
    void write(int row);
  }

  private ColumnWriter columnWriter(int index, FieldVector vector) {
    String name = vector.getName();
    if (vector instanceof BigIntVector v) {
      return row -> {
        if (!v.isNull(row)) {
          consumer.startField(name, index);
          consumer.addLong(v.get(row));
          consumer.endField(name, index);
        }
      };
    }
    if (vector instanceof TimeStampMicroTZVector v) {
      return row -> {
        if (!v.isNull(row)) {
          consumer.startField(name, index);
          consumer.addLong(v.get(row));
          consumer.endField(name, index);
        }
      };
    }
    if (vector instanceof TimeStampMicroVector v) {
      return row -> {
        if (!v.isNull(row)) {
          consumer.startField(name, index);
          consumer.addLong(v.get(row));
          consumer.endField(name, index);
        }
      };
    }
    if (vector instanceof IntVector v) {
      return row -> {
        if (!v.isNull(row)) {
          consumer.startField(name, index);
          consumer.addInteger(v.get(row));
          consumer.endField(name, index);
        }
      };
    }
    if (vector instanceof Float8Vector v) {
      return row -> {
        if (!v.isNull(row)) {
          consumer.startField(name, index);
          consumer.addDouble(v.get(row));
          consumer.endField(name, index);
        }
      };
    }
    if (vector instanceof Float4Vector v) {
      return row -> {
        if (!v.isNull(row)) {
          consumer.startField(name, index);
          consumer.addFloat(v.get(row));
          consumer.endField(name, index);
        }
      };
    }
    if (vector instanceof BitVector v) {
      return row -> {
        if (!v.isNull(row)) {
          consumer.startField(name, index);
          consumer.addBoolean(v.get(row) != 0);
          consumer.endField(name, index);
        }
      };
    }
    if (vector instanceof FixedSizeBinaryVector v) {
      return row -> {
        if (!v.isNull(row)) {
          consumer.startField(name, index);
          consumer.addBinary(fixed(v, row));
          consumer.endField(name, index);
        }
      };
    }
    if (vector instanceof ListVector v) {
      return row -> {
        if (!v.isNull(row)) {
          throw new UnsupportedOperationException(
              "Column '"
                  + name
                  + "' has a list at row "
                  + row
                  + "; the baseline writer writes only null lists");
        }
      };
    }
    if (vector instanceof VarCharVector v) {
      return row -> {
        if (!v.isNull(row)) {
          consumer.startField(name, index);
          consumer.addBinary(utf8(v, row));
          consumer.endField(name, index);
        }
      };
    }
    throw new IllegalArgumentException(
        "Column '"
            + name
            + "' has vector type "
            + vector.getClass().getSimpleName()
            + ", which the baseline writer does not handle");
  }

  private Binary fixed(FixedSizeBinaryVector vector, int row) {
    int width = vector.getByteWidth();
    if (width > scratch.length) {
      scratch = new byte[width];
    }
    vector.getDataBuffer().getBytes((long) row * width, scratch, 0, width);
    return Binary.fromReusedByteArray(scratch, 0, width);
  }

  private Binary utf8(VarCharVector vector, int row) {
    ArrowBuf offsets = vector.getOffsetBuffer();
    int start = offsets.getInt((long) row * VarCharVector.OFFSET_WIDTH);
    int length = offsets.getInt((long) (row + 1) * VarCharVector.OFFSET_WIDTH) - start;
    if (length > scratch.length) {
      scratch = new byte[Math.max(length, scratch.length * 2)];
    }
    vector.getDataBuffer().getBytes(start, scratch, 0, length);
    // parquet-java copies a reused Binary wherever it keeps one (dictionary, statistics)
    return Binary.fromReusedByteArray(scratch, 0, length);
  }

  private static MessageType parquetSchema(Schema arrowSchema) {
    Types.MessageTypeBuilder message = Types.buildMessage();
    for (Field field : arrowSchema.getFields()) {
      message.addField(parquetType(field));
    }
    return message.named("event");
  }

  private static Type parquetType(Field field) {
    Repetition repetition = field.isNullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
    String name = field.getName();
    ArrowType type = field.getType();
    switch (type.getTypeID()) {
      case Int:
        return Types.primitive(
                ((ArrowType.Int) type).getBitWidth() == 64
                    ? PrimitiveTypeName.INT64
                    : PrimitiveTypeName.INT32,
                repetition)
            .named(name);
      case FloatingPoint:
        return Types.primitive(
                ((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.DOUBLE
                    ? PrimitiveTypeName.DOUBLE
                    : PrimitiveTypeName.FLOAT,
                repetition)
            .named(name);
      case Bool:
        return Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
      case Utf8:
        return Types.primitive(PrimitiveTypeName.BINARY, repetition)
            .as(LogicalTypeAnnotation.stringType())
            .named(name);
      case Timestamp:
        return Types.primitive(PrimitiveTypeName.INT64, repetition)
            .as(
                LogicalTypeAnnotation.timestampType(
                    ((ArrowType.Timestamp) type).getTimezone() != null,
                    LogicalTypeAnnotation.TimeUnit.MICROS))
            .named(name);
      case FixedSizeBinary:
        {
          int width = ((ArrowType.FixedSizeBinary) type).getByteWidth();
          Types.PrimitiveBuilder<PrimitiveType> fixed =
              Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition).length(width);
          return (width == 16 ? fixed.as(LogicalTypeAnnotation.uuidType()) : fixed).named(name);
        }
      case Struct:
        {
          Types.GroupBuilder<GroupType> group = Types.buildGroup(repetition);
          for (Field child : field.getChildren()) {
            group.addField(parquetType(child));
          }
          return group.named(name);
        }
      case List:
        // the standard three-level list, as Iceberg writes it
        return Types.buildGroup(repetition)
            .as(LogicalTypeAnnotation.listType())
            .addField(
                Types.repeatedGroup()
                    .addField(parquetType(field.getChildren().get(0)))
                    .named("list"))
            .named(name);
      default:
        throw new IllegalArgumentException(
            "Column '"
                + name
                + "' has Arrow type "
                + type
                + ", which the baseline writer does not handle");
    }
  }
}
