package dev.tracelake.lake;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who wrote a batch: the code commit, the model, the run and the producing service. Every snapshot
 * carries its provenance in its summary and every record in its metadata columns. Any part may be
 * absent (null), but a production writer should give all of them.
 *
 * @param codeCommit the commit of the code that produced the rows, e.g. a git SHA
 * @param modelName the model that produced the rows, e.g. {@code fraud}
 * @param modelVersion the model version, e.g. {@code v3}
 * @param runId the run (one execution of a job) that produced the rows
 * @param producer the service or tool that wrote the rows, e.g. {@code scoring-service}
 */
public record Provenance(
    String codeCommit, String modelName, String modelVersion, String runId, String producer) {
  public static final String SUMMARY_CODE_COMMIT = "tracelake.code-commit";
  public static final String SUMMARY_MODEL_NAME = "tracelake.model-name";
  public static final String SUMMARY_MODEL_VERSION = "tracelake.model-version";
  public static final String SUMMARY_RUN_ID = "tracelake.run-id";
  public static final String SUMMARY_PRODUCER = "tracelake.producer";

  private static final int MAX_LENGTH = 1024;

  public Provenance {
    codeCommit = clean("code commit", codeCommit);
    modelName = clean("model name", modelName);
    modelVersion = clean("model version", modelVersion);
    runId = clean("run id", runId);
    producer = clean("producer", producer);
  }

  /** Returns a provenance that names nobody; prefer {@link #builder()} for production writes. */
  public static Provenance none() {
    return new Provenance(null, null, null, null, null);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Reads a provenance back from a snapshot summary written by {@link #toSummary()}. */
  public static Provenance fromSummary(Map<String, String> summary) {
    return new Provenance(
        summary.get(SUMMARY_CODE_COMMIT),
        summary.get(SUMMARY_MODEL_NAME),
        summary.get(SUMMARY_MODEL_VERSION),
        summary.get(SUMMARY_RUN_ID),
        summary.get(SUMMARY_PRODUCER));
  }

  /** Returns the snapshot summary entries for the parts that are present. */
  public Map<String, String> toSummary() {
    Map<String, String> summary = new LinkedHashMap<>();
    Optional.ofNullable(codeCommit).ifPresent(v -> summary.put(SUMMARY_CODE_COMMIT, v));
    Optional.ofNullable(modelName).ifPresent(v -> summary.put(SUMMARY_MODEL_NAME, v));
    Optional.ofNullable(modelVersion).ifPresent(v -> summary.put(SUMMARY_MODEL_VERSION, v));
    Optional.ofNullable(runId).ifPresent(v -> summary.put(SUMMARY_RUN_ID, v));
    Optional.ofNullable(producer).ifPresent(v -> summary.put(SUMMARY_PRODUCER, v));
    return summary;
  }

  private static String clean(String what, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > MAX_LENGTH) {
      throw LakeException.invalid(
          "Provenance %s is %d characters long; at most %d are allowed",
          what, value.length(), MAX_LENGTH);
    }
    return value.strip();
  }

  /** Builds a {@link Provenance}; every part is optional. */
  public static final class Builder {
    private String codeCommit;
    private String modelName;
    private String modelVersion;
    private String runId;
    private String producer;

    private Builder() {}

    public Builder codeCommit(String value) {
      this.codeCommit = value;
      return this;
    }

    public Builder model(String name, String version) {
      this.modelName = name;
      this.modelVersion = version;
      return this;
    }

    public Builder runId(String value) {
      this.runId = value;
      return this;
    }

    public Builder producer(String value) {
      this.producer = value;
      return this;
    }

    public Provenance build() {
      return new Provenance(codeCommit, modelName, modelVersion, runId, producer);
    }
  }
}
