package dev.tracelake.lineage.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.TableName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A replay definition as the JSON the replays table keeps: written once at creation, read back on
 * every server, so the names of its fields are a storage format.
 */
final class ReplayJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReplayJson() {}

  static String write(ReplayDefinition d) {
    ReplaySpec spec = d.spec();
    ObjectNode o = JSON.createObjectNode();
    o.put("replay_id", spec.replayId());
    ObjectNode slice = o.putObject("slice");
    ReplaySlice s = spec.slice();
    slice.put("table", s.table().toString());
    put(slice, "ref", s.ref());
    put(slice, "after_snapshot_id", s.afterSnapshotId());
    put(slice, "to_snapshot_id", s.toSnapshotId());
    put(slice, "from", s.from() == null ? null : s.from().toString());
    put(slice, "to", s.to() == null ? null : s.to().toString());
    put(slice, "model_name", s.modelName());
    put(slice, "model_version", s.modelVersion());
    put(slice, "run_id", s.runId());
    ObjectNode candidate = o.putObject("candidate");
    Candidate c = spec.candidate();
    put(candidate, "model_name", c.modelName());
    put(candidate, "model_version", c.modelVersion());
    put(candidate, "code_commit", c.codeCommit());
    put(candidate, "run_id", c.runId());
    put(candidate, "producer", c.producer());
    o.put("branch", spec.branch());
    o.put("batch_cases", spec.batchCases());
    o.put("source_snapshot_id", d.sourceSnapshotId());
    put(o, "base_snapshot_id", d.baseSnapshotId());
    o.put("created_at", d.createdAt().toString());
    o.put("production_outputs", d.productionOutputs());
    o.put("outputs_without_inputs", d.outputsWithoutInputs());
    o.put("cases", d.cases());
    o.put("input_refs", d.inputRefs());
    d.inputTables().forEach(o.putArray("input_tables")::add);
    ObjectNode heads = o.putObject("unpinned_input_heads");
    d.unpinnedInputHeads().forEach(heads::put);
    o.put("fingerprint", d.fingerprint());
    return o.toString();
  }

  static ReplayDefinition read(String text) {
    JsonNode o;
    try {
      o = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("The replays table holds a definition that is not JSON", e);
    }
    JsonNode s = o.path("slice");
    ReplaySlice slice =
        new ReplaySlice(
            TableName.parse(s.path("table").asText()),
            text(s, "ref"),
            number(s, "after_snapshot_id"),
            number(s, "to_snapshot_id"),
            instant(s, "from"),
            instant(s, "to"),
            text(s, "model_name"),
            text(s, "model_version"),
            text(s, "run_id"));
    JsonNode c = o.path("candidate");
    Candidate candidate =
        new Candidate(
            text(c, "model_name"),
            text(c, "model_version"),
            text(c, "code_commit"),
            text(c, "run_id"),
            text(c, "producer"));
    ReplaySpec spec =
        new ReplaySpec(
            o.path("replay_id").asText(),
            slice,
            candidate,
            o.path("branch").asText(),
            o.path("batch_cases").asInt());
    List<String> tables = new ArrayList<>();
    o.path("input_tables").forEach(t -> tables.add(t.asText()));
    Map<String, Long> heads = new LinkedHashMap<>();
    o.path("unpinned_input_heads")
        .fields()
        .forEachRemaining(e -> heads.put(e.getKey(), e.getValue().asLong()));
    return new ReplayDefinition(
        spec,
        o.path("source_snapshot_id").asLong(),
        number(o, "base_snapshot_id"),
        Instant.parse(o.path("created_at").asText()),
        o.path("production_outputs").asLong(),
        o.path("outputs_without_inputs").asLong(),
        o.path("cases").asLong(),
        o.path("input_refs").asLong(),
        tables,
        heads,
        o.path("fingerprint").asText());
  }

  private static void put(ObjectNode o, String field, String value) {
    if (value != null) {
      o.put(field, value);
    }
  }

  private static void put(ObjectNode o, String field, Long value) {
    if (value != null) {
      o.put(field, value);
    }
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Long number(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.asLong();
  }

  private static Instant instant(JsonNode o, String field) {
    String v = text(o, field);
    return v == null ? null : Instant.parse(v);
  }
}
