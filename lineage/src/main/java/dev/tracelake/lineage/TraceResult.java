package dev.tracelake.lineage;

import java.util.List;
import java.util.Optional;

/**
 * Everything upstream of a record: the records it was derived from, transitively, as a graph.
 *
 * @param root the traced record
 * @param nodes every record reached, the traced one first, in breadth-first order
 * @param edges every lineage step walked, output to input
 * @param problems missing inputs, unknown snapshots, cycles, index lag affecting the answer
 * @param truncated whether the walk stopped at the depth or node limit with more to see
 * @param freshness how current the index was
 */
public record TraceResult(
    RecordKey root,
    List<TraceNode> nodes,
    List<TraceEdge> edges,
    List<Problem> problems,
    boolean truncated,
    Freshness freshness) {
  public TraceResult {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
    problems = List.copyOf(problems);
  }

  /** Returns the node of a record, if the trace reached it. */
  public Optional<TraceNode> node(RecordKey key) {
    return nodes.stream().filter(n -> n.key().equals(key)).findFirst();
  }

  /** Returns the direct inputs of a record, as edges, in lineage order. */
  public List<TraceEdge> inputsOf(RecordKey key) {
    return edges.stream().filter(e -> e.output().equals(key)).toList();
  }

  /** Returns the problems of a kind. */
  public List<Problem> problems(Problem.Kind kind) {
    return problems.stream().filter(p -> p.kind() == kind).toList();
  }
}
