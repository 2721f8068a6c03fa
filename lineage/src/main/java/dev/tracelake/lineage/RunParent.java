package dev.tracelake.lineage;

import java.util.Objects;

/**
 * The run that started a run, and its job (OpenLineage's {@code parent} facet): e.g. the pipeline
 * run that scheduled a scoring run.
 *
 * @param runId the parent run's id
 * @param jobNamespace the parent job's namespace, or null
 * @param jobName the parent job's name, or null
 */
public record RunParent(String runId, String jobNamespace, String jobName) {
  public RunParent {
    Objects.requireNonNull(runId, "runId");
    if (runId.isBlank() || runId.length() > RunInfo.MAX_TEXT) {
      throw new IllegalArgumentException(
          "A parent run id must be 1 to "
              + RunInfo.MAX_TEXT
              + " characters, got '"
              + cap(runId)
              + "'");
    }
    jobNamespace = jobNamespace == null || jobNamespace.isBlank() ? null : jobNamespace.strip();
    jobName = jobName == null || jobName.isBlank() ? null : jobName.strip();
    if ((jobNamespace != null && jobNamespace.length() > RunInfo.MAX_TEXT)
        || (jobName != null && jobName.length() > RunInfo.MAX_TEXT)) {
      throw new IllegalArgumentException(
          "A parent job namespace or name is longer than " + RunInfo.MAX_TEXT + " characters");
    }
  }

  private static String cap(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
