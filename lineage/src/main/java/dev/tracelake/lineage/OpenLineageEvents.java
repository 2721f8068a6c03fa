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
  static final String DATASET_EVENT_SCHEMA =
      "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent";
  static final String JOB_EVENT_SCHEMA =
      "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent";
  // the current version of each facet (spec/facets in the OpenLineage repository)
  static final String VERSION_FACET_SCHEMA =
      "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json"
          + "#/$defs/DatasetVersionDatasetFacet";
  static final String SOURCE_CODE_FACET_SCHEMA =
      "https://openlineage.io/spec/facets/1-1-0/SourceCodeLocationJobFacet.json"
          + "#/$defs/SourceCodeLocationJobFacet";
  static final String PARENT_FACET_SCHEMA =
      "https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet";
  static final String NOMINAL_TIME_FACET_SCHEMA =
      "https://openlineage.io/spec/facets/1-0-1/NominalTimeRunFacet.json"
          + "#/$defs/NominalTimeRunFacet";
  static final String ERROR_MESSAGE_FACET_SCHEMA =
      "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json"
          + "#/$defs/ErrorMessageRunFacet";
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
    return toEvent(run, type, jobNamespace, producer, now, run.inputs(), run.outputs());
  }

  /** The event, with the datasets given (a RUNNING event names only datasets new since). */
  static ObjectNode toEvent(
      RunInfo run,
      OpenLineageEventType type,
      String jobNamespace,
      URI producer,
      Instant now,
      List<DatasetVersion> inputs,
      List<DatasetVersion> outputs) {
    ObjectNode event = JsonValues.MAPPER.createObjectNode();
    event.put("eventType", type.name());
    Instant time =
        type == OpenLineageEventType.START && run.startedAt() != null
            ? run.startedAt()
            : type.isFinal() && run.endedAt() != null ? run.endedAt() : now;
    event.put("eventTime", time.toString());

    ObjectNode runNode = event.putObject("run");
    runNode.put("runId", openLineageRunId(run.runId()));
    ObjectNode runFacets = runNode.putObject("facets");
    String ownNamespace = run.jobNamespace() != null ? run.jobNamespace() : jobNamespace;
    if (run.parent() != null) {
      ObjectNode parent = runFacets.putObject("parent");
      facetHeader(parent, producer, PARENT_FACET_SCHEMA);
      parent.putObject("run").put("runId", openLineageRunId(run.parent().runId()));
      ObjectNode parentJob = parent.putObject("job");
      parentJob.put(
          "namespace",
          run.parent().jobNamespace() != null ? run.parent().jobNamespace() : ownNamespace);
      parentJob.put("name", run.parent().jobName() != null ? run.parent().jobName() : "unknown");
    }
    if (run.nominalStartTime() != null) {
      ObjectNode nominal = runFacets.putObject("nominalTime");
      facetHeader(nominal, producer, NOMINAL_TIME_FACET_SCHEMA);
      nominal.put("nominalStartTime", run.nominalStartTime().toString());
      if (run.nominalEndTime() != null) {
        nominal.put("nominalEndTime", run.nominalEndTime().toString());
      }
    }
    if (run.failureMessage() != null
        && (type == OpenLineageEventType.FAIL || type == OpenLineageEventType.ABORT)) {
      ObjectNode error = runFacets.putObject("errorMessage");
      facetHeader(error, producer, ERROR_MESSAGE_FACET_SCHEMA);
      error.put("message", run.failureMessage());
      error.put("programmingLanguage", "unknown");
    }
    ObjectNode tracelake = runFacets.putObject(TRACELAKE_FACET);
    facetHeader(tracelake, producer, TRACELAKE_FACET_SCHEMA);
    tracelake.put("runId", run.runId());
    JsonValues.putText(tracelake, "codeCommit", run.codeCommit());
    JsonValues.putText(tracelake, "modelName", run.modelName());
    JsonValues.putText(tracelake, "modelVersion", run.modelVersion());
    tracelake.set("parameters", JsonValues.value(run.parameters()));

    ObjectNode job = event.putObject("job");
    job.put("namespace", ownNamespace);
    job.put("name", jobName(run));
    if (run.codeRepository() != null) {
      // the facet needs a real location (url is required); without a repository the commit
      // goes in the tracelake_run facet only, never with a made-up url
      ObjectNode code = job.putObject("facets").putObject("sourceCodeLocation");
      facetHeader(code, producer, SOURCE_CODE_FACET_SCHEMA);
      code.put("type", "git");
      code.put("url", run.codeRepository());
      code.put("repoUrl", run.codeRepository());
      JsonValues.putText(code, "version", run.codeCommit());
    }
    datasets(event.putArray("inputs"), inputs, producer);
    datasets(event.putArray("outputs"), outputs, producer);
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

  /** What kind of event was received: the spec's three. */
  enum Kind {
    RUN,
    JOB,
    DATASET
  }

  /**
   * A received event, checked: a run event's row of the runs table, or a job or dataset event's job
   * or dataset (row null).
   */
  record Received(
      Kind kind,
      OpenLineageEventType type,
      RunRow row,
      Instant eventTime,
      DatasetVersion job,
      DatasetVersion dataset,
      List<DatasetVersion> inputs,
      List<DatasetVersion> outputs,
      String producer) {}

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
    String producer = text(root, "producer", "producer", true, errors);
    String schemaUrl = text(root, "schemaURL", "schemaURL", true, errors);
    // the schema URL names the kind (…#/$defs/JobEvent); without it, a job and no run or event
    // type is a job event, a dataset alone a dataset event
    boolean noRun = !root.has("run") && !root.has("eventType");
    if ((schemaUrl != null && schemaUrl.endsWith("/DatasetEvent"))
        || (noRun && !root.has("job") && root.has("dataset"))) {
      return datasetEvent(root, eventTime, producer, errors);
    }
    if ((schemaUrl != null && schemaUrl.endsWith("/JobEvent")) || (noRun && root.has("job"))) {
      return jobEvent(root, eventTime, producer, errors);
    }
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
    RunParent parent = null;
    JsonNode parentFacet = run.path("facets").path("parent");
    String parentRunId = textOrNull(parentFacet.path("run").get("runId"));
    if (parentRunId != null) {
      parent =
          new RunParent(
              parentRunId,
              textOrNull(parentFacet.path("job").get("namespace")),
              textOrNull(parentFacet.path("job").get("name")));
    }
    JsonNode nominal = run.path("facets").path("nominalTime");
    Instant nominalStart = instantOrNull(nominal.get("nominalStartTime"));
    Instant nominalEnd = instantOrNull(nominal.get("nominalEndTime"));
    String failure = textOrNull(run.path("facets").path("errorMessage").get("message"));
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
            outputs,
            parent,
            nominalStart,
            nominalEnd,
            failure);
    return new Received(Kind.RUN, type, row, eventTime, null, null, inputs, outputs, producer);
  }

  private static Received datasetEvent(
      JsonNode root, Instant eventTime, String producer, List<String> errors) throws InvalidEvent {
    if (root.has("run") || root.has("job")) {
      errors.add("A dataset event has no 'run' or 'job'; send a run or job event instead");
    }
    JsonNode dataset = object(root, "dataset", "dataset", errors);
    DatasetVersion named = null;
    if (dataset != null) {
      String namespace = text(dataset, "namespace", "dataset.namespace", true, errors);
      String name = text(dataset, "name", "dataset.name", true, errors);
      if (namespace != null && name != null) {
        named =
            new DatasetVersion(
                namespace,
                name,
                textOrNull(dataset.path("facets").path("version").get("datasetVersion")));
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidEvent(String.join("; ", errors));
    }
    return new Received(
        Kind.DATASET, null, null, eventTime, null, named, List.of(), List.of(), producer);
  }

  private static Received jobEvent(
      JsonNode root, Instant eventTime, String producer, List<String> errors) throws InvalidEvent {
    if (root.has("run")) {
      errors.add("A job event has no 'run'; send a run event instead");
    }
    JsonNode job = object(root, "job", "job", errors);
    DatasetVersion named = null;
    if (job != null) {
      String namespace = text(job, "namespace", "job.namespace", true, errors);
      String name = text(job, "name", "job.name", true, errors);
      if (namespace != null && name != null) {
        named = new DatasetVersion(namespace, name, null);
      }
    }
    List<DatasetVersion> inputs = datasets(root, "inputs", errors);
    List<DatasetVersion> outputs = datasets(root, "outputs", errors);
    if (!errors.isEmpty()) {
      throw new InvalidEvent(String.join("; ", errors));
    }
    return new Received(Kind.JOB, null, null, eventTime, named, null, inputs, outputs, producer);
  }

  private static Instant instantOrNull(JsonNode v) {
    String text = textOrNull(v);
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null; // an optional facet's bad time: not said
    }
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
