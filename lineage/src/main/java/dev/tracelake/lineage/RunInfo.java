package dev.tracelake.lineage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One execution of a job (a model-serving process, a batch feature job): which code and model it
 * ran, with what parameters, when, how it ended, and which datasets it read and wrote.
 *
 * @param runId the run's id, as written to {@code _run_id} and snapshot summaries
 * @param jobNamespace the job's namespace (OpenLineage), or null
 * @param jobName the job's name, or null
 * @param codeRepository where the code lives, e.g. a git URL, or null
 * @param codeCommit the commit of the code, or null
 * @param modelName the model, or null
 * @param modelVersion the model version, or null
 * @param parameters the run's parameters
 * @param startedAt when it started, or null
 * @param endedAt when it ended, or null
 * @param status how it stands
 * @param source how Tracelake learned about it
 * @param inputs datasets it read, each at the version read
 * @param outputs datasets it wrote, each at the version written
 * @param parent the run that started this one, or null
 * @param nominalStartTime when the run was scheduled to start (OpenLineage nominal time), or null
 * @param nominalEndTime the end of the run's nominal interval, or null
 * @param failureMessage why it failed or was aborted, or null
 */
public record RunInfo(
    String runId,
    String jobNamespace,
    String jobName,
    String codeRepository,
    String codeCommit,
    String modelName,
    String modelVersion,
    Map<String, String> parameters,
    Instant startedAt,
    Instant endedAt,
    RunStatus status,
    RunSource source,
    List<DatasetVersion> inputs,
    List<DatasetVersion> outputs,
    RunParent parent,
    Instant nominalStartTime,
    Instant nominalEndTime,
    String failureMessage) {
  static final int MAX_TEXT = 1024;

  /** The longest failure message kept; longer ones are cut. */
  static final int MAX_MESSAGE = 4096;

  public RunInfo {
    Objects.requireNonNull(runId, "runId");
    if (runId.isBlank()) {
      throw new IllegalArgumentException("Run id must not be blank");
    }
    if (runId.length() > MAX_TEXT) {
      throw new IllegalArgumentException(
          "Run id is " + runId.length() + " characters long; at most " + MAX_TEXT + " allowed");
    }
    runId = runId.strip();
    if (runId.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "Run id '"
              + runId.replaceAll("\\p{Cntrl}", "?")
              + "' has a control character; run ids are written to snapshot summaries");
    }
    jobNamespace = clean(jobNamespace);
    jobName = clean(jobName);
    codeRepository = clean(codeRepository);
    codeCommit = clean(codeCommit);
    modelName = clean(modelName);
    modelVersion = clean(modelVersion);
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    status = status == null ? RunStatus.UNKNOWN : status;
    source = source == null ? RunSource.REGISTERED : source;
    inputs = inputs == null ? List.of() : List.copyOf(new LinkedHashSet<>(inputs));
    outputs = outputs == null ? List.of() : List.copyOf(new LinkedHashSet<>(outputs));
    failureMessage = message(failureMessage);
    // no check that endedAt follows startedAt: events from other systems come with their clocks
  }

  /** Starts building a run with the given id. */
  public static Builder builder(String runId) {
    return new Builder(runId);
  }

  /** Returns a builder holding this run's values. */
  public Builder toBuilder() {
    Builder b = new Builder(runId);
    b.jobNamespace = jobNamespace;
    b.jobName = jobName;
    b.codeRepository = codeRepository;
    b.codeCommit = codeCommit;
    b.modelName = modelName;
    b.modelVersion = modelVersion;
    b.parameters.putAll(parameters);
    b.startedAt = startedAt;
    b.endedAt = endedAt;
    b.status = status;
    b.source = source;
    b.inputs.addAll(inputs);
    b.outputs.addAll(outputs);
    b.parent = parent;
    b.nominalStartTime = nominalStartTime;
    b.nominalEndTime = nominalEndTime;
    b.failureMessage = failureMessage;
    return b;
  }

  /** A failure message: blank is none, control characters become spaces, long ones are cut. */
  static String message(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String text = value.strip().replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", " ");
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE - 3) + "...";
  }

  private static String clean(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > MAX_TEXT) {
      throw new IllegalArgumentException(
          "Run field value is " + value.length() + " characters long; at most " + MAX_TEXT);
    }
    return value.strip();
  }

  /** Builds a {@link RunInfo}; everything but the id is optional. */
  public static final class Builder {
    private final String runId;
    private String jobNamespace;
    private String jobName;
    private String codeRepository;
    private String codeCommit;
    private String modelName;
    private String modelVersion;
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private Instant startedAt;
    private Instant endedAt;
    private RunStatus status;
    private RunSource source;
    private final List<DatasetVersion> inputs = new ArrayList<>();
    private final List<DatasetVersion> outputs = new ArrayList<>();
    private RunParent parent;
    private Instant nominalStartTime;
    private Instant nominalEndTime;
    private String failureMessage;

    private Builder(String runId) {
      this.runId = runId;
    }

    public Builder job(String namespace, String name) {
      this.jobNamespace = namespace;
      this.jobName = name;
      return this;
    }

    public Builder code(String repository, String commit) {
      this.codeRepository = repository;
      this.codeCommit = commit;
      return this;
    }

    public Builder model(String name, String version) {
      this.modelName = name;
      this.modelVersion = version;
      return this;
    }

    public Builder parameter(String key, String value) {
      parameters.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder parameters(Map<String, String> values) {
      values.forEach(this::parameter);
      return this;
    }

    public Builder startedAt(Instant value) {
      this.startedAt = value;
      return this;
    }

    public Builder endedAt(Instant value) {
      this.endedAt = value;
      return this;
    }

    public Builder status(RunStatus value) {
      this.status = value;
      return this;
    }

    Builder source(RunSource value) {
      this.source = value;
      return this;
    }

    public Builder input(DatasetVersion dataset) {
      inputs.add(Objects.requireNonNull(dataset, "dataset"));
      return this;
    }

    public Builder output(DatasetVersion dataset) {
      outputs.add(Objects.requireNonNull(dataset, "dataset"));
      return this;
    }

    /** Replaces the datasets read and written so far with {@code read} and {@code written}. */
    public Builder datasets(List<DatasetVersion> read, List<DatasetVersion> written) {
      inputs.clear();
      outputs.clear();
      read.forEach(this::input);
      written.forEach(this::output);
      return this;
    }

    /** Sets the run that started this one. */
    public Builder parent(RunParent value) {
      this.parent = value;
      return this;
    }

    /** Sets the run's scheduled interval: its start, and its end or null. */
    public Builder nominalTime(Instant start, Instant end) {
      this.nominalStartTime = start;
      this.nominalEndTime = end;
      return this;
    }

    /** Sets why the run failed or was aborted. */
    public Builder failureMessage(String value) {
      this.failureMessage = value;
      return this;
    }

    public RunInfo build() {
      return new RunInfo(
          runId,
          jobNamespace,
          jobName,
          codeRepository,
          codeCommit,
          modelName,
          modelVersion,
          parameters,
          startedAt,
          endedAt,
          status,
          source,
          inputs,
          outputs,
          parent,
          nominalStartTime,
          nominalEndTime,
          failureMessage);
    }
  }
}
