package dev.tracelake.lake;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

/** Converts between Arrow and Iceberg schemas. Tracelake's Arrow form of a table is canonical. */
final class ArrowSchemas {
  private ArrowSchemas() {}

  /** Converts the user columns of an Arrow schema, numbering field ids from 1. */
  static List<NestedField> toIcebergColumns(
      String table, org.apache.arrow.vector.types.pojo.Schema arrow, AtomicInteger ids) {
    List<NestedField> columns = new ArrayList<>();
    for (Field field : arrow.getFields()) {
      if (MetadataColumns.isReserved(field.getName())) {
        throw LakeException.invalid(
            "Table %s: column '%s' starts with '_', which is reserved for Tracelake metadata"
                + " columns %s",
            table, field.getName(), MetadataColumns.NAMES);
      }
      columns.add(toIcebergField(table, field.getName(), field, ids));
    }
    if (columns.isEmpty()) {
      throw LakeException.invalid("Table %s: a table needs at least one column", table);
    }
    return columns;
  }

  static NestedField toIcebergField(String table, String path, Field field, AtomicInteger ids) {
    int id = ids.getAndIncrement();
    Type type = toIcebergType(table, path, field, ids);
    return field.isNullable()
        ? NestedField.optional(id, field.getName(), type)
        : NestedField.required(id, field.getName(), type);
  }

  static Type toIcebergType(String table, String path, Field field, AtomicInteger ids) {
    ArrowType type = field.getType();
    switch (type.getTypeID()) {
      case Bool:
        return Types.BooleanType.get();
      case Int:
        {
          ArrowType.Int i = (ArrowType.Int) type;
          if (i.getBitWidth() < 32 || (i.getBitWidth() == 32 && i.getIsSigned())) {
            return Types.IntegerType.get();
          }
          if (i.getBitWidth() == 32 || i.getIsSigned()) {
            return Types.LongType.get();
          }
          break;
        }
      case FloatingPoint:
        return ((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.DOUBLE
            ? Types.DoubleType.get()
            : Types.FloatType.get();
      case Utf8:
      case LargeUtf8:
      case Utf8View:
        return Types.StringType.get();
      case Binary:
      case LargeBinary:
      case BinaryView:
        return Types.BinaryType.get();
      case FixedSizeBinary:
        return Types.FixedType.ofLength(((ArrowType.FixedSizeBinary) type).getByteWidth());
      case Decimal:
        {
          ArrowType.Decimal d = (ArrowType.Decimal) type;
          if (d.getPrecision() <= 38) {
            return Types.DecimalType.of(d.getPrecision(), d.getScale());
          }
          break;
        }
      case Date:
        return Types.DateType.get();
      case Time:
        return Types.TimeType.get();
      case Timestamp:
        return ((ArrowType.Timestamp) type).getTimezone() == null
            ? Types.TimestampType.withoutZone()
            : Types.TimestampType.withZone();
      case List:
      case LargeList:
      case FixedSizeList:
        {
          Field child = field.getChildren().get(0);
          int elementId = ids.getAndIncrement();
          Type element = toIcebergType(table, path + ".element", child, ids);
          return child.isNullable()
              ? Types.ListType.ofOptional(elementId, element)
              : Types.ListType.ofRequired(elementId, element);
        }
      case Struct:
        {
          List<NestedField> fields = new ArrayList<>();
          for (Field child : field.getChildren()) {
            fields.add(toIcebergField(table, path + "." + child.getName(), child, ids));
          }
          return Types.StructType.of(fields);
        }
      case Map:
        {
          Field entries = field.getChildren().get(0);
          Field key = entries.getChildren().get(0);
          Field value = entries.getChildren().get(1);
          int keyId = ids.getAndIncrement();
          int valueId = ids.getAndIncrement();
          Type keyType = toIcebergType(table, path + ".key", key, ids);
          Type valueType = toIcebergType(table, path + ".value", value, ids);
          return value.isNullable()
              ? Types.MapType.ofOptional(keyId, valueId, keyType, valueType)
              : Types.MapType.ofRequired(keyId, valueId, keyType, valueType);
        }
      default:
        break;
    }
    throw LakeException.invalid(
        "Table %s: column '%s' has Arrow type %s, which Tracelake cannot store", table, path, type);
  }

  /** Converts an Iceberg schema to Arrow, field by field. */
  static org.apache.arrow.vector.types.pojo.Schema toArrow(Schema schema) {
    List<Field> fields = new ArrayList<>();
    for (NestedField column : schema.columns()) {
      fields.add(toArrowField(column));
    }
    return new org.apache.arrow.vector.types.pojo.Schema(fields);
  }

  static Field toArrowField(NestedField field) {
    return toArrowField(field.name(), field.type(), field.isOptional());
  }

  static Field toArrowField(String name, Type type, boolean nullable) {
    switch (type.typeId()) {
      case LIST:
        {
          Types.ListType list = type.asListType();
          Field element = toArrowField("element", list.elementType(), list.isElementOptional());
          return new Field(
              name, new FieldType(nullable, ArrowType.List.INSTANCE, null), List.of(element));
        }
      case STRUCT:
        {
          List<Field> children = new ArrayList<>();
          for (NestedField child : type.asStructType().fields()) {
            children.add(toArrowField(child));
          }
          return new Field(
              name, new FieldType(nullable, ArrowType.Struct.INSTANCE, null), children);
        }
      case MAP:
        {
          Types.MapType map = type.asMapType();
          Field key = toArrowField("key", map.keyType(), false);
          Field value = toArrowField("value", map.valueType(), map.isValueOptional());
          Field entries =
              new Field(
                  "entries",
                  new FieldType(false, ArrowType.Struct.INSTANCE, null),
                  List.of(key, value));
          return new Field(
              name, new FieldType(nullable, new ArrowType.Map(false), null), List.of(entries));
        }
      default:
        return new Field(name, new FieldType(nullable, toArrowPrimitive(type), null), null);
    }
  }

  static ArrowType toArrowPrimitive(Type type) {
    switch (type.typeId()) {
      case BOOLEAN:
        return ArrowType.Bool.INSTANCE;
      case INTEGER:
        return new ArrowType.Int(32, true);
      case LONG:
        return new ArrowType.Int(64, true);
      case FLOAT:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case DOUBLE:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case STRING:
        return ArrowType.Utf8.INSTANCE;
      case BINARY:
        return ArrowType.Binary.INSTANCE;
      case FIXED:
        return new ArrowType.FixedSizeBinary(((Types.FixedType) type).length());
      case UUID:
        return new ArrowType.FixedSizeBinary(16);
      case DECIMAL:
        {
          Types.DecimalType d = (Types.DecimalType) type;
          return new ArrowType.Decimal(d.precision(), d.scale(), 128);
        }
      case DATE:
        return new ArrowType.Date(DateUnit.DAY);
      case TIME:
        return new ArrowType.Time(TimeUnit.MICROSECOND, 64);
      case TIMESTAMP:
        return new ArrowType.Timestamp(
            TimeUnit.MICROSECOND, ((Types.TimestampType) type).shouldAdjustToUTC() ? "UTC" : null);
      default:
        throw new LakeException(
            ErrorKind.INVALID_ARGUMENT, "Iceberg type " + type + " has no Arrow form in Tracelake");
    }
  }

  /** Returns a short, stable name of an Iceberg type for messages and descriptions. */
  static String typeName(Type type) {
    return type.toString();
  }
}
