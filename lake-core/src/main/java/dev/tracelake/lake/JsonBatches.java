package dev.tracelake.lake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
  /** The deepest nesting of arrays and objects a JSON row may have. */
  static final int MAX_JSON_DEPTH = 64;

  /** The longest JSON string value, in characters. */
  static final int MAX_JSON_STRING_CHARS = 16 << 20;

  /** The longest number (or numeric string) read into a decimal or integer column. */
  static final int MAX_NUMBER_CHARS = 100;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_JSON_DEPTH)
                          .maxNumberLength(MAX_NUMBER_CHARS)
                          .maxStringLength(MAX_JSON_STRING_CHARS)
                          .build())
                  .build())
          // numbers keep every digit, so a decimal column gets what was written, not a double
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  /** The first and last day a date or timestamp may fall on: years 1 to 9999, as SQL's. */
  static final LocalDate MIN_DATE = LocalDate.of(1, 1, 1);

  static final LocalDate MAX_DATE = LocalDate.of(9999, 12, 31);

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
      String why = e.getOriginalMessage();
      throw LakeException.invalid(
              "Table %s: JSON row %d is malformed: %s",
              table, row, why.length() > 300 ? why.substring(0, 300) + "..." : why)
          .with("table", table)
          .with("row", row)
          .with("field", "json_rows.rows[" + row + "]");
    }
    if (node == null || !node.isObject()) {
      throw LakeException.invalid("Table %s: JSON row %d is not a JSON object", table, row)
          .with("table", table)
          .with("row", row)
          .with("field", "json_rows.rows[" + row + "]");
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (columns.stream().noneMatch(c -> c.name().equals(name))) {
        List<String> writable = columns.stream().map(NestedField::name).toList();
        throw LakeException.invalid(
                "Table %s: JSON row %d has field %s, which is not a writable column; columns: %s",
                table,
                row,
                InputText.shown(name),
                writable.size() <= 20 ? writable : writable.subList(0, 20) + "...")
            .with("table", table)
            .with("row", row)
            .with("column", name)
            .with("field", "json_rows.rows[" + row + "]");
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
                  table, row, column.name(), column.type())
              .with("table", table)
              .with("row", row)
              .with("column", column.name())
              .with("field", "json_rows.rows[" + row + "]");
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
      return mismatch(type, value, null);
    }

    LakeException mismatch(Type type, JsonNode value, String why) {
      String shown = value.isTextual() ? value.textValue() : value.toString();
      if (shown.length() > 80) {
        shown = shown.substring(0, 77) + "... (" + shown.length() + " characters)";
      }
      return LakeException.invalid(
              "Table %s: JSON row %d: column '%s' expects %s, got %s %s%s",
              table,
              row,
              column,
              type,
              value.getNodeType().name().toLowerCase(),
              InputText.shown(shown),
              why == null ? "" : ": " + why)
          .with("table", table)
          .with("row", row)
          .with("column", column)
          .with("field", "json_rows.rows[" + row + "]");
    }
  }

  private static Object convert(Path path, Type type, JsonNode value) {
    try {
      return convertOrNull(path, type, value);
    } catch (DateTimeException | IllegalArgumentException | ArithmeticException e) {
      throw path.mismatch(type, value);
    }
  }

  static final long MIN_MICROS = MIN_DATE.toEpochDay() * 86_400_000_000L;
  static final long MAX_MICROS = (MAX_DATE.toEpochDay() + 1) * 86_400_000_000L - 1;

  private static boolean isIntegerText(JsonNode v) {
    if (!v.isTextual()) {
      return false;
    }
    String text = v.textValue().strip();
    return !text.isEmpty() && text.length() <= 20 && text.matches("[+-]?[0-9]+");
  }

  /**
   * Reads a decimal for a column, or null when it does not fit. Refuses by magnitude before any
   * arithmetic whose cost grows with the exponent ({@code 1e10000000} would cost seconds).
   */
  private static BigDecimal decimal(Path path, Types.DecimalType d, JsonNode v) {
    String text = v.isTextual() ? v.textValue().strip() : null;
    if (text != null && text.length() > MAX_NUMBER_CHARS) {
      return null;
    }
    BigDecimal decimal = text != null ? new BigDecimal(text) : v.decimalValue();
    if (decimal.signum() == 0) {
      return BigDecimal.ZERO.setScale(d.scale());
    }
    long integerDigits = (long) decimal.precision() - decimal.scale();
    if (integerDigits > d.precision() - d.scale()) {
      throw path.mismatch(
          d,
          v,
          String.format(
              "more than the %d digits before the point that %s holds",
              d.precision() - d.scale(), d));
    }
    if (decimal.scale() > d.scale()) {
      decimal = decimal.stripTrailingZeros();
      if (decimal.scale() > d.scale()) {
        throw path.mismatch(
            d,
            v,
            String.format("more than the %d digits after the point that %s holds", d.scale(), d));
      }
    }
    return decimal.setScale(d.scale());
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
        if (isIntegerText(v)) {
          // proto3's JSON mapping writes 64-bit (and accepts 32-bit) integers as decimal strings
          return Integer.parseInt(v.textValue().strip());
        }
        break;
      case LONG:
        if (v.isIntegralNumber() && v.canConvertToLong()) {
          return v.longValue();
        }
        if (isIntegerText(v)) {
          // JavaScript cannot hold a 64-bit id as a number: proto3's JSON mapping uses strings
          return Long.parseLong(v.textValue().strip());
        }
        break;
      case FLOAT:
        if (v.isNumber()) {
          float f = v.floatValue();
          if (Float.isInfinite(f)) {
            throw path.mismatch(type, v, "out of range for a 32-bit float");
          }
          return f;
        }
        break;
      case DOUBLE:
        if (v.isNumber()) {
          double d = v.doubleValue();
          if (Double.isInfinite(d)) {
            throw path.mismatch(type, v, "out of range for a 64-bit float");
          }
          return d;
        }
        break;
      case DECIMAL:
        if (v.isNumber() || v.isTextual()) {
          BigDecimal decimal = decimal(path, (Types.DecimalType) type, v);
          if (decimal != null) {
            return decimal;
          }
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
          LocalDate date = LocalDate.parse(v.textValue());
          if (date.isBefore(MIN_DATE) || date.isAfter(MAX_DATE)) {
            throw path.mismatch(type, v, "dates must fall in the years 1 to 9999");
          }
          return date;
        }
        break;
      case TIME:
        if (v.isTextual()) {
          return LocalTime.parse(v.textValue());
        }
        break;
      case TIMESTAMP:
        if (v.isIntegralNumber() && v.canConvertToLong()) {
          long micros = v.longValue();
          if (micros < MIN_MICROS || micros > MAX_MICROS) {
            throw path.mismatch(type, v, "timestamps must fall in the years 1 to 9999");
          }
          return micros;
        }
        if (v.isTextual()) {
          String text = v.textValue().replace(' ', 'T');
          LocalDate day;
          Object value;
          if (((Types.TimestampType) type).shouldAdjustToUTC()) {
            OffsetDateTime odt = OffsetDateTime.parse(text);
            day = odt.atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
            value = odt;
          } else {
            LocalDateTime ldt = LocalDateTime.parse(text);
            day = ldt.toLocalDate();
            value = ldt;
          }
          if (day.isBefore(MIN_DATE) || day.isAfter(MAX_DATE)) {
            throw path.mismatch(type, v, "timestamps must fall in the years 1 to 9999");
          }
          return value;
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
