package dev.tracelake.pgwire;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.BaseListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * One result column as PostgreSQL sees it: a name, a type and the code that writes each value in
 * the text or binary format of that type, read straight from the Arrow vector DuckDB produced.
 *
 * @param name the column name
 * @param type the PostgreSQL type
 * @param typmod the type modifier ({@code numeric(p,s)}: {@code ((p << 16) | s) + 4}), -1 if none
 * @param kind how values are read from the vector
 */
record PgColumn(String name, PgType type, int typmod, ValueKind kind, TimeUnit unit) {
  /** How a vector's values are read; each maps to one PostgreSQL type. */
  enum ValueKind {
    BOOL,
    INT8_FROM_TINY,
    INT2,
    INT4,
    INT8,
    UINT1,
    UINT2,
    UINT4,
    UINT8,
    FLOAT2,
    FLOAT4,
    FLOAT8,
    DECIMAL,
    TEXT,
    BINARY,
    UUID_BYTES,
    DATE_DAY,
    DATE_MILLI,
    TIME,
    TIMESTAMP,
    TIMESTAMPTZ,
    INTERVAL,
    ARRAY,
    JSON,
    OTHER
  }

  /** Maps an Arrow field of a result to its PostgreSQL column. */
  static PgColumn of(Field field) {
    String name = field.getName();
    ArrowType t = field.getType();
    switch (t.getTypeID()) {
      case Bool:
        return new PgColumn(name, PgType.BOOL, -1, ValueKind.BOOL, null);
      case Int:
        {
          ArrowType.Int i = (ArrowType.Int) t;
          if (!i.getIsSigned()) {
            return switch (i.getBitWidth()) {
              case 8 -> new PgColumn(name, PgType.INT2, -1, ValueKind.UINT1, null);
              case 16 -> new PgColumn(name, PgType.INT4, -1, ValueKind.UINT2, null);
              case 32 -> new PgColumn(name, PgType.INT8, -1, ValueKind.UINT4, null);
              default -> new PgColumn(name, PgType.NUMERIC, -1, ValueKind.UINT8, null);
            };
          }
          return switch (i.getBitWidth()) {
            case 8 -> new PgColumn(name, PgType.INT2, -1, ValueKind.INT8_FROM_TINY, null);
            case 16 -> new PgColumn(name, PgType.INT2, -1, ValueKind.INT2, null);
            case 32 -> new PgColumn(name, PgType.INT4, -1, ValueKind.INT4, null);
            default -> new PgColumn(name, PgType.INT8, -1, ValueKind.INT8, null);
          };
        }
      case FloatingPoint:
        return switch (((ArrowType.FloatingPoint) t).getPrecision()) {
          case HALF -> new PgColumn(name, PgType.FLOAT4, -1, ValueKind.FLOAT2, null);
          case SINGLE -> new PgColumn(name, PgType.FLOAT4, -1, ValueKind.FLOAT4, null);
          case DOUBLE -> new PgColumn(name, PgType.FLOAT8, -1, ValueKind.FLOAT8, null);
        };
      case Decimal:
        {
          ArrowType.Decimal d = (ArrowType.Decimal) t;
          int typmod = ((d.getPrecision() << 16) | d.getScale()) + 4;
          return new PgColumn(name, PgType.NUMERIC, typmod, ValueKind.DECIMAL, null);
        }
      case Utf8:
      case LargeUtf8:
      case Utf8View:
        return new PgColumn(name, PgType.TEXT, -1, ValueKind.TEXT, null);
      case Binary:
      case LargeBinary:
      case BinaryView:
        return new PgColumn(name, PgType.BYTEA, -1, ValueKind.BINARY, null);
      case FixedSizeBinary:
        if (isUuid(field)) {
          return new PgColumn(name, PgType.UUID, -1, ValueKind.UUID_BYTES, null);
        }
        return new PgColumn(name, PgType.BYTEA, -1, ValueKind.BINARY, null);
      case Date:
        return ((ArrowType.Date) t).getUnit() == org.apache.arrow.vector.types.DateUnit.DAY
            ? new PgColumn(name, PgType.DATE, -1, ValueKind.DATE_DAY, null)
            : new PgColumn(name, PgType.DATE, -1, ValueKind.DATE_MILLI, null);
      case Time:
        return new PgColumn(name, PgType.TIME, -1, ValueKind.TIME, ((ArrowType.Time) t).getUnit());
      case Timestamp:
        {
          ArrowType.Timestamp ts = (ArrowType.Timestamp) t;
          return ts.getTimezone() == null
              ? new PgColumn(name, PgType.TIMESTAMP, -1, ValueKind.TIMESTAMP, ts.getUnit())
              : new PgColumn(name, PgType.TIMESTAMPTZ, -1, ValueKind.TIMESTAMPTZ, ts.getUnit());
        }
      case Interval:
      case Duration:
        return new PgColumn(name, PgType.INTERVAL, -1, ValueKind.INTERVAL, null);
      case List:
      case LargeList:
      case FixedSizeList:
        {
          Field element = field.getChildren().get(0);
          PgColumn inner = of(element);
          if (inner.type().arrayOid() != 0
              && inner.kind() != ValueKind.JSON
              && inner.kind() != ValueKind.OTHER) {
            return new PgColumn(name, inner.type().arrayType(), -1, ValueKind.ARRAY, null);
          }
          return new PgColumn(name, PgType.JSON, -1, ValueKind.JSON, null);
        }
      case Struct:
      case Map:
        return new PgColumn(name, PgType.JSON, -1, ValueKind.JSON, null);
      default:
        return new PgColumn(name, PgType.TEXT, -1, ValueKind.OTHER, null);
    }
  }

