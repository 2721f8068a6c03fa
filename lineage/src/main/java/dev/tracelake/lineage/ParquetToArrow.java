package dev.tracelake.lineage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Writes Parquet records, as parquet-java's record reader assembles them, straight into Arrow
 * vectors: one {@link Slot} per vector, positioned by its parent before each value. A value the
 * reader never delivers (a null, or a column the file lacks inside a struct) is set null when its
 * parent ends.
 */
final class ParquetToArrow {
  private ParquetToArrow() {}

  /** A column of a record: the Parquet type read and the vector written. */
  record Column(Type parquet, FieldVector vector) {}

  /**
   * Returns a materializer writing each record at the next row of {@code columns}' vectors,
   * starting at {@code firstRow}; a column with a null vector is read but not kept.
   */
  static Rows rows(List<Column> columns, int firstRow) {
    return new Rows(columns, firstRow);
  }

  /** The materializer: counts the rows it wrote. */
  static final class Rows extends RecordMaterializer<Object> {
    private final Slot[] slots;
    private final GroupConverter root;
    private int next;

    private Rows(List<Column> columns, int firstRow) {
      this.next = firstRow;
      slots = new Slot[columns.size()];
      Converter[] converters = new Converter[columns.size()];
      for (int i = 0; i < slots.length; i++) {
        Column c = columns.get(i);
        if (c.vector() == null) {
          converters[i] = ignoring(c.parquet());
        } else {
          slots[i] = slot(c.parquet(), c.vector());
          converters[i] = slots[i].converter();
        }
      }
      root =
          new GroupConverter() {
            @Override
            public Converter getConverter(int fieldIndex) {
              return converters[fieldIndex];
            }

            @Override
            public void start() {
              for (Slot s : slots) {
                if (s != null) {
                  s.at(next);
                }
              }
            }

            @Override
            public void end() {
              for (Slot s : slots) {
                if (s != null) {
                  s.nullIfUnwritten();
                }
              }
              next++;
            }
          };
    }

    /** The row the next record goes to: the rows written so far plus the first row. */
    int nextRow() {
      return next;
    }

    @Override
    public Object getCurrentRecord() {
      return Boolean.TRUE; // the record reader's null means "skipped"; values are in the vectors
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }

  /** A vector being written: positioned at an index, then written or left null. */
  private interface Slot {
    void at(int index);

    void nullIfUnwritten();

    Converter converter();
  }

  private static Slot slot(Type parquet, FieldVector vector) {
    if (parquet.isPrimitive()) {
      return primitive(parquet.asPrimitiveType(), vector);
    }
    GroupType group = parquet.asGroupType();
    if (vector instanceof MapVector map) {
      return new MapSlot(group, map);
    }
    if (vector instanceof ListVector list) {
      return new ListSlot(group, list);
    }
    if (vector instanceof StructVector struct) {
      return new StructSlot(group, struct);
    }
    throw mismatch(parquet, vector);
  }

  private static IllegalArgumentException mismatch(Type parquet, ValueVector vector) {
    return new IllegalArgumentException(
        "Cannot read Parquet column '"
            + parquet
            + "' into Arrow type "
            + vector.getField().getType()
            + " of column "
            + vector.getName());
  }

  /** A primitive vector; subclasses accept the Parquet physical types they can hold. */
  private abstract static class PrimitiveSlot extends PrimitiveConverter implements Slot {
    final FieldVector vector;
    int index;
    boolean written;

    PrimitiveSlot(FieldVector vector) {
      this.vector = vector;
    }

    @Override
    public void at(int index) {
      this.index = index;
      written = false;
    }

    @Override
    public void nullIfUnwritten() {
      if (!written) {
        vector.setNull(index);
      }
    }

    @Override
    public Converter converter() {
      return this;
    }

    /** Sets a {@code int} at a row of the slot's vector. */
    interface IntsSink {
      void set(int index, int value);
    }

    /** Sets a {@code long} at a row of the slot's vector. */
    interface LongsSink {
      void set(int index, long value);
    }

    /** Sets a {@code float} at a row of the slot's vector. */
    interface FloatsSink {
      void set(int index, float value);
    }

    /** Sets a {@code double} at a row of the slot's vector. */
    interface DoublesSink {
      void set(int index, double value);
    }

    /** Sets a {@code boolean} at a row of the slot's vector. */
    interface BooleansSink {
      void set(int index, boolean value);
    }

    /** Sets a {@code Binary} at a row of the slot's vector. */
    interface BinariesSink {
      void set(int index, Binary value);
    }

    static PrimitiveSlot ints(FieldVector vector, IntsSink sink) {
      return new PrimitiveSlot(vector) {
        @Override
        public void addInt(int value) {
          sink.set(index, value);
          written = true;
        }
      };
    }

