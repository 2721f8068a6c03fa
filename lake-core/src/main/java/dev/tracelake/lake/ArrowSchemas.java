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

  /** The deepest nesting of lists, maps and structs a column may have. */
  static final int MAX_DEPTH = 16;

  /** The most fields (columns and nested fields) a table may have. */
  static final int MAX_FIELDS = 4_096;

  /** The longest fixed[N] type, in bytes. */
  static final int MAX_FIXED_BYTES = 1 << 16;

  /** The longest column or field name, in characters. */
  static final int MAX_NAME_CHARS = 128;

  /**
   * Converts the user columns of an Arrow schema, numbering field ids from 1. Refuses what some
   * reader of the table (lake-core, Tracelake SQL, explain, Spark) could not read: blank, over-long
   * or control-character names, names with '.', names equal ignoring case among siblings (SQL and
   * Spark resolve columns ignoring case), invalid decimals, empty structs and nesting deeper than
   * {@value #MAX_DEPTH}.
   *
   * @throws LakeException INVALID_ARGUMENT naming the column
   */
  static List<NestedField> toIcebergColumns(
      String table, org.apache.arrow.vector.types.pojo.Schema arrow, AtomicInteger ids) {
    List<NestedField> columns = new ArrayList<>();
    checkSiblings(table, "", arrow.getFields());
    for (Field field : arrow.getFields()) {
      if (MetadataColumns.isReserved(field.getName())) {
        throw LakeException.invalid(
                "Table %s: column %s starts with '_', which is reserved for Tracelake metadata"
                    + " columns %s",
                table, InputText.shown(field.getName()), MetadataColumns.NAMES)
            .with("column", field.getName());
      }
      columns.add(toIcebergField(table, field.getName(), field, ids, 1));
    }
    if (columns.isEmpty()) {
      throw LakeException.invalid("Table %s: a table needs at least one column", table);
    }
    return columns;
  }

  /**
   * Checks the names of new columns as table creation does.
   *
   * @throws LakeException INVALID_ARGUMENT naming the column
   */
  static void checkColumnNames(String table, List<Field> fields) {
    checkSiblings(table, "", fields);
  }

  /** Checks the names of the fields of one struct (or of the table's columns). */
  private static void checkSiblings(String table, String parent, List<Field> fields) {
    java.util.Map<String, String> seen = new java.util.HashMap<>();
    for (Field field : fields) {
      String name = field.getName();
      String path = parent.isEmpty() ? name : parent + "." + name;
      String problem = InputText.problem("Column name", name, MAX_NAME_CHARS);
      if (problem == null && name.indexOf('.') >= 0) {
        problem =
            "Column name "
                + InputText.shown(name)
                + " holds '.', which separates the names of nested fields";
      }
      if (problem == null && !name.equals(name.strip())) {
        problem = "Column name " + InputText.shown(name) + " starts or ends with white space";
      }
      if (problem != null) {
        throw LakeException.invalid(
                "Table %s: %s%s",
                table,
                parent.isEmpty() ? "" : "in column " + InputText.shown(parent) + ": ",
                problem)
            .with("column", path);
      }
      String other = seen.put(name.toLowerCase(java.util.Locale.ROOT), name);
      if (other != null) {
        throw LakeException.invalid(
                "Table %s: %s %s and %s: names must differ in more than case (SQL and Spark"
                    + " resolve them ignoring case)",
                table,
                parent.isEmpty() ? "columns" : "column " + InputText.shown(parent) + " has fields",
                InputText.shown(other),
                InputText.shown(name))
            .with("column", path);
      }
    }
  }

  static NestedField toIcebergField(
      String table, String path, Field field, AtomicInteger ids, int depth) {
    int id = ids.getAndIncrement();
    if (id > MAX_FIELDS) {
      throw LakeException.invalid(
              "Table %s: more than %d columns and nested fields", table, MAX_FIELDS)
          .with("column", path);
    }
    Type type = toIcebergType(table, path, field, ids, depth);
    return field.isNullable()
        ? NestedField.optional(id, field.getName(), type)
        : NestedField.required(id, field.getName(), type);
  }

  static Type toIcebergType(String table, String path, Field field, AtomicInteger ids) {
    return toIcebergType(table, path, field, ids, 1);
  }

  private static LakeException badColumn(String table, String path, String problem) {
    return LakeException.invalid("Table %s: column %s %s", table, InputText.shown(path), problem)
        .with("column", path);
  }

  private static Type toIcebergType(
      String table, String path, Field field, AtomicInteger ids, int depth) {
    ArrowType type = field.getType();
    if (depth > MAX_DEPTH) {
      throw badColumn(
          table, path, "is nested more than " + MAX_DEPTH + " levels deep (lists, maps, structs)");
    }
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
        {
          int width = ((ArrowType.FixedSizeBinary) type).getByteWidth();
          if (width < 1 || width > MAX_FIXED_BYTES) {
            throw badColumn(
                table,
                path,
                "has type fixed[" + width + "]: the length must be 1 to " + MAX_FIXED_BYTES);
          }
          return Types.FixedType.ofLength(width);
        }
      case Decimal:
        {
          ArrowType.Decimal d = (ArrowType.Decimal) type;
          if (d.getPrecision() < 1
              || d.getPrecision() > 38
              || d.getScale() < 0
              || d.getScale() > d.getPrecision()) {
            throw badColumn(
                table,
                path,
                String.format(
                    "has type decimal(%d, %d): precision must be 1 to 38 and scale 0 to the"
                        + " precision",
                    d.getPrecision(), d.getScale()));
          }
          return Types.DecimalType.of(d.getPrecision(), d.getScale());
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
          if (field.getChildren().size() != 1) {
            throw badColumn(table, path, "is a list without exactly one element field");
          }
          Field child = field.getChildren().get(0);
          int elementId = ids.getAndIncrement();
          Type element = toIcebergType(table, path + ".element", child, ids, depth + 1);
          return child.isNullable()
              ? Types.ListType.ofOptional(elementId, element)
              : Types.ListType.ofRequired(elementId, element);
        }
      case Struct:
        {
          if (field.getChildren().isEmpty()) {
            throw badColumn(table, path, "is a struct without fields; Parquet cannot store it");
          }
          checkSiblings(table, path, field.getChildren());
          List<NestedField> fields = new ArrayList<>();
          for (Field child : field.getChildren()) {
            fields.add(toIcebergField(table, path + "." + child.getName(), child, ids, depth + 1));
          }
          return Types.StructType.of(fields);
        }
      case Map:
        {
          if (field.getChildren().size() != 1
              || field.getChildren().get(0).getChildren().size() != 2) {
            throw badColumn(table, path, "is a map without one entries struct of key and value");
          }
          Field entries = field.getChildren().get(0);
          Field key = entries.getChildren().get(0);
          Field value = entries.getChildren().get(1);
          int keyId = ids.getAndIncrement();
          int valueId = ids.getAndIncrement();
          Type keyType = toIcebergType(table, path + ".key", key, ids, depth + 1);
          Type valueType = toIcebergType(table, path + ".value", value, ids, depth + 1);
          return value.isNullable()
              ? Types.MapType.ofOptional(keyId, valueId, keyType, valueType)
              : Types.MapType.ofRequired(keyId, valueId, keyType, valueType);
        }
      default:
        break;
    }
    throw badColumn(table, path, "has Arrow type " + type + ", which Tracelake cannot store");
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
