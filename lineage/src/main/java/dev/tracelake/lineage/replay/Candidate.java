package dev.tracelake.lineage.replay;

/**
 * Who a replay's candidate is: stamped on every output it writes (the outputs' provenance) and on
 * its run. Any part may be null; a replay fills in the run id.
 *
 * @param modelName the candidate model, e.g. {@code fraud}
 * @param modelVersion its version, e.g. {@code v4}
 * @param codeCommit the commit of the candidate's code
 * @param runId the candidate's run
 * @param producer the service or tool writing, e.g. {@code replay-runner}
 */
public record Candidate(
    String modelName, String modelVersion, String codeCommit, String runId, String producer) {
  /**
   * Checks the values.
   *
   * @throws dev.tracelake.lineage.LineageException INVALID_ARGUMENT for a value with control
   *     characters or over 1024 characters
   */
  public Candidate {
    modelName = ReplayText.value("Candidate model name", modelName);
    modelVersion = ReplayText.value("Candidate model version", modelVersion);
    codeCommit = ReplayText.value("Candidate code commit", codeCommit);
    runId = ReplayText.value("Candidate run id", runId);
    producer = ReplayText.value("Candidate producer", producer);
  }

  /** Returns a candidate naming its model version and code commit. */
  public static Candidate of(String modelName, String modelVersion, String codeCommit) {
    return new Candidate(modelName, modelVersion, codeCommit, null, null);
  }

  /** Returns this candidate with another run id. */
  public Candidate withRunId(String value) {
    return new Candidate(modelName, modelVersion, codeCommit, value, producer);
  }

  /** Returns this candidate with another producer. */
  public Candidate withProducer(String value) {
    return new Candidate(modelName, modelVersion, codeCommit, runId, value);
  }
}
