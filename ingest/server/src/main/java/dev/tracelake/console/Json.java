package dev.tracelake.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.SnapshotInfo;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The console's JSON: 64-bit ids as decimal text (JavaScript numbers are doubles), times as
 * ISO-8601, row values as display text capped in length with the full length given, so that a page
 * of attacker-sized values stays small.
 */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Row values longer than this are cut in pages (the row endpoint and bundles have them all). */
  static final int DISPLAY_CHARS = 1_000;

  private Json() {}

  static ObjectNode object() {
    return NODES.objectNode();
  }

  static ArrayNode array() {
    return NODES.arrayNode();
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  static void text(ObjectNode o, String field, String value) {
    if (value == null) {
      o.putNull(field);
    } else {
      o.put(field, value);
    }
  }

  static void id(ObjectNode o, String field, Long id) {
    text(o, field, id == null ? null : Long.toString(id));
  }

  static void time(ObjectNode o, String field, Instant time) {
    text(o, field, time == null ? null : time.toString());
  }

  static ObjectNode provenance(Provenance p) {
    ObjectNode o = object();
    text(o, "runId", p.runId());
    text(o, "codeCommit", p.codeCommit());
    text(o, "modelName", p.modelName());
    text(o, "modelVersion", p.modelVersion());
    text(o, "producer", p.producer());
    return o;
  }

  static ObjectNode snapshot(SnapshotInfo s) {
    ObjectNode o = object();
    id(o, "snapshotId", s.snapshotId());
    id(o, "parentId", s.parentId());
    time(o, "committedAt", s.committedAt());
    text(o, "operation", s.operation());
    o.put("addedRows", s.addedRows());
    o.put("totalRows", s.totalRows());
    o.set("provenance", provenance(s.provenance()));
    return o;
  }

  /**
   * Returns a row value for display: {@code text} (strings as they are, other values as JSON),
   * {@code kind} (string, number, boolean, null, json), {@code length} of the whole text and
   * whether {@code truncated} to {@code limit} characters.
   */
  static ObjectNode value(String name, Object value, int limit) {
    ObjectNode o = object();
    o.put("name", name);
    String text;
    String kind;
    if (value == null) {
      text = null;
      kind = "null";
    } else if (value instanceof String s) {
      text = s;
      kind = "string";
    } else if (value instanceof Number n) {
      text = n instanceof BigDecimal d ? d.toPlainString() : n.toString();
      kind = "number";
    } else if (value instanceof Boolean b) {
      text = b.toString();
      kind = "boolean";
    } else if (value instanceof byte[] bytes) {
      text = Base64.getEncoder().encodeToString(bytes);
      kind = "bytes";
    } else if (value instanceof Map<?, ?> || value instanceof List<?>) {
      text = plain(value).toString();
      kind = "json";
    } else {
      text = value.toString();
      kind = "string";
    }
    o.put("kind", kind);
    if (text == null) {
      o.putNull("text");
      return o;
    }
    o.put("length", text.length());
    if (text.length() > limit) {
      o.put("text", text.substring(0, limit));
      o.put("truncated", true);
    } else {
      o.put("text", text);
      o.put("truncated", false);
    }
    return o;
  }

  /** Turns a nested row value into JSON, times as ISO text and bytes as base64. */
  static JsonNode plain(Object v) {
    if (v == null) {
      return NODES.nullNode();
    }
    if (v instanceof String s) {
      return NODES.textNode(s);
    }
    if (v instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return NODES.numberNode(((Number) v).longValue());
    }
    if (v instanceof Double d) {
      return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(d.toString());
    }
    if (v instanceof Float f) {
      return Float.isFinite(f) ? NODES.numberNode(f) : NODES.textNode(f.toString());
    }
    if (v instanceof BigDecimal d) {
      return NODES.numberNode(d);
    }
    if (v instanceof byte[] bytes) {
      return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (v instanceof Map<?, ?> map) {
      ObjectNode o = object();
      map.forEach((k, val) -> o.set(String.valueOf(k), plain(val)));
      return o;
    }
    if (v instanceof List<?> list) {
      ArrayNode a = array();
      list.forEach(item -> a.add(plain(item)));
      return a;
    }
    return NODES.textNode(v.toString());
  }
}