    static PrimitiveSlot longs(FieldVector vector, LongsSink sink) {
      return new PrimitiveSlot(vector) {
        @Override
        public void addLong(long value) {
          sink.set(index, value);
          written = true;
        }
      };
    }

    static PrimitiveSlot floats(FieldVector vector, FloatsSink sink) {
      return new PrimitiveSlot(vector) {
        @Override
        public void addFloat(float value) {
          sink.set(index, value);
          written = true;
        }
      };
    }

    static PrimitiveSlot doubles(FieldVector vector, DoublesSink sink) {
      return new PrimitiveSlot(vector) {
        @Override
        public void addDouble(double value) {
          sink.set(index, value);
          written = true;
        }
      };
    }

    static PrimitiveSlot booleans(FieldVector vector, BooleansSink sink) {
      return new PrimitiveSlot(vector) {
        @Override
        public void addBoolean(boolean value) {
          sink.set(index, value);
          written = true;
        }
      };
    }

    static PrimitiveSlot binaries(FieldVector vector, BinariesSink sink) {
      return new PrimitiveSlot(vector) {
        @Override
        public void addBinary(Binary value) {
          sink.set(index, value);
          written = true;
        }
      };
    }
  }

  private static Slot primitive(PrimitiveType type, FieldVector vector) {
    PrimitiveTypeName physical = type.getPrimitiveTypeName();
    Slot slot =
        switch (physical) {
          case BOOLEAN -> booleanSlot(vector);
          case INT32 -> intSlot(vector);
          case INT64 -> longSlot(type, vector);
          case FLOAT -> floatSlot(vector);
          case DOUBLE -> doubleSlot(vector);
          case BINARY, FIXED_LEN_BYTE_ARRAY -> binarySlot(vector);
          default -> null;
        };
    if (slot == null) {
      throw mismatch(type, vector);
    }
    return slot;
  }

  private static Slot booleanSlot(FieldVector vector) {
    if (vector instanceof BitVector v) {
      return PrimitiveSlot.booleans(v, (index, value) -> v.setSafe(index, value ? 1 : 0));
    }
    return null;
  }

  private static Slot intSlot(FieldVector vector) {
    if (vector instanceof IntVector v) {
      return PrimitiveSlot.ints(v, (index, value) -> v.setSafe(index, value));
    }
    if (vector instanceof SmallIntVector v) {
      return PrimitiveSlot.ints(v, (index, value) -> v.setSafe(index, value));
    }
    if (vector instanceof TinyIntVector v) {
      return PrimitiveSlot.ints(v, (index, value) -> v.setSafe(index, value));
    }
    if (vector instanceof BigIntVector v) { // an int column widened to long
      return PrimitiveSlot.ints(v, (index, value) -> v.setSafe(index, value));
    }
    if (vector instanceof DateDayVector v) {
      return PrimitiveSlot.ints(v, (index, value) -> v.setSafe(index, value));
    }
    if (vector instanceof DecimalVector v) { // unscaled, precision <= 9
      return PrimitiveSlot.ints(v, (index, value) -> v.setSafe(index, value));
    }
    return null;
  }

  private static Slot longSlot(PrimitiveType type, FieldVector vector) {
    if (vector instanceof BigIntVector v) {
      return PrimitiveSlot.longs(v, (index, value) -> v.setSafe(index, value));
    }
    if (vector instanceof TimeStampVector v) {
      long scale = timestampScale(type, (ArrowType.Timestamp) v.getField().getType());
      return PrimitiveSlot.longs(
          v, (index, value) -> v.setSafe(index, scale >= 0 ? value * scale : value / -scale));
    }
    if (vector instanceof TimeMicroVector v) {
      return PrimitiveSlot.longs(v, (index, value) -> v.setSafe(index, value));
    }
    if (vector instanceof DecimalVector v) { // unscaled, precision <= 18
      return PrimitiveSlot.longs(v, (index, value) -> v.setSafe(index, value));
    }
    return null;
  }

  /**
   * Returns what to multiply a file's timestamp by to get the vector's unit (negative: divide by
   * its absolute value). Iceberg writes microseconds; other writers may not.
   */
  private static long timestampScale(PrimitiveType type, ArrowType.Timestamp arrow) {
    long fileNanos = 1_000L;
    if (type.getLogicalTypeAnnotation()
        instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts) {
      fileNanos =
          switch (ts.getUnit()) {
            case MILLIS -> 1_000_000L;
            case MICROS -> 1_000L;
            case NANOS -> 1L;
          };
    }
    long vectorNanos = nanos(arrow.getUnit());
    return fileNanos >= vectorNanos ? fileNanos / vectorNanos : -(vectorNanos / fileNanos);
  }

