package dev.tracelake.client;

/**
 * Who produces a writer's records. The server stores it in the summary of every snapshot that
 * commits them and in each record's metadata columns. Any part may be null, but a production writer
 * should give all of them.
 *
 * @param codeCommit the commit of the code producing the records, e.g. a git SHA
 * @param modelName the model producing the records, e.g. {@code fraud}
 * @param modelVersion the version of that model, e.g. {@code v3}
 * @param runId the run (one execution of a job or serving process) producing the records
 * @param producer the service or tool writing the records, e.g. {@code scoring-service}
 */
public record Provenance(
    String codeCommit, String modelName, String modelVersion, String runId, String producer) {

  /** Returns a provenance that names nobody. */
  public static Provenance none() {
    return new Provenance(null, null, null, null, null);
  }

  /** Returns a builder with every part unset. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Provenance} part by part. */
  public static final class Builder {
    private String codeCommit;
    private String modelName;
    private String modelVersion;
    private String runId;
    private String producer;

    private Builder() {}

    /** Sets the code commit, e.g. a git SHA. */
    public Builder codeCommit(String value) {
      this.codeCommit = value;
      return this;
    }

    /** Sets the model name and version, e.g. {@code fraud} and {@code v3}. */
    public Builder model(String name, String version) {
      this.modelName = name;
      this.modelVersion = version;
      return this;
    }

    /** Sets the run id. */
    public Builder runId(String value) {
      this.runId = value;
      return this;
    }

    /** Sets the producing service or tool. */
    public Builder producer(String value) {
      this.producer = value;
      return this;
    }

    /** Returns the provenance. */
    public Provenance build() {
      return new Provenance(codeCommit, modelName, modelVersion, runId, producer);
    }
  }
}