  private static boolean isUuid(Field field) {
    String ext = field.getMetadata().get("ARROW:extension:name");
    return ext != null
        && ext.toLowerCase(java.util.Locale.ROOT).contains("uuid")
        && ((ArrowType.FixedSizeBinary) field.getType()).getByteWidth() == 16;
  }

  static List<PgColumn> of(List<Field> fields) {
    return fields.stream().map(PgColumn::of).toList();
  }

  /**
   * Writes the value at {@code row} as one DataRow field: its length, then its bytes; -1 for NULL.
   */
  void write(PgOutput out, FieldVector vector, int row, boolean binary, ZoneId zone) {
    if (vector.isNull(row)) {
      out.int32(-1);
      return;
    }
    if (binary) {
      writeBinary(out, vector, row);
    } else {
      writeText(out, vector, row, zone);
    }
  }

  private void writeText(PgOutput out, FieldVector v, int row, ZoneId zone) {
    switch (kind) {
      case INT4 -> ascii(out, Integer.toString(((IntVector) v).get(row)));
      case INT8 -> ascii(out, Long.toString(((BigIntVector) v).get(row)));
      case TEXT -> {
        if (v instanceof VarCharVector vc) {
          byte[] b = vc.get(row);
          out.int32(b.length).bytes(b);
        } else {
          utf8(out, v.getObject(row).toString());
        }
      }
      default -> utf8(out, textOf(v, row, zone));
    }
  }

  /** Returns the non-null value at {@code row} in PostgreSQL's text format. */
  String textOf(FieldVector v, int row, ZoneId zone) {
    return switch (kind) {
      case BOOL -> ((BitVector) v).get(row) != 0 ? "t" : "f";
      case INT8_FROM_TINY -> Integer.toString(((TinyIntVector) v).get(row));
      case INT2 -> Integer.toString(((SmallIntVector) v).get(row));
      case INT4 -> Integer.toString(((IntVector) v).get(row));
      case INT8 -> Long.toString(((BigIntVector) v).get(row));
      case UINT1 -> Integer.toString(Byte.toUnsignedInt(((UInt1Vector) v).get(row)));
      case UINT2 -> Integer.toString(((UInt2Vector) v).get(row));
      case UINT4 -> Integer.toUnsignedString(((UInt4Vector) v).get(row));
      case UINT8 -> Long.toUnsignedString(((UInt8Vector) v).get(row));
      case FLOAT2 -> PgText.float4(((Float2Vector) v).getValueAsFloat(row));
      case FLOAT4 -> PgText.float4(((Float4Vector) v).get(row));
      case FLOAT8 -> PgText.float8(((Float8Vector) v).get(row));
      case DECIMAL -> decimal(v, row).toPlainString();
      case TEXT -> v.getObject(row).toString();
      case BINARY -> PgText.byteaHex((byte[]) v.getObject(row));
      case UUID_BYTES -> PgText.uuid((byte[]) v.getObject(row));
      case DATE_DAY, DATE_MILLI, TIME, TIMESTAMP, TIMESTAMPTZ, INTERVAL ->
          PgText.temporal(this, v, row, zone);
      case ARRAY -> PgText.array((BaseListVector) v, row, zone);
      case JSON -> PgJson.write(v.getObject(row));
      default -> String.valueOf(v.getObject(row));
    };
  }