  private static long nanos(TimeUnit unit) {
    return switch (unit) {
      case SECOND -> 1_000_000_000L;
      case MILLISECOND -> 1_000_000L;
      case MICROSECOND -> 1_000L;
      case NANOSECOND -> 1L;
    };
  }

  private static Slot floatSlot(FieldVector vector) {
    if (vector instanceof Float4Vector v) {
      return PrimitiveSlot.floats(v, (index, value) -> v.setSafe(index, value));
    }
    if (vector instanceof Float8Vector v) { // a float column widened to double
      return PrimitiveSlot.floats(v, (index, value) -> v.setSafe(index, value));
    }
    return null;
  }

  private static Slot doubleSlot(FieldVector vector) {
    if (vector instanceof Float8Vector v) {
      return PrimitiveSlot.doubles(v, (index, value) -> v.setSafe(index, value));
    }
    return null;
  }

  private static Slot binarySlot(FieldVector vector) {
    if (vector instanceof BaseVariableWidthVector v) { // strings and binaries
      return new PrimitiveSlot(v) {
        @Override
        public void addBinary(Binary value) {
          ByteBuffer bytes = value.toByteBuffer();
          v.setSafe(index, bytes, bytes.position(), bytes.remaining());
          written = true;
        }
      };
    }
    if (vector instanceof FixedSizeBinaryVector v) {
      return PrimitiveSlot.binaries(v, (index, value) -> v.setSafe(index, value.getBytes()));
    }
    if (vector instanceof DecimalVector v) { // big-endian two's complement, precision > 18
      return PrimitiveSlot.binaries(
          v, (index, value) -> v.setBigEndianSafe(index, value.getBytes()));
    }
    return null;
  }

  /** A struct: its fields matched to the vector's children by name. */
  private static final class StructSlot extends GroupConverter implements Slot {
    private final StructVector vector;
    private final Converter[] converters;
    private final List<Slot> children = new ArrayList<>();
    // children of the vector the file's struct lacks: null wherever the struct is written
    private final List<FieldVector> missing = new ArrayList<>();
    private int index;
    private boolean written;

    StructSlot(GroupType type, StructVector vector) {
      this.vector = vector;
      converters = new Converter[type.getFieldCount()];
      List<String> found = new ArrayList<>();
      for (int i = 0; i < converters.length; i++) {
        Type field = type.getType(i);
        FieldVector child = (FieldVector) vector.getChild(field.getName());
        if (child == null) {
          converters[i] = ignoring(field); // a field dropped since the file was written
        } else {
          Slot s = slot(field, child);
          children.add(s);
          converters[i] = s.converter();
          found.add(field.getName());
        }
      }
      for (FieldVector child : vector.getChildrenFromFields()) {
        if (!found.contains(child.getName())) {
          missing.add(child);
        }
      }
    }

    @Override
    public void at(int index) {
      this.index = index;
      written = false;
    }

    @Override
    public void nullIfUnwritten() {
      if (!written) {
        vector.setNull(index);
      }
    }

    @Override
    public Converter converter() {
      return this;
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return converters[fieldIndex];
    }

    @Override
    public void start() {
      vector.setIndexDefined(index);
      written = true;
      for (Slot s : children) {
        s.at(index);
      }
    }

    @Override
    public void end() {
      for (Slot s : children) {
        s.nullIfUnwritten();
      }
      for (FieldVector m : missing) {
        m.setNull(index);
      }
    }
  }

  /**
   * A list or a map (a list of key-value structs in Arrow): Parquet's repeated group of elements
   * fills the vector's entries of the current row, one {@link #start()}/{@link #end()} per row.
   */
  private abstract static class RepeatedSlot extends GroupConverter implements Slot {
    private final ListVector vector;
    private int index;
    private boolean written;
    // the vector position of the row's first entry, and how many entries it has so far
    int start;
    int count;

    RepeatedSlot(ListVector vector) {
      this.vector = vector;
    }

    /** The converter of the repeated group, called once per entry. */
    abstract GroupConverter entries();

    @Override
    public void at(int index) {
      this.index = index;
      written = false;
    }

    @Override
    public void nullIfUnwritten() {
      if (!written) {
        vector.setNull(index);
      }
    }

    @Override
    public Converter converter() {
      return this;
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return entries();
    }

    @Override
    public void start() {
      start = vector.startNewValue(index);
      count = 0;
      written = true;
    }

    @Override
    public void end() {
      vector.endValue(index, count);
    }
  }

  /**
   * A list in the three-level form Iceberg writes: {@code group (LIST) { repeated group list {
   * element } }}.
   */
  private static final class ListSlot extends RepeatedSlot {
    private final GroupConverter repeated;

