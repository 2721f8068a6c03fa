package dev.tracelake.lake;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Writes values of Iceberg's generic representation ({@code java.time} types, {@code String},
 * {@code ByteBuffer}, {@code List}, {@code Map}, {@code Record}) into Arrow vectors built by {@link
 * ArrowSchemas#toArrow}.
 */
final class ArrowVectorWriters {
  private static final OffsetDateTime EPOCH =
      OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  private static final LocalDateTime EPOCH_LOCAL = LocalDateTime.of(1970, 1, 1, 0, 0);

  private ArrowVectorWriters() {}

  /** Writes a value (possibly null) at an index. */
  interface VectorWriter {
    void write(int index, Object value);
  }

  static VectorWriter forVector(ValueVector vector, Type type) {
    VectorWriter nonNull = nonNullWriter(vector, type);
    return (index, value) -> {
      if (value == null) {
        setNull(vector, index);
      } else {
        nonNull.write(index, value);
      }
    };
  }

  private static void setNull(ValueVector vector, int index) {
    if (vector instanceof BaseFixedWidthVector v) {
      v.setNull(index);
    } else if (vector instanceof BaseVariableWidthVector v) {
      v.setNull(index);
    } else if (vector instanceof ListVector v) {
      v.setNull(index);
    } else if (vector instanceof StructVector v) {
      v.setNull(index);
    } else {
      throw new IllegalStateException("Cannot write null into " + vector.getField());
    }
  }

  private static VectorWriter nonNullWriter(ValueVector vector, Type type) {
    switch (type.typeId()) {
      case BOOLEAN:
        return (i, v) -> ((BitVector) vector).setSafe(i, ((Boolean) v) ? 1 : 0);
      case INTEGER:
        return (i, v) -> ((IntVector) vector).setSafe(i, ((Number) v).intValue());
      case LONG:
        return (i, v) -> ((BigIntVector) vector).setSafe(i, ((Number) v).longValue());
      case FLOAT:
        return (i, v) -> ((Float4Vector) vector).setSafe(i, ((Number) v).floatValue());
      case DOUBLE:
        return (i, v) -> ((Float8Vector) vector).setSafe(i, ((Number) v).doubleValue());
      case STRING:
        return (i, v) ->
            ((VarCharVector) vector).setSafe(i, v.toString().getBytes(StandardCharsets.UTF_8));
      case BINARY:
        return (i, v) -> ((VarBinaryVector) vector).setSafe(i, bytes(v));
      case FIXED:
        return (i, v) -> ((FixedSizeBinaryVector) vector).setSafe(i, bytes(v));
      case UUID:
        return (i, v) -> {
          UUID uuid = (UUID) v;
          ByteBuffer b = ByteBuffer.allocate(16);
          b.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
          ((FixedSizeBinaryVector) vector).setSafe(i, b.array());
        };
      case DECIMAL:
        return (i, v) -> ((DecimalVector) vector).setSafe(i, (BigDecimal) v);
      case DATE:
        return (i, v) -> ((DateDayVector) vector).setSafe(i, (int) ((LocalDate) v).toEpochDay());
      case TIME:
        return (i, v) ->
            ((TimeMicroVector) vector).setSafe(i, ((LocalTime) v).toNanoOfDay() / 1000L);
      case TIMESTAMP:
        return (i, v) -> ((TimeStampVector) vector).setSafe(i, micros(v));
      case LIST:
        return listWriter((ListVector) vector, type.asListType());
      case MAP:
        return mapWriter((MapVector) vector, type.asMapType());
      case STRUCT:
        return structWriter((StructVector) vector, type.asStructType());
      default:
        throw new IllegalArgumentException("Cannot write Iceberg type " + type + " to Arrow");
    }
  }

  private static long micros(Object value) {
    if (value instanceof OffsetDateTime odt) {
      return ChronoUnit.MICROS.between(EPOCH, odt);
    }
    if (value instanceof LocalDateTime ldt) {
      return ChronoUnit.MICROS.between(EPOCH_LOCAL, ldt);
    }
    return ((Number) value).longValue();
  }

  private static byte[] bytes(Object value) {
    if (value instanceof byte[] b) {
      return b;
    }
    ByteBuffer buffer = ((ByteBuffer) value).duplicate();
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  private static VectorWriter listWriter(ListVector vector, Types.ListType type) {
    VectorWriter element = forVector(vector.getDataVector(), type.elementType());
    return (i, v) -> {
      List<?> list = (List<?>) v;
      int start = vector.startNewValue(i);
      for (int j = 0; j < list.size(); j++) {
        element.write(start + j, list.get(j));
      }
      vector.endValue(i, list.size());
    };
  }

  private static VectorWriter mapWriter(MapVector vector, Types.MapType type) {
    StructVector entries = (StructVector) vector.getDataVector();
    VectorWriter key = forVector(entries.getChildByOrdinal(0), type.keyType());
    VectorWriter value = forVector(entries.getChildByOrdinal(1), type.valueType());
    return (i, v) -> {
      Map<?, ?> map = (Map<?, ?>) v;
      int start = vector.startNewValue(i);
      int j = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        entries.setIndexDefined(start + j);
        key.write(start + j, e.getKey());
        value.write(start + j, e.getValue());
        j++;
      }
      vector.endValue(i, map.size());
    };
  }

  private static VectorWriter structWriter(StructVector vector, Types.StructType type) {
    List<Types.NestedField> fields = type.fields();
    VectorWriter[] children = new VectorWriter[fields.size()];
    for (int f = 0; f < fields.size(); f++) {
      children[f] = forVector(vector.getChildByOrdinal(f), fields.get(f).type());
    }
    return (i, v) -> {
      StructLike struct = (StructLike) v;
      vector.setIndexDefined(i);
      for (int f = 0; f < children.length; f++) {
        children[f].write(i, struct.get(f, Object.class));
      }
    };
  }
}
