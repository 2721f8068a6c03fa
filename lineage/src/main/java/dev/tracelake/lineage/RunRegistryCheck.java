package dev.tracelake.lineage;

/** Checks that a runs-table row makes a valid run before it is written. */
final class RunRegistryCheck {
  private RunRegistryCheck() {}

  /**
   * Returns the row as a run.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  static RunInfo check(RunRow row) {
    return RunInfo.builder(row.runId())
        .job(row.jobNamespace(), row.jobName())
        .code(row.codeRepository(), row.codeCommit())
        .model(row.modelName(), row.modelVersion())
        .parameters(row.parameters())
        .startedAt(row.startedAt())
        .endedAt(row.endedAt())
        .status(row.status())
        .source(row.source())
        .build();
  }
}