    ListSlot(GroupType type, ListVector vector) {
      super(vector);
      Type list = type.getFieldCount() == 1 ? type.getType(0) : null;
      if (list == null
          || !list.isRepetition(Type.Repetition.REPEATED)
          || list.isPrimitive()
          || list.asGroupType().getFieldCount() != 1) {
        throw new IllegalArgumentException(
            "Column " + vector.getName() + ": unsupported Parquet list layout " + type);
      }
      Slot element = slot(list.asGroupType().getType(0), vector.getDataVector());
      repeated =
          new GroupConverter() {
            @Override
            public Converter getConverter(int fieldIndex) {
              return element.converter();
            }

            @Override
            public void start() {
              element.at(start + count);
            }

            @Override
            public void end() {
              element.nullIfUnwritten();
              count++;
            }
          };
    }

    @Override
    GroupConverter entries() {
      return repeated;
    }
  }

  /** A map: {@code group (MAP) { repeated group key_value { key; value } }}. */
  private static final class MapSlot extends RepeatedSlot {
    private final GroupConverter entry;

    MapSlot(GroupType type, MapVector vector) {
      super(vector);
      Type kv = type.getFieldCount() == 1 ? type.getType(0) : null;
      if (kv == null
          || !kv.isRepetition(Type.Repetition.REPEATED)
          || kv.isPrimitive()
          || kv.asGroupType().getFieldCount() != 2) {
        throw new IllegalArgumentException(
            "Column " + vector.getName() + ": unsupported Parquet map layout " + type);
      }
      StructVector entries = (StructVector) vector.getDataVector();
      Slot key = slot(kv.asGroupType().getType(0), (FieldVector) entries.getChildByOrdinal(0));
      Slot value = slot(kv.asGroupType().getType(1), (FieldVector) entries.getChildByOrdinal(1));
      entry =
          new GroupConverter() {
            @Override
            public Converter getConverter(int fieldIndex) {
              return fieldIndex == 0 ? key.converter() : value.converter();
            }

            @Override
            public void start() {
              entries.setIndexDefined(start + count);
              key.at(start + count);
              value.at(start + count);
            }

            @Override
            public void end() {
              key.nullIfUnwritten();
              value.nullIfUnwritten();
              count++;
            }
          };
    }

    @Override
    GroupConverter entries() {
      return entry;
    }
  }

  /** A converter that reads a column's values and keeps none. */
  static Converter ignoring(Type type) {
    if (type.isPrimitive()) {
      return new PrimitiveConverter() {
        @Override
        public void addBinary(Binary value) {}

        @Override
        public void addBoolean(boolean value) {}

        @Override
        public void addDouble(double value) {}

        @Override
        public void addFloat(float value) {}

        @Override
        public void addInt(int value) {}

        @Override
        public void addLong(long value) {}
      };
    }
    GroupType group = type.asGroupType();
    Converter[] children = new Converter[group.getFieldCount()];
    for (int i = 0; i < children.length; i++) {
      children[i] = ignoring(group.getType(i));
    }
    return new GroupConverter() {
      @Override
      public Converter getConverter(int fieldIndex) {
        return children[fieldIndex];
      }

      @Override
      public void start() {}

      @Override
      public void end() {}
    };
  }

  /**
   * Writes {@code value} (a file's identity-partition value: String, Long, Integer, Boolean or
   * Double) into row {@code row} of a top-level vector.
   *
   * @throws IllegalArgumentException when the value does not fit the vector's type
   */
  static void writeConstant(FieldVector vector, int row, Object value) {
    if (value == null) {
      vector.setNull(row);
    } else if (vector instanceof VarCharVector v) {
      v.setSafe(row, value.toString().getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof VarBinaryVector v && value instanceof byte[] b) {
      v.setSafe(row, b);
    } else if (vector instanceof BitVector v && value instanceof Boolean b) {
      v.setSafe(row, b ? 1 : 0);
    } else if (vector instanceof IntVector v && value instanceof Integer i) {
      v.setSafe(row, i);
    } else if (vector instanceof BigIntVector v
        && (value instanceof Long || value instanceof Integer)) {
      v.setSafe(row, ((Number) value).longValue());
    } else if (vector instanceof Float8Vector v && value instanceof Number n) {
      v.setSafe(row, n.doubleValue());
    } else if (vector instanceof Float4Vector v && value instanceof Number n) {
      v.setSafe(row, n.floatValue());
    } else if (vector instanceof DateDayVector v && value instanceof Integer i) {
      v.setSafe(row, i);
    } else if (vector instanceof TimeStampVector v && value instanceof Long l) {
      v.setSafe(row, l);
    } else {
      throw new IllegalArgumentException(
          "Column "
              + vector.getName()
              + ": the file's constant "
              + value
              + " ("
              + value.getClass().getSimpleName()
              + ") does not fit Arrow type "
              + vector.getField().getType());
    }
  }
}
