package dev.tracelake.pgwire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.temporal.TemporalAccessor;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Renders nested values (structs, maps, lists of structs) as JSON, the type PostgreSQL clients
 * decode into dicts and lists. Temporal values become ISO strings, binary values hex strings.
 */
final class PgJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private PgJson() {}

  static String write(Object value) {
    StringWriter sw = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(sw)) {
      write(g, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }

  private static void write(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof List<?> list) {
      if (!list.isEmpty() && list.stream().allMatch(PgJson::isMapEntry)) {
        // an Arrow map arrives as a list of {key, value} structs: render it as an object (a list of
        // structs with exactly these two fields reads the same way, which is what it means)
        g.writeStartObject();
        for (Object o : list) {
          Map<?, ?> entry = (Map<?, ?>) o;
          g.writeFieldName(String.valueOf(entry.get("key")));
          write(g, entry.get("value"));
        }
        g.writeEndObject();
        return;
      }
      g.writeStartArray();
      for (Object o : list) {
        write(g, o);
      }
      g.writeEndArray();
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof BigDecimal d) {
      g.writeNumber(d);
    } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
      g.writeString(d.toString());
    } else if (v instanceof Float f && (f.isNaN() || f.isInfinite())) {
      g.writeString(f.toString());
    } else if (v instanceof Number n) {
      g.writeNumber(n.toString());
    } else if (v instanceof byte[] b) {
      g.writeString("\\x" + HexFormat.of().formatHex(b));
    } else if (v instanceof TemporalAccessor || v instanceof java.time.Duration) {
      g.writeString(v.toString());
    } else {
      g.writeString(v.toString());
    }
  }

  private static boolean isMapEntry(Object o) {
    return o instanceof Map<?, ?> m
        && m.size() == 2
        && m.containsKey("key")
        && m.containsKey("value");
  }
}
