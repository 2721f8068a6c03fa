package dev.tracelake.lineage.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The JSON of evidence bundles: row values as explain shows them (time values as ISO-8601 text,
 * bytes as base64), and a canonical form (object keys sorted, decimals exact) that the content
 * digest and the comparison of re-read rows are computed over, so that a bundle re-indented by a
 * text editor still verifies, and any change of a value does not.
 */
final class EvidenceJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  /** Parses decimals exactly, so that canonical text survives a parse. */
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setNodeFactory(NODES)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private static final ObjectMapper CANONICAL =
      new ObjectMapper()
          .setNodeFactory(NODES)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private EvidenceJson() {}

  static JsonNodeFactory nodes() {
    return NODES;
  }

  /** Returns a row value as JSON, the way explain's JSON shows it. */
  static JsonNode value(Object v) {
    if (v == null) {
      return NODES.nullNode();
    }
    if (v instanceof String s) {
      return NODES.textNode(s);
    }
    if (v instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
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
    if (v instanceof BigInteger i) {
      return NODES.numberNode(i);
    }
    if (v instanceof byte[] bytes) {
      return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (v instanceof Map<?, ?> map) {
      ObjectNode o = NODES.objectNode();
      map.forEach((k, val) -> o.set(String.valueOf(k), value(val)));
      return o;
    }
    if (v instanceof List<?> list) {
      ArrayNode a = NODES.arrayNode();
      list.forEach(item -> a.add(value(item)));
      return a;
    }
    return NODES.textNode(v.toString());
  }

  /**
   * Returns the canonical text of a node: compact, object keys sorted, numbers as they parse back
   * exactly. Two nodes with the same canonical text hold the same evidence.
   */
  static String canonical(JsonNode node) {
    try {
      // a round trip through text makes numbers of every Java type read back the same way
      JsonNode reparsed = MAPPER.readTree(MAPPER.writeValueAsString(node));
      return CANONICAL.writeValueAsString(sorted(reparsed));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write evidence JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      ObjectNode o = NODES.objectNode();
      for (String name : names) {
        o.set(name, sorted(node.get(name)));
      }
      return o;
    }
    if (node.isArray()) {
      ArrayNode a = NODES.arrayNode();
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        a.add(sorted(it.next()));
      }
      return a;
    }
    return node;
  }

  /** Returns the SHA-256 of the canonical text of {@code node}, in lower-case hex. */
  static String sha256(JsonNode node) {
    return hex(digest().digest(canonical(node).getBytes(StandardCharsets.UTF_8)));
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JVM has no SHA-256", e);
    }
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static String pretty(JsonNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write evidence JSON: " + e.getOriginalMessage(), e);
    }
  }

  static void putText(ObjectNode o, String field, String value) {
    if (value == null) {
      o.putNull(field);
    } else {
      o.put(field, value);
    }
  }

  /** Returns a 64-bit id as decimal text: JavaScript and jq read JSON numbers as doubles. */
  static JsonNode id(Long id) {
    return id == null ? NODES.nullNode() : NODES.textNode(Long.toString(id));
  }

  /** Reads an id written by {@link #id}, or null. */
  static Long id(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    try {
      return Long.parseLong(node.asText());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not a snapshot id: '" + cap(node.asText()) + "'", e);
    }
  }

  static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** Caps a text for a message. */
  static String cap(String text) {
    if (text == null) {
      return "null";
    }
    String clean = text.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= 200 ? clean : clean.substring(0, 200) + "...";
  }
}
