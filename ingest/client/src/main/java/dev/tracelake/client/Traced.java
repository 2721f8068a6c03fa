package dev.tracelake.client;

import java.util.List;

/**
 * A record's inputs, transitively, as ids and lineage steps (no row values).
 *
 * @param records the traced record first, then its inputs breadth first
 * @param edges every lineage step: an output listing an input, read at a snapshot or not said
 * @param problems missing inputs, cycles, lag
 * @param truncated whether a limit cut the trace short
 * @param freshness how current the server's index was
 */
public record Traced(
    List<Record> records,
    List<Edge> edges,
    List<Impact.Problem> problems,
    boolean truncated,
    String freshness) {
  public Traced {
    records = List.copyOf(records);
    edges = List.copyOf(edges);
    problems = List.copyOf(problems);
  }

  /**
   * One record of the trace.
   *
   * @param snapshotId the snapshot that committed it, or null when not known (missing)
   * @param state {@code PRESENT}, {@code MISSING} or {@code NOT_INDEXED}
   */
  public record Record(
      String table,
      String recordId,
      Long snapshotId,
      int depth,
      String state,
      Provenance provenance) {}

  /** One step: {@code output} lists {@code input}, read at {@code snapshotId} (null: not said). */
  public record Edge(
      String outputTable, String outputId, String inputTable, String inputId, Long snapshotId) {}
}
