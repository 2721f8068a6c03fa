package dev.tracelake.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run as the server knows it.
 *
 * @param state {@code RUNNING}, {@code COMPLETED}, {@code FAILED}, {@code ABORTED} or {@code
 *     UNKNOWN} (seen only in snapshot summaries)
 * @param source {@code REGISTERED}, {@code OPENLINEAGE} or {@code INGEST}
 * @param inputs datasets read, {@code namespace:name@version}
 * @param outputs datasets written, {@code namespace:name@version}
 */
public record RunView(
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
    String state,
    String source,
    String parentRunId,
    Instant nominalStart,
    Instant nominalEnd,
    String failureMessage,
    List<String> inputs,
    List<String> outputs) {
  public RunView {
    parameters = Map.copyOf(parameters);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  /** Whether the run has ended. */
  public boolean ended() {
    return state.equals("COMPLETED") || state.equals("FAILED") || state.equals("ABORTED");
  }
}