  private void writeBinary(PgOutput out, FieldVector v, int row) {
    switch (kind) {
      case BOOL -> out.int32(1).byte1(((BitVector) v).get(row));
      case INT8_FROM_TINY -> out.int32(2).int16(((TinyIntVector) v).get(row));
      case INT2 -> out.int32(2).int16(((SmallIntVector) v).get(row));
      case INT4 -> out.int32(4).int32(((IntVector) v).get(row));
      case INT8 -> out.int32(8).int64(((BigIntVector) v).get(row));
      case UINT1 -> out.int32(2).int16(Byte.toUnsignedInt(((UInt1Vector) v).get(row)));
      case UINT2 -> out.int32(4).int32(((UInt2Vector) v).get(row));
      case UINT4 -> out.int32(8).int64(Integer.toUnsignedLong(((UInt4Vector) v).get(row)));
      case UINT8 ->
          PgBinary.numeric(
              out,
              new BigDecimal(new BigInteger(Long.toUnsignedString(((UInt8Vector) v).get(row)))));
      case FLOAT2 ->
          out.int32(4).int32(Float.floatToIntBits(((Float2Vector) v).getValueAsFloat(row)));
      case FLOAT4 -> out.int32(4).int32(Float.floatToIntBits(((Float4Vector) v).get(row)));
      case FLOAT8 -> out.int32(8).int64(Double.doubleToLongBits(((Float8Vector) v).get(row)));
      case DECIMAL -> PgBinary.numeric(out, decimal(v, row));
      case TEXT -> {
        if (v instanceof VarCharVector vc) {
          byte[] b = vc.get(row);
          out.int32(b.length).bytes(b);
        } else {
          byte[] b = v.getObject(row).toString().getBytes(StandardCharsets.UTF_8);
          out.int32(b.length).bytes(b);
        }
      }
      case BINARY, UUID_BYTES -> {
        byte[] b = (byte[]) v.getObject(row);
        out.int32(b.length).bytes(b);
      }
      case DATE_DAY, DATE_MILLI, TIME, TIMESTAMP, TIMESTAMPTZ, INTERVAL ->
          PgBinary.temporal(out, this, v, row);
      case ARRAY -> PgBinary.array(out, this, (ListVector) v, row);
      default -> {
        byte[] b =
            (kind == ValueKind.JSON
                    ? PgJson.write(v.getObject(row))
                    : String.valueOf(v.getObject(row)))
                .getBytes(StandardCharsets.UTF_8);
        out.int32(b.length).bytes(b);
      }
    }
  }

  static BigDecimal decimal(FieldVector v, int row) {
    return v instanceof DecimalVector d ? d.getObject(row) : ((Decimal256Vector) v).getObject(row);
  }

  /** Microseconds in a timestamp/time value of {@code unit}. */
  static long micros(long value, TimeUnit unit) {
    return switch (unit) {
      case SECOND -> value * 1_000_000L;
      case MILLISECOND -> value * 1_000L;
      case MICROSECOND -> value;
      case NANOSECOND -> Math.floorDiv(value, 1_000L);
    };
  }

  static long timestampValue(FieldVector v, int row) {
    return ((TimeStampVector) v).get(row);
  }

  static long dateDays(FieldVector v, int row) {
    return v instanceof DateDayVector d
        ? d.get(row)
        : Math.floorDiv(((DateMilliVector) v).get(row), 86_400_000L);
  }

  private static void ascii(PgOutput out, String s) {
    out.int32(s.length()).ascii(s);
  }

  private static void utf8(PgOutput out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.int32(b.length).bytes(b);
  }
}
