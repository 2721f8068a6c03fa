package dev.tracelake.lineage;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of the runs table: a registration or an update of a run. Null fields say nothing, so
 * later rows refine earlier ones ({@link RunRegistry} folds them in commit order).
 */
record RunRow(
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
  RunRow {
    Objects.requireNonNull(runId, "runId");
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
  }

  /** Returns a row holding every field of a run. */
  static RunRow of(RunInfo run) {
    return new RunRow(
        run.runId(),
        run.jobNamespace(),
        run.jobName(),
        run.codeRepository(),
        run.codeCommit(),
        run.modelName(),
        run.modelVersion(),
        run.parameters(),
        run.startedAt(),
        run.endedAt(),
        run.status(),
        run.source(),
        run.inputs(),
        run.outputs(),
        run.parent(),
        run.nominalStartTime(),
        run.nominalEndTime(),
        run.failureMessage());
  }

  /** Returns a row that only ends a run, with why it failed or was aborted (or null). */
  static RunRow finish(String runId, RunStatus status, Instant endedAt, String failureMessage) {
    return new RunRow(
        runId,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        endedAt,
        status,
        null,
        null,
        null,
        null,
        null,
        null,
        RunInfo.message(failureMessage));
  }
}
