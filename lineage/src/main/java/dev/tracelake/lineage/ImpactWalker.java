package dev.tracelake.lineage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Walks downstream from the seeds of an impact query over the graph's reverse edges, breadth first,
 * with a visited bit set (cycle-safe). Call under the index's read lock.
 */
final class ImpactWalker {
  private ImpactWalker() {}

  static ImpactResult impact(IndexState state, ImpactQuery query) {
    LineageGraph graph = state.graph;
    long asOf = query.asOf().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
    List<Problem> problems = new ArrayList<>();
    long[] visited = new long[(graph.nodeCount() + 63) / 64 + 1];
    IntList seeds = seeds(state, query, asOf, problems);
    for (int i = 0; i < seeds.size(); i++) {
      mark(visited, seeds.get(i));
    }
    IntList derived = new IntList();
    IntList level = seeds;
    for (int depth = 0; depth < query.maxDepth() && level.size() > 0; depth++) {
      IntList next = new IntList();
      for (int i = 0; i < level.size(); i++) {
        for (int e = graph.firstOutputEdge(level.get(i)); e >= 0; e = graph.nextOutputEdge(e)) {
          int w = graph.edgeOutput(e);
          if (!isMarked(visited, w) && graph.visible(w, asOf)) {
            mark(visited, w);
            derived.add(w);
            next.add(w);
          }
        }
      }
      level = next;
    }
    return new ImpactResult(
        query,
        byTable(graph, seeds, query.idLimit()),
        byTable(graph, derived, query.idLimit()),
        problems,
        state.freshness());
  }

  private static IntList seeds(
      IndexState state, ImpactQuery query, long asOf, List<Problem> problems) {
    LineageGraph graph = state.graph;
    IntList seeds = new IntList();
    if (query.kind() == ImpactQuery.Kind.RECORD) {
      RecordKey key = query.record().orElseThrow();
      int node = graph.find(key);
      if (node >= 0 && graph.visible(node, asOf)) {
        seeds.add(node);
      } else {
        // the same wording as a trace of a record that is not there
        TraceOptions options = TraceOptions.defaults();
        if (query.asOf().isPresent()) {
          options = options.asOf(query.asOf().get());
        }
        TraceResult none = Tracer.trace(state, key, options);
        problems.addAll(none.problems());
      }
      return seeds;
    }
    var provenances = graph.provenances();
    boolean[] match = new boolean[provenances.size()];
    boolean any = false;
    for (int p = 0; p < match.length; p++) {
      match[p] = query.matches(provenances.get(p));
      any |= match[p];
    }
    if (!any) {
      return seeds;
    }
    // one pass over the nodes: a provenance id per node makes this a few ms per million records
    int n = graph.nodeCount();
    for (int node = 0; node < n; node++) {
      int p = graph.provenanceOf(node);
      if (p >= 0 && match[p] && graph.visible(node, asOf)) {
        seeds.add(node);
      }
    }
    return seeds;
  }

  private static List<TableRecords> byTable(LineageGraph graph, IntList nodes, int idLimit) {
    int tables = graph.tables().size();
    long[] counts = new long[tables];
    List<List<String>> ids = new ArrayList<>(tables);
    for (int t = 0; t < tables; t++) {
      ids.add(null);
    }
    for (int i = 0; i < nodes.size(); i++) {
      int node = nodes.get(i);
      int t = graph.tableOf(node);
      counts[t]++;
      if (counts[t] <= idLimit) {
        if (ids.get(t) == null) {
          ids.set(t, new ArrayList<>());
        }
        ids.get(t).add(graph.recordId(node));
      }
    }
    List<TableRecords> out = new ArrayList<>();
    for (int t = 0; t < tables; t++) {
      if (counts[t] > 0) {
        out.add(
            new TableRecords(
                graph.table(t).name, counts[t], ids.get(t) == null ? List.of() : ids.get(t)));
      }
    }
    out.sort(Comparator.comparing(TableRecords::table));
    return out;
  }

  private static void mark(long[] bits, int node) {
    bits[node >>> 6] |= 1L << node;
  }

  private static boolean isMarked(long[] bits, int node) {
    return (bits[node >>> 6] & (1L << node)) != 0;
  }
}
