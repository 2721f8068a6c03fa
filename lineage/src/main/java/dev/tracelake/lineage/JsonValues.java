package dev.tracelake.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.Provenance;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Turns lineage answers into Jackson trees; time values become ISO-8601 strings. */
final class JsonValues {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonValues() {}

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
      return NODES.numberNode(d);
    }
    if (v instanceof Float f) {
      return NODES.numberNode(f);
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

  static ObjectNode key(RecordKey key) {
    ObjectNode o = NODES.objectNode();
    o.put("table", key.table());
    o.put("recordId", key.recordId());
    return o;
  }

  static ObjectNode provenance(Provenance p) {
    ObjectNode o = NODES.objectNode();
    putText(o, "runId", p.runId());
    putText(o, "codeCommit", p.codeCommit());
    putText(o, "modelName", p.modelName());
    putText(o, "modelVersion", p.modelVersion());
    return o;
  }

  static ArrayNode problems(List<Problem> problems) {
    ArrayNode a = NODES.arrayNode();
    for (Problem p : problems) {
      ObjectNode o = a.addObject();
      o.put("kind", p.kind().name());
      if (p.record() != null) {
        o.set("record", key(p.record()));
      }
      o.put("message", p.message());
    }
    return a;
  }

  static ObjectNode freshness(Freshness f) {
    ObjectNode o = NODES.objectNode();
    putText(o, "checkedAt", f.checkedAt() == null ? null : f.checkedAt().toString());
    o.put("current", f.isCurrent());
    ArrayNode lagging = o.putArray("lagging");
    for (TableLag lag : f.lagging()) {
      ObjectNode l = lagging.addObject();
      l.put("table", lag.table());
      l.set("indexedSnapshotId", value(lag.indexedSnapshotId()));
      l.set("headSnapshotId", value(lag.headSnapshotId()));
      l.put("snapshotsBehind", lag.snapshotsBehind());
    }
    return o;
  }

  static ObjectNode run(RunInfo r) {
    ObjectNode o = NODES.objectNode();
    o.put("runId", r.runId());
    o.put("status", r.status().name());
    o.put("source", r.source().name());
    putText(o, "jobNamespace", r.jobNamespace());
    putText(o, "jobName", r.jobName());
    putText(o, "codeRepository", r.codeRepository());
    putText(o, "codeCommit", r.codeCommit());
    putText(o, "modelName", r.modelName());
    putText(o, "modelVersion", r.modelVersion());
    o.set("parameters", value(r.parameters()));
    putText(o, "startedAt", r.startedAt() == null ? null : r.startedAt().toString());
    putText(o, "endedAt", r.endedAt() == null ? null : r.endedAt().toString());
    o.set("inputs", datasets(r.inputs()));
    o.set("outputs", datasets(r.outputs()));
    return o;
  }

  private static ArrayNode datasets(List<DatasetVersion> datasets) {
    ArrayNode a = NODES.arrayNode();
    for (DatasetVersion d : datasets) {
      ObjectNode o = a.addObject();
      o.put("namespace", d.namespace());
      o.put("name", d.name());
      putText(o, "version", d.version());
    }
    return a;
  }

  static void putText(ObjectNode o, String field, String value) {
    if (value != null) {
      o.put(field, value);
    }
  }

  static String pretty(JsonNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }
}
