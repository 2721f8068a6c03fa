package dev.tracelake.lake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

/**
 * Turns JSON objects, one per row, into an Arrow batch for a table: the convenience path for
 * writers in any language. Values are checked against the column types; a bad row fails with a
 * message naming the row, the column, the expected type and the value.
 *
 * <p>Accepted forms: numbers for numeric columns (decimals also as strings), strings for strings,
 * base64 strings for binary, ISO-8601 strings for dates, times and timestamps (timestamps also as
 * microseconds since the epoch), arrays for lists, objects for structs and maps.
 */
final class JsonBatches {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonBatches() {}

  static VectorSchemaRoot toArrow(
      TableName table, Schema schema, List<String> rows, BufferAllocator allocator) {
    List<NestedField> columns = new ArrayList<>();
    for (NestedField column : schema.columns()) {
      if (!MetadataColumns.isReserved(column.name())
          || MetadataColumns.WRITER_SUPPLIED.contains(column.name())) {
        columns.add(column.name().equals(MetadataColumns.RECORD_ID) ? column.asOptional() : column);
      }
    }
    List<Object[]> values = new ArrayList<>(rows.size());
    for (int r = 0; r < rows.size(); r++) {
      values.add(parseRow(table, schema, columns, r, rows.get(r)));
    }
    List<Field> fields = columns.stream().map(ArrowSchemas::toArrowField).toList();
    VectorSchemaRoot root =
        VectorSchemaRoot.create(new org.apache.arrow.vector.types.pojo.Schema(fields), allocator);
    try {
      root.allocateNew();
      for (int c = 0; c < columns.size(); c++) {
        ArrowVectorWriters.VectorWriter writer =
            ArrowVectorWriters.forVector(root.getVector(c), columns.get(c).type());
        for (int r = 0; r < values.size(); r++) {
          writer.write(r, values.get(r)[c]);
        }
      }
      root.setRowCount(values.size());
      return root;
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  private static Object[] parseRow(
      TableName table, Schema schema, List<NestedField> columns, int row, String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw LakeException.invalid(
          "Table %s: JSON row %d is malformed: %s", table, row, e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw LakeException.invalid("Table %s: JSON row %d is not a JSON object", table, row);
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (columns.stream().noneMatch(c -> c.name().equals(name))) {
        throw LakeException.invalid(
            "Table %s: JSON row %d has field '%s', which is not a writable column; columns: %s",
            table, row, name, columns.stream().map(NestedField::name).toList());
      }
    }
    Object[] values = new Object[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      NestedField column = columns.get(c);
      JsonNode value = node.get(column.name());
      Path path = new Path(table, row, column.name());
      if (value == null || value.isNull()) {
        if (column.isRequired()) {
          throw LakeException.invalid(
              "Table %s: JSON row %d: required column '%s' (%s) is missing or null",
              table, row, column.name(), column.type());
        }
        continue;
      }
      values[c] = convert(path, column.type(), value);
    }
    return values;
  }

  private record Path(TableName table, int row, String column) {
    Path child(String name) {
      return new Path(table, row, column + "." + name);
    }

    LakeException mismatch(Type type, JsonNode value) {
      String shown = value.toString();
      if (shown.length() > 80) {
        shown = shown.substring(0, 77) + "...";
      }
      return LakeException.invalid(
          "Table %s: JSON row %d: column '%s' expects %s, got %s %s",
          table, row, column, type, value.getNodeType().name().toLowerCase(), shown);
    }
  }

  private static Object convert(Path path, Type type, JsonNode value) {
    try {
      return convertOrNull(path, type, value);
    } catch (DateTimeParseException | IllegalArgumentException | ArithmeticException e) {
      throw path.mismatch(type, value);
    }
  }

  private static Object convertOrNull(Path path, Type type, JsonNode v) {
    switch (type.typeId()) {
      case BOOLEAN:
        if (v.isBoolean()) {
          return v.booleanValue();
        }
        break;
      case INTEGER:
        if (v.isIntegralNumber() && v.canConvertToInt()) {
          return v.intValue();
        }
        break;
      case LONG:
        if (v.isIntegralNumber() && v.canConvertToLong()) {
          return v.longValue();
        }
        break;
      case FLOAT:
        if (v.isNumber()) {
          return v.floatValue();
        }
        break;
      case DOUBLE:
        if (v.isNumber()) {
          return v.doubleValue();
        }
        break;
      case DECIMAL:
        if (v.isNumber() || v.isTextual()) {
          Types.DecimalType d = (Types.DecimalType) type;
          BigDecimal decimal = new BigDecimal(v.asText()).setScale(d.scale());
          if (decimal.precision() > d.precision()) {
            break;
          }
          return decimal;
        }
        break;
      case STRING:
        if (v.isTextual()) {
          return v.textValue();
        }
        break;
      case UUID:
        if (v.isTextual()) {
          return UUID.fromString(v.textValue());
        }
        break;
      case BINARY:
      case FIXED:
        if (v.isTextual()) {
          byte[] bytes = Base64.getDecoder().decode(v.textValue());
          if (type instanceof Types.FixedType f && bytes.length != f.length()) {
            break;
          }
          return bytes;
        }
        break;
      case DATE:
        if (v.isTextual()) {
          return LocalDate.parse(v.textValue());
        }
        break;
      case TIME:
        if (v.isTextual()) {
          return LocalTime.parse(v.textValue());
        }
        break;
      case TIMESTAMP:
        if (v.isIntegralNumber() && v.canConvertToLong()) {
          return v.longValue();
        }
        if (v.isTextual()) {
          String text = v.textValue().replace(' ', 'T');
          return ((Types.TimestampType) type).shouldAdjustToUTC()
              ? OffsetDateTime.parse(text)
              : LocalDateTime.parse(text);
        }
        break;
      case LIST:
        if (v.isArray()) {
          Types.ListType list = type.asListType();
          List<Object> out = new ArrayList<>(v.size());
          for (int i = 0; i < v.size(); i++) {
            JsonNode element = v.get(i);
            Path at = path.child("element[" + i + "]");
            if (element.isNull()) {
              if (list.isElementRequired()) {
                throw at.mismatch(list.elementType(), element);
              }
              out.add(null);
            } else {
              out.add(convert(at, list.elementType(), element));
            }
          }
          return out;
        }
        break;
      case MAP:
        if (v.isObject() && type.asMapType().keyType().typeId() == Type.TypeID.STRING) {
          Types.MapType map = type.asMapType();
          Map<Object, Object> out = new LinkedHashMap<>();
          for (Map.Entry<String, JsonNode> e : v.properties()) {
            JsonNode value = e.getValue();
            out.put(
                e.getKey(),
                value.isNull() ? null : convert(path.child(e.getKey()), map.valueType(), value));
          }
          return out;
        }
        break;
      case STRUCT:
        if (v.isObject()) {
          List<NestedField> fields = type.asStructType().fields();
          RowStruct struct = new RowStruct(fields.size());
          for (int i = 0; i < fields.size(); i++) {
            NestedField field = fields.get(i);
            JsonNode value = v.get(field.name());
            Path at = path.child(field.name());
            if (value == null || value.isNull()) {
              if (field.isRequired()) {
                throw LakeException.invalid(
                    "Table %s: JSON row %d: required field '%s' (%s) is missing or null",
                    path.table(), path.row(), at.column(), field.type());
              }
            } else {
              struct.set(i, convert(at, field.type(), value));
            }
          }
          return struct;
        }
        break;
      default:
        break;
    }
    if (v.getNodeType() == JsonNodeType.MISSING) {
      return null;
    }
    throw path.mismatch(type, v);
  }
}
