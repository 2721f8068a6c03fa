package dev.tracelake.client;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A run to start: its id (the {@code runId} of the writers' {@link Provenance}), job, code location
 * (repository URL and commit), model, parameters, parent run and nominal (scheduled) time. Built
 * with {@link #builder(String)}; everything but the id is optional.
 */
public record RunSpec(
    String runId,
    String jobNamespace,
    String jobName,
    String codeRepository,
    String codeCommit,
    String modelName,
    String modelVersion,
    Map<String, String> parameters,
    String parentRunId,
    String parentJobNamespace,
    String parentJobName,
    Instant nominalStart,
    Instant nominalEnd,
    Instant startedAt) {
  public RunSpec {
    Objects.requireNonNull(runId, "runId");
    if (runId.isBlank()) {
      throw new IllegalArgumentException("A run needs a non-blank id");
    }
    parameters = Map.copyOf(parameters == null ? Map.of() : parameters);
  }

  public static Builder builder(String runId) {
    return new Builder(runId);
  }

  /** Builds a {@link RunSpec}. */
  public static final class Builder {
    private final String runId;
    private String jobNamespace;
    private String jobName;
    private String codeRepository;
    private String codeCommit;
    private String modelName;
    private String modelVersion;
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private String parentRunId;
    private String parentJobNamespace;
    private String parentJobName;
    private Instant nominalStart;
    private Instant nominalEnd;
    private Instant startedAt;

    private Builder(String runId) {
      this.runId = runId;
    }

    public Builder job(String namespace, String name) {
      this.jobNamespace = namespace;
      this.jobName = name;
      return this;
    }

    /** The code: its repository URL, e.g. {@code https://git.example.com/fraud.git}, and commit. */
    public Builder code(String repositoryUrl, String commit) {
      this.codeRepository = repositoryUrl;
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

    /** The run that started this one, e.g. the pipeline run scheduling it, and its job. */
    public Builder parent(String runId, String jobNamespace, String jobName) {
      this.parentRunId = runId;
      this.parentJobNamespace = jobNamespace;
      this.parentJobName = jobName;
      return this;
    }

    /** The scheduled interval: its start, and its end or null. */
    public Builder nominalTime(Instant start, Instant end) {
      this.nominalStart = start;
      this.nominalEnd = end;
      return this;
    }

    /** When it started, if not now. */
    public Builder startedAt(Instant value) {
      this.startedAt = value;
      return this;
    }

    public RunSpec build() {
      return new RunSpec(
          runId,
          jobNamespace,
          jobName,
          codeRepository,
          codeCommit,
          modelName,
          modelVersion,
          parameters,
          parentRunId,
          parentJobNamespace,
          parentJobName,
          nominalStart,
          nominalEnd,
          startedAt);
    }
  }
}
