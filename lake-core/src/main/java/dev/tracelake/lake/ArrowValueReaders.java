package dev.tracelake.lake;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VariableWidthFieldVector;
import org.apache.arrow.vector.complex.BaseListVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.avro.util.Utf8;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

/**
 * Reads Arrow vectors as values in Iceberg's internal representation (the form Iceberg's {@code
 * InternalWriter} writes): ints and longs boxed, dates as days, times and timestamps as
 * microseconds, strings as UTF-8 {@link Utf8} without a decode, binaries as {@link ByteBuffer}.
 *
 * <p>{@link #forVector} checks once per batch that the vector's Arrow type can be stored in the
 * column's Iceberg type, allowing only lossless widening (int32 into long, float into double, any
 * timestamp unit into microseconds).
 */
final class ArrowValueReaders {
  private ArrowValueReaders() {}

  /** Reads row {@code row} of a vector; returns null for a null slot. */
  interface ValueReader {
    Object read(int row);
  }

  static ValueReader forVector(String table, String column, Type type, ValueVector vector) {
    ArrowType given = vector.getField().getType();
    ValueReader reader = create(table, column, type, vector, given);
    if (reader == null) {
      throw new LakeException(
          ErrorKind.INVALID_ARGUMENT,
          String.format(
              "Table %s: column '%s' expects %s but the batch gives Arrow type %s",
              table, column, type, given));
    }
    return reader;
  }

  /**
   * As {@link #forVector}, for a column whose value the caller consumes before reading the next row
   * (a top-level column written row by row): strings are read into one reused {@link Utf8} instead
   * of a new array and object per value. Never use it where values are kept (lists).
   */
  static ValueReader forWrittenColumn(String table, String column, Type type, ValueVector vector) {
    if (type.typeId() == Type.TypeID.STRING && vector instanceof VarCharVector v) {
      Utf8 reused = new Utf8();
      return row -> {
        if (v.isNull(row)) {
          return null;
        }
        int start = v.getStartOffset(row);
        int length = v.getEndOffset(row) - start;
        reused.setByteLength(length);
        v.getDataBuffer().getBytes(start, reused.getBytes(), 0, length);
        return reused;
      };
    }
    return forVector(table, column, type, vector);
  }

  private static ValueReader create(
      String table, String column, Type type, ValueVector vector, ArrowType given) {
    switch (type.typeId()) {
      case BOOLEAN:
        if (vector instanceof BitVector v) {
          return row -> v.isNull(row) ? null : v.get(row) == 1;
        }
        return null;
      case INTEGER:
        if (vector instanceof BaseIntVector v && fitsInInt(given)) {
          return row -> v.isNull(row) ? null : (int) v.getValueAsLong(row);
        }
        return null;
      case LONG:
        if (vector instanceof BigIntVector v) {
          return row -> v.isNull(row) ? null : v.get(row);
        }
        if (vector instanceof BaseIntVector v && fitsInLong(given)) {
          return row -> v.isNull(row) ? null : v.getValueAsLong(row);
        }
        return null;
      case FLOAT:
        if (vector instanceof Float4Vector v) {
          return row -> v.isNull(row) ? null : v.get(row);
        }
        if (vector instanceof Float2Vector v) {
          return row -> v.isNull(row) ? null : v.getValueAsFloat(row);
        }
        return null;
      case DOUBLE:
        if (vector instanceof Float8Vector v) {
          return row -> v.isNull(row) ? null : v.get(row);
        }
        if (vector instanceof Float4Vector v) {
          return row -> v.isNull(row) ? null : (double) v.get(row);
        }
        return null;
      case STRING:
        if (vector instanceof VariableWidthFieldVector v && isUtf8(given)) {
          return row -> v.isNull(row) ? null : new Utf8(v.get(row));
        }
        return null;
      case BINARY:
        if (vector instanceof VariableWidthFieldVector v && isBinary(given)) {
          return row -> v.isNull(row) ? null : ByteBuffer.wrap(v.get(row));
        }
        return null;
      case FIXED:
        if (vector instanceof FixedSizeBinaryVector v
            && v.getByteWidth() == ((Types.FixedType) type).length()) {
          return row -> v.isNull(row) ? null : ByteBuffer.wrap(v.get(row));
        }
        return null;
      case DECIMAL:
        {
          Types.DecimalType d = (Types.DecimalType) type;
          if (vector instanceof DecimalVector v
              && v.getScale() == d.scale()
              && v.getPrecision() <= d.precision()) {
            return row -> v.isNull(row) ? null : v.getObject(row);
          }
          return null;
        }
      case DATE:
        if (vector instanceof DateDayVector v) {
          return row -> v.isNull(row) ? null : v.get(row);
        }
        if (vector instanceof DateMilliVector v) {
          return row ->
              v.isNull(row) ? null : (int) Math.floorDiv(v.get(row), TimeUnit.DAYS.toMillis(1));
        }
        return null;
      case TIME:
        return timeReader(vector);
      case TIMESTAMP:
        {
          boolean withZone = ((Types.TimestampType) type).shouldAdjustToUTC();
          if (vector instanceof TimeStampVector v
              && given instanceof ArrowType.Timestamp ts
              && (ts.getTimezone() != null) == withZone) {
            long factor = microsFactor(ts.getUnit());
            boolean nanos = ts.getUnit() == org.apache.arrow.vector.types.TimeUnit.NANOSECOND;
            return row -> {
              if (v.isNull(row)) {
                return null;
              }
              long raw = v.get(row);
              return nanos ? Math.floorDiv(raw, 1000L) : raw * factor;
            };
          }
          return null;
        }
      case LIST:
        return listReader(table, column, type.asListType(), vector);
      case MAP:
        return mapReader(table, column, type.asMapType(), vector);
      case STRUCT:
        if (vector instanceof StructVector v) {
          return structReader(table, column, type.asStructType(), v);
        }
        return null;
      default:
        return null;
    }
  }

