package dev.tracelake.cli;

import dev.tracelake.client.Provenance;
import dev.tracelake.client.Replay;
import dev.tracelake.client.ReplayComparison;
import java.time.Instant;
import java.util.List;

/**
 * The replay calls of the CLI, answered by a running server or by the embedded lake; both answer
 * with the client's values, so the commands print them one way.
 */
interface ReplaySession extends AutoCloseable {
  /** What {@code replay create} asks for. */
  record NewReplayArgs(
      String replayId,
      String table,
      String ref,
      Long afterSnapshot,
      Long toSnapshot,
      Instant from,
      Instant to,
      String modelName,
      String modelVersion,
      String runId,
      Provenance candidate,
      String branch,
      int batchCases) {}

  /** The created (or existing, identical) replay, and whether it was created now. */
  record Created(Replay replay, boolean created) {}

  Created create(NewReplayArgs args);

  Replay get(String replayId);

  List<Replay> list(String table);

  ReplayComparison compare(
      String replayId, String groupBy, List<String> columns, int maxPairs, int maxExamples);

  Replay publish(String replayId);

  Replay drop(String replayId);

  /** Says where answers come from, for the first line of output: a server or the lake. */
  String where();

  @Override
  void close();
}
