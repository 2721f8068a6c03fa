package dev.tracelake.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.util.Text;

/**
 * Turns Arrow cells into plain Java values (strings, numbers, booleans, lists, maps) that print the
 * same in every format: times as ISO-8601, binary as {@code \x} hex, nested values as JSON.
 */
final class SqlValues {
  static final ObjectMapper JSON = JsonMapper.builder().build();

  private SqlValues() {}

  /** Returns the cell as a plain value, or null for SQL NULL. */
  static Object plain(FieldVector vector, int row) {
    if (vector.isNull(row)) {
      return null;
    }
    if (vector instanceof TimeStampVector ts
        && vector.getField().getType() instanceof ArrowType.Timestamp type
        && type.getTimezone() != null) {
      // zoned timestamps come back as raw epoch numbers; show the instant
      long value = ts.get(row);
      Instant instant =
          switch (type.getUnit()) {
            case SECOND -> Instant.ofEpochSecond(value);
            case MILLISECOND -> Instant.ofEpochMilli(value);
            case MICROSECOND -> Instant.EPOCH.plus(value, ChronoUnit.MICROS);
            case NANOSECOND -> Instant.EPOCH.plusNanos(value);
          };
      return instant.toString();
    }
    if (vector instanceof DateDayVector date) {
      return LocalDate.ofEpochDay(date.get(row)).toString();
    }
    if (vector instanceof TimeMicroVector time) {
      return LocalTime.ofNanoOfDay(time.get(row) * 1000).toString();
    }
    if (vector instanceof TimeNanoVector time) {
      return LocalTime.ofNanoOfDay(time.get(row)).toString();
    }
    if (vector instanceof MapVector && vector.getObject(row) instanceof List<?> entries) {
      // Arrow gives a map as its list of key/value structs; print it as the map it is
      Map<String, Object> map = new LinkedHashMap<>();
      for (Object entry : entries) {
        if (entry instanceof Map<?, ?> e) {
          map.put(
              String.valueOf(plain(e.get(MapVector.KEY_NAME))), plain(e.get(MapVector.VALUE_NAME)));
        }
      }
      return map;
    }
    return plain(vector.getObject(row));
  }

  private static Object plain(Object value) {
    if (value == null || value instanceof String || value instanceof Number) {
      return value;
    }
    if (value instanceof Boolean) {
      return value;
    }
    if (value instanceof Text text) {
      return text.toString();
    }
    if (value instanceof byte[] bytes) {
      return "\\x" + HexFormat.of().formatHex(bytes);
    }
    if (value instanceof LocalDateTime time) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(time);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(SqlValues::plain).toList();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), plain(v)));
      return copy;
    }
    return value.toString();
  }

  /**
   * Returns a plain value as one line of text: NULL for null, JSON for lists and maps, line breaks
   * escaped.
   */
  static String text(Object plain) {
    if (plain == null) {
      return "NULL";
    }
    String text;
    if (plain instanceof List<?> || plain instanceof Map<?, ?>) {
      try {
        text = JSON.writeValueAsString(plain);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("Cannot print nested value " + plain, e);
      }
    } else {
      text = plain.toString();
    }
    return text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
  }
}