  private static ValueReader timeReader(ValueVector vector) {
    if (vector instanceof TimeMicroVector v) {
      return row -> v.isNull(row) ? null : v.get(row);
    }
    if (vector instanceof TimeMilliVector v) {
      return row -> v.isNull(row) ? null : v.get(row) * 1000L;
    }
    if (vector instanceof TimeSecVector v) {
      return row -> v.isNull(row) ? null : v.get(row) * 1_000_000L;
    }
    if (vector instanceof TimeNanoVector v) {
      return row -> v.isNull(row) ? null : v.get(row) / 1000L;
    }
    return null;
  }

  private static ValueReader listReader(
      String table, String column, Types.ListType type, ValueVector vector) {
    if (!(vector instanceof ListVector
        || vector instanceof LargeListVector
        || vector instanceof FixedSizeListVector)) {
      return null;
    }
    if (vector instanceof MapVector) {
      return null;
    }
    BaseListVector list = (BaseListVector) vector;
    ValueVector data = dataVector(vector);
    ValueReader element = forVector(table, column + ".element", type.elementType(), data);
    boolean required = type.isElementRequired();
    return row -> {
      if (list.isNull(row)) {
        return null;
      }
      int start = list.getElementStartIndex(row);
      int end = list.getElementEndIndex(row);
      List<Object> values = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        Object value = element.read(i);
        if (value == null && required) {
          throw nullInRequired(table, column + ".element", row);
        }
        values.add(value);
      }
      return values;
    };
  }

  private static ValueVector dataVector(ValueVector vector) {
    if (vector instanceof ListVector l) {
      return l.getDataVector();
    }
    if (vector instanceof LargeListVector l) {
      return l.getDataVector();
    }
    return ((FixedSizeListVector) vector).getDataVector();
  }

  private static ValueReader mapReader(
      String table, String column, Types.MapType type, ValueVector vector) {
    if (!(vector instanceof MapVector map)) {
      return null;
    }
    StructVector entries = (StructVector) map.getDataVector();
    ValueReader key =
        forVector(table, column + ".key", type.keyType(), entries.getChildByOrdinal(0));
    ValueReader value =
        forVector(table, column + ".value", type.valueType(), entries.getChildByOrdinal(1));
    boolean required = type.isValueRequired();
    return row -> {
      if (map.isNull(row)) {
        return null;
      }
      int start = map.getElementStartIndex(row);
      int end = map.getElementEndIndex(row);
      Map<Object, Object> values = new LinkedHashMap<>();
      for (int i = start; i < end; i++) {
        Object k = key.read(i);
        if (k == null) {
          throw nullInRequired(table, column + ".key", row);
        }
        Object v = value.read(i);
        if (v == null && required) {
          throw nullInRequired(table, column + ".value", row);
        }
        values.put(k, v);
      }
      return values;
    };
  }

  private static ValueReader structReader(
      String table, String column, Types.StructType type, StructVector vector) {
    List<NestedField> fields = type.fields();
    ValueReader[] readers = new ValueReader[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      NestedField field = fields.get(i);
      String path = column + "." + field.name();
      ValueVector child = vector.getChild(field.name());
      if (child == null) {
        if (field.isRequired()) {
          throw LakeException.invalid(
              "Table %s: required field '%s' is missing from the batch", table, path);
        }
        readers[i] = row -> null;
      } else {
        readers[i] = forVector(table, path, field.type(), child);
      }
    }
    return row -> {
      if (vector.isNull(row)) {
        return null;
      }
      RowStruct struct = new RowStruct(readers.length);
      for (int i = 0; i < readers.length; i++) {
        Object value = readers[i].read(row);
        if (value == null && fields.get(i).isRequired()) {
          throw nullInRequired(table, column + "." + fields.get(i).name(), row);
        }
        struct.set(i, value);
      }
      return struct;
    };
  }

  static LakeException nullInRequired(String table, String column, int row) {
    return LakeException.invalid(
        "Table %s: column '%s' is required but is null at row %d of the batch", table, column, row);
  }

  private static boolean fitsInInt(ArrowType type) {
    ArrowType.Int i = (ArrowType.Int) type;
    return i.getBitWidth() < 32 || (i.getBitWidth() == 32 && i.getIsSigned());
  }

  private static boolean fitsInLong(ArrowType type) {
    ArrowType.Int i = (ArrowType.Int) type;
    return i.getBitWidth() < 64 || i.getIsSigned();
  }

  private static boolean isUtf8(ArrowType type) {
    return type instanceof ArrowType.Utf8
        || type instanceof ArrowType.LargeUtf8
        || type instanceof ArrowType.Utf8View;
  }

  private static boolean isBinary(ArrowType type) {
    return type instanceof ArrowType.Binary
        || type instanceof ArrowType.LargeBinary
        || type instanceof ArrowType.BinaryView;
  }

  private static long microsFactor(org.apache.arrow.vector.types.TimeUnit unit) {
    switch (unit) {
      case SECOND:
        return 1_000_000L;
      case MILLISECOND:
        return 1_000L;
      default:
        return 1L;
    }
  }
}
