package dev.tracelake.lineage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * OpenLineage RunEvents (spec 2-0-2) to and from Tracelake runs. A run becomes an event with the
 * job's {@code sourceCodeLocation} facet carrying the code commit, each dataset's {@code version}
 * facet carrying the Iceberg snapshot id, and a {@code tracelake_run} facet with the Tracelake run
 * id, model and parameters (OpenLineage run ids must be UUIDs; Tracelake's need not be).
 */
final class OpenLineageEvents {
  static final String RUN_EVENT_SCHEMA =
      "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
  static final String VERSION_FACET_SCHEMA =
      "https://openlineage.io/spec/facets/1-0-0/DatasetVersionDatasetFacet.json"
          + "#/$defs/DatasetVersionDatasetFacet";
  static final String SOURCE_CODE_FACET_SCHEMA =
      "https://openlineage.io/spec/facets/1-0-1/SourceCodeLocationJobFacet.json"
          + "#/$defs/SourceCodeLocationJobFacet";
  static final String TRACELAKE_FACET = "tracelake_run";
  static final String TRACELAKE_FACET_SCHEMA =
      "https://tracelake.dev/spec/facets/1-0-0/TracelakeRunFacet.json#/$defs/TracelakeRunFacet";
  static final URI DEFAULT_PRODUCER = URI.create("https://github.com/tracelake/tracelake");

  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private OpenLineageEvents() {}

  /** Returns the OpenLineage run id of a Tracelake run: itself if a UUID, else one derived. */
  static String openLineageRunId(String runId) {
    if (UUID_TEXT.matcher(runId).matches()) {
      return runId.toLowerCase(java.util.Locale.ROOT);
    }
    return UUID.nameUUIDFromBytes(("tracelake-run:" + runId).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  static ObjectNode toEvent(
      RunInfo run, OpenLineageEventType type, String jobNamespace, URI producer, Instant now) {
    ObjectNode event = JsonValues.MAPPER.createObjectNode();
    event.put("eventType", type.name());
    Instant time =
        type == OpenLineageEventType.START && run.startedAt() != null
            ? run.startedAt()
            : type.isFinal() && run.endedAt() != null ? run.endedAt() : now;
    event.put("eventTime", time.toString());

    ObjectNode runNode = event.putObject("run");
    runNode.put("runId", openLineageRunId(run.runId()));
    ObjectNode tracelake = runNode.putObject("facets").putObject(TRACELAKE_FACET);
    facetHeader(tracelake, producer, TRACELAKE_FACET_SCHEMA);
    tracelake.put("runId", run.runId());
    JsonValues.putText(tracelake, "codeCommit", run.codeCommit());
    JsonValues.putText(tracelake, "modelName", run.modelName());
    JsonValues.putText(tracelake, "modelVersion", run.modelVersion());
    tracelake.set("parameters", JsonValues.value(run.parameters()));

    ObjectNode job = event.putObject("job");
    job.put("namespace", run.jobNamespace() != null ? run.jobNamespace() : jobNamespace);
    job.put("name", jobName(run));
    if (run.codeCommit() != null || run.codeRepository() != null) {
      ObjectNode code = job.putObject("facets").putObject("sourceCodeLocation");
      facetHeader(code, producer, SOURCE_CODE_FACET_SCHEMA);
      code.put("type", "git");
      // url is required; without a repository the commit still identifies the code
      code.put(
          "url", run.codeRepository() != null ? run.codeRepository() : "urn:tracelake:unknown");
      JsonValues.putText(code, "repoUrl", run.codeRepository());
      JsonValues.putText(code, "version", run.codeCommit());
    }
    datasets(event.putArray("inputs"), run.inputs(), producer);
    datasets(event.putArray("outputs"), run.outputs(), producer);
    event.put("producer", producer.toString());
    event.put("schemaURL", RUN_EVENT_SCHEMA);
    return event;
  }

  private static String jobName(RunInfo run) {
    if (run.jobName() != null) {
      return run.jobName();
    }
    if (run.modelName() != null) {
      return run.modelName();
    }
    return "tracelake-run";
  }

  private static void datasets(ArrayNode array, List<DatasetVersion> datasets, URI producer) {
    for (DatasetVersion d : datasets) {
      ObjectNode o = array.addObject();
      o.put("namespace", d.namespace());
      o.put("name", d.name());
      if (d.version() != null) {
        ObjectNode version = o.putObject("facets").putObject("version");
        facetHeader(version, producer, VERSION_FACET_SCHEMA);
        version.put("datasetVersion", d.version());
      }
    }
  }

  private static void facetHeader(ObjectNode facet, URI producer, String schema) {
    facet.put("_producer", producer.toString());
    facet.put("_schemaURL", schema);
  }

  /** A received event, checked. */
  record Received(OpenLineageEventType type, RunRow row) {}

  /** Thrown for an event that breaks the spec; the message names every field at fault. */
  static final class InvalidEvent extends Exception {
    InvalidEvent(String message) {
      super(message, null, false, false);
    }
  }

  /** Parses and checks an event, and turns it into a row of the runs table. */
  static Received parse(byte[] body) throws InvalidEvent {
    JsonNode root;
    try {
      root = JsonValues.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidEvent("Malformed JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new InvalidEvent("Malformed JSON: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new InvalidEvent("Malformed JSON: the body is empty");
    }
    if (!root.isObject()) {
      throw new InvalidEvent(
          "An OpenLineage event must be a JSON object, got " + root.getNodeType());
    }
    List<String> errors = new ArrayList<>();
    String eventTimeText = text(root, "eventTime", "eventTime", true, errors);
    Instant eventTime = null;
    if (eventTimeText != null) {
      try {
        eventTime = OffsetDateTime.parse(eventTimeText).toInstant();
      } catch (DateTimeParseException e) {
        errors.add(
            "Invalid field 'eventTime': '" + eventTimeText + "' is not an ISO-8601 date-time");
      }
    }
    text(root, "producer", "producer", true, errors);
    text(root, "schemaURL", "schemaURL", true, errors);
    OpenLineageEventType type = null;
    String typeText = text(root, "eventType", "eventType", false, errors);
    if (typeText != null) {
      try {
        type = OpenLineageEventType.valueOf(typeText);
      } catch (IllegalArgumentException e) {
        errors.add(
            "Invalid field 'eventType': '"
                + typeText
                + "' is not one of "
                + String.join(
                    ", ", Arrays.stream(OpenLineageEventType.values()).map(Enum::name).toList()));
      }
    }
    JsonNode run = object(root, "run", "run", errors);
    String runId = null;
    if (run != null) {
      runId = text(run, "runId", "run.runId", true, errors);
      if (runId != null && !UUID_TEXT.matcher(runId).matches()) {
        errors.add("Invalid field 'run.runId': '" + runId + "' is not a UUID");
      }
    }
    JsonNode job = object(root, "job", "job", errors);
    String jobNamespace = null;
    String jobName = null;
    if (job != null) {
      jobNamespace = text(job, "namespace", "job.namespace", true, errors);
      jobName = text(job, "name", "job.name", true, errors);
    }
    List<DatasetVersion> inputs = datasets(root, "inputs", errors);
    List<DatasetVersion> outputs = datasets(root, "outputs", errors);
    if (!errors.isEmpty()) {
      throw new InvalidEvent(String.join("; ", errors));
    }

    JsonNode tracelake = run.path("facets").path(TRACELAKE_FACET);
    JsonNode code = job.path("facets").path("sourceCodeLocation");
    String tracelakeRunId = textOrNull(tracelake.get("runId"));
    String repository = textOrNull(code.get("repoUrl"));
    if (repository == null) {
      repository = textOrNull(code.get("url"));
    }
    String commit = textOrNull(code.get("version"));
    if (commit == null) {
      commit = textOrNull(tracelake.get("codeCommit"));
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    tracelake
        .path("parameters")
        .fields()
        .forEachRemaining(e -> parameters.put(e.getKey(), e.getValue().asText()));
    RunRow row =
        new RunRow(
            tracelakeRunId != null ? tracelakeRunId : runId,
            jobNamespace,
            jobName,
            repository,
            commit,
            textOrNull(tracelake.get("modelName")),
            textOrNull(tracelake.get("modelVersion")),
            parameters,
            type == OpenLineageEventType.START ? eventTime : null,
            type != null && type.isFinal() ? eventTime : null,
            type == null ? null : type.runStatus(),
            RunSource.OPENLINEAGE,
            inputs,
            outputs);
    return new Received(type, row);
  }

  private static String text(
      JsonNode parent, String field, String path, boolean required, List<String> errors) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        errors.add("Missing required field '" + path + "'");
      }
      return null;
    }
    if (!v.isTextual()) {
      errors.add("Invalid field '" + path + "': must be a string, got " + v.getNodeType());
      return null;
    }
    if (v.asText().isBlank()) {
      if (required) {
        errors.add("Missing required field '" + path + "': it is blank");
      }
      return null;
    }
    return v.asText();
  }

  private static JsonNode object(JsonNode parent, String field, String path, List<String> errors) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      errors.add("Missing required field '" + path + "'");
      return null;
    }
    if (!v.isObject()) {
      errors.add("Invalid field '" + path + "': must be an object, got " + v.getNodeType());
      return null;
    }
    return v;
  }

  private static List<DatasetVersion> datasets(JsonNode root, String field, List<String> errors) {
    List<DatasetVersion> out = new ArrayList<>();
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      errors.add("Invalid field '" + field + "': must be an array, got " + v.getNodeType());
      return out;
    }
    for (int i = 0; i < v.size(); i++) {
      String path = field + "[" + i + "]";
      JsonNode item = v.get(i);
      if (!item.isObject()) {
        errors.add("Invalid field '" + path + "': must be an object, got " + item.getNodeType());
        continue;
      }
      String namespace = text(item, "namespace", path + ".namespace", true, errors);
      String name = text(item, "name", path + ".name", true, errors);
      if (namespace != null && name != null) {
        String version = textOrNull(item.path("facets").path("version").get("datasetVersion"));
        out.add(new DatasetVersion(namespace, name, version));
      }
    }
    return out;
  }

  private static String textOrNull(JsonNode v) {
    return v == null || v.isNull() || !v.isValueNode() || v.asText().isBlank() ? null : v.asText();
  }

  static String json(JsonNode node) {
    try {
      return JsonValues.MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }
}
