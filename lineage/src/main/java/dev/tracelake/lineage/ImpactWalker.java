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
    findCycles(graph, seeds, visited, problems);
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
      } else if (node >= 0 && !graph.present(node) && graph.firstOutputEdge(node) >= 0) {
        // cited but never ingested: what cites it is still affected (say so, then walk on)
        seeds.add(node);
        problems.add(
            Problem.of(
                Problem.Kind.MISSING_INPUT,
                key,
                "Record %s was never ingested into %s, but records cite it as an input: the"
                    + " impact is theirs",
                key,
                key.table()));
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
      problems.add(
          Problem.of(
              Problem.Kind.NOTHING_MATCHED,
              null,
              "No record of %s is in the lineage index (%s): check the name, or whether its"
                  + " records were written yet",
              query,
              state.freshness()));
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

  private static final int MAX_CYCLES_REPORTED = 10;

  /**
   * Reports lineage cycles among the records reached, as a trace does: an iterative depth-first
   * search from the seeds over the reached part; an edge back into the search's stack closes one.
   */
  private static void findCycles(
      LineageGraph graph, IntList seeds, long[] reached, List<Problem> problems) {
    int n = graph.nodeCount();
    byte[] color = new byte[n];
    int[] stack = new int[Math.min(n, 1024)];
    int[] edge = new int[stack.length];
    int reported = 0;
    for (int s = 0; s < seeds.size() && reported < MAX_CYCLES_REPORTED; s++) {
      int seed = seeds.get(s);
      if (color[seed] != 0) {
        continue;
      }
      int sp = 0;
      stack[sp] = seed;
      edge[sp++] = graph.firstOutputEdge(seed);
      color[seed] = 1;
      while (sp > 0) {
        int e = edge[sp - 1];
        if (e < 0) {
          color[stack[--sp]] = 2;
          continue;
        }
        edge[sp - 1] = graph.nextOutputEdge(e);
        int w = graph.edgeOutput(e);
        if (!isMarked(reached, w)) {
          continue;
        }
        if (color[w] == 0) {
          if (sp == stack.length) {
            stack = java.util.Arrays.copyOf(stack, sp * 2);
            edge = java.util.Arrays.copyOf(edge, sp * 2);
          }
          color[w] = 1;
          stack[sp] = w;
          edge[sp++] = graph.firstOutputEdge(w);
        } else if (color[w] == 1 && reported < MAX_CYCLES_REPORTED) {
          reported++;
          // the cycle runs from w up the stack to the top, then back to w; inputs first, as in
          // a trace's wording each record lists the next as an input, so print it reversed
          List<RecordKey> path = new ArrayList<>();
          int from = sp - 1;
          while (from >= 0 && stack[from] != w) {
            from--;
          }
          for (int i = sp - 1; i >= from; i--) {
            path.add(graph.key(stack[i]));
          }
          path.add(graph.key(stack[sp - 1]));
          StringBuilder text = new StringBuilder();
          for (int i = 0; i < path.size(); i++) {
            text.append(i == 0 ? "" : " -> ").append(path.get(i));
          }
          problems.add(
              Problem.of(
                  Problem.Kind.CYCLE,
                  graph.key(w),
                  "Lineage cycle: %s (each record lists the next as an input); the walk stopped"
                      + " at the repeated record",
                  text));
        }
      }
    }
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
