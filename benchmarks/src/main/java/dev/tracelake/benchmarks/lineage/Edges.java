package dev.tracelake.benchmarks.lineage;

import dev.tracelake.lineage.TraceEdge;
import dev.tracelake.lineage.TraceResult;
import java.util.HashSet;
import java.util.Set;

/** Edge sets in one comparable form, whichever system answered. */
final class Edges {
  private Edges() {}

  /** Returns {@code output_table/output_id -> input_table/input_id @snapshot}. */
  static String key(
      String outputTable, String outputId, String inputTable, String inputId, Long snapshotId) {
    return outputTable + "/" + outputId + " -> " + inputTable + "/" + inputId + " @" + snapshotId;
  }

  /** Returns the edges of a Tracelake trace. */
  static Set<String> of(TraceResult trace) {
    Set<String> edges = new HashSet<>();
    for (TraceEdge e : trace.edges()) {
      edges.add(
          key(
              e.output().table(),
              e.output().recordId(),
              e.input().table(),
              e.input().recordId(),
              e.snapshotId()));
    }
    return edges;
  }

  /** Returns the edges upstream of a record as the generator defines them. */
  static Set<String> expected(FraudGraph graph, GraphLoader snapshots, int table, long index) {
    Set<String> edges = new HashSet<>();
    walk(graph, snapshots, table, index, edges);
    return edges;
  }

  private static void walk(
      FraudGraph graph, GraphLoader snapshots, int table, long index, Set<String> edges) {
    if (FraudGraph.inputCount(table) == 0) {
      return;
    }
    int inputTable = FraudGraph.inputTable(table);
    for (int k = 0; k < FraudGraph.inputCount(table); k++) {
      long input = graph.input(table, index, k);
      edges.add(
          key(
              FraudGraph.TABLES.get(table).toString(),
              FraudGraph.id(table, index),
              FraudGraph.TABLES.get(inputTable).toString(),
              FraudGraph.id(inputTable, input),
              snapshots.snapshotOf(inputTable, input)));
      walk(graph, snapshots, inputTable, input, edges);
    }
  }
}
