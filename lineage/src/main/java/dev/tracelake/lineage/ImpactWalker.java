package dev.tracelake.lineage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks downstream from the seeds of an impact query over the graph's reverse edges, breadth first,
 * with a visited bit set (cycle-safe). Call under the index's read lock.
 */
final class ImpactWalker {
  private ImpactWalker() {}

  static ImpactResult impact(IndexState state, ImpactQuery query) {
    return impact(state, query, null);
  }

  /**
   * Answers an impact question; with an overlay, the records of its branch or tag are walked too
   * (to any depth: a staged branch is small).
   */
  static ImpactResult impact(IndexState state, ImpactQuery query, RefOverlay overlay) {
    LineageGraph graph = state.graph;
    long asOf = query.asOf().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
    List<Problem> problems = new ArrayList<>();
    long[] visited = new long[(graph.nodeCount() + 63) / 64 + 1];
    IntList seeds = seeds(state, query, asOf, problems);
    Set<RecordKey> refSeeds = new LinkedHashSet<>();
    if (overlay != null) {
      for (RefOverlay.RefRecord r : overlay.records.values()) {
        boolean seed =
            query.kind() == ImpactQuery.Kind.RECORD
                ? r.key().equals(query.record().orElseThrow())
                : query.matches(r.provenance());
        if (seed) {
          refSeeds.add(r.key());
        }
      }
      if (!refSeeds.isEmpty()) {
        // found on the ref after all: not unknown, not missing
        problems.removeIf(
            p ->
                p.kind() == Problem.Kind.NOTHING_MATCHED
                    || (p.kind() == Problem.Kind.RECORD_NOT_FOUND && seeds.size() == 0));
      }
    }
    for (int i = 0; i < seeds.size(); i++) {
      mark(visited, seeds.get(i));
    }
    IntList derived = new IntList();
    walk(graph, seeds, visited, derived, query.maxDepth(), asOf);
    Set<RecordKey> refDerived = new LinkedHashSet<>();
    if (overlay != null) {
      walkRef(graph, overlay, refSeeds, visited, derived, refDerived, asOf);
    }
    findCycles(graph, seeds, visited, problems);
    List<TableRecords> seedTables = byTable(graph, seeds, query.idLimit());
    List<TableRecords> derivedTables = byTable(graph, derived, query.idLimit());
    return new ImpactResult(
        query,
        withKeys(seedTables, refSeeds, query.idLimit()),
        withKeys(derivedTables, refDerived, query.idLimit()),
        problems,
        state.freshness());
  }

  /** Breadth first over the index's reverse edges from {@code level}, marking what it reaches. */
  private static void walk(
      LineageGraph graph, IntList level, long[] visited, IntList derived, int maxDepth, long asOf) {
    for (int depth = 0; depth < maxDepth && level.size() > 0; depth++) {
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
  }

  /**
   * Walks the ref's records that cite anything reached, and the index's records that cite those,
   * until nothing new is reached.
   */
  private static void walkRef(
      LineageGraph graph,
      RefOverlay overlay,
      Set<RecordKey> refSeeds,
      long[] visited,
      IntList derived,
      Set<RecordKey> refDerived,
      long asOf) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Map.Entry<RecordKey, List<RecordKey>> e : overlay.citers.entrySet()) {
        RecordKey input = e.getKey();
        int node = graph.find(input);
        boolean reached =
            refSeeds.contains(input)
                || refDerived.contains(input)
                || (node >= 0 && isMarked(visited, node));
        if (!reached) {
          continue;
        }
        for (RecordKey out : e.getValue()) {
          if (refSeeds.contains(out) || !refDerived.add(out)) {
            continue;
          }
          changed = true;
          // the index's records citing a ref record (rare, but lineage is by id)
          int onMain = graph.find(out);
          if (onMain >= 0 && !isMarked(visited, onMain)) {
            mark(visited, onMain);
            IntList from = new IntList();
            from.add(onMain);
            walk(graph, from, visited, derived, Integer.MAX_VALUE, asOf);
          }
        }
      }
    }
  }

  /** Adds the ref's records to the per-table answer. */
  private static List<TableRecords> withKeys(
      List<TableRecords> tables, Set<RecordKey> keys, int idLimit) {
    if (keys.isEmpty()) {
      return tables;
    }
    Map<String, TableRecords> byName = new java.util.TreeMap<>();
    tables.forEach(t -> byName.put(t.table(), t));
    for (RecordKey k : keys) {
      TableRecords t = byName.get(k.table());
      List<String> ids = new ArrayList<>(t == null ? List.of() : t.recordIds());
      if (ids.size() < idLimit) {
        ids.add(k.recordId());
      }
      byName.put(k.table(), new TableRecords(k.table(), (t == null ? 0 : t.count()) + 1, ids));
    }
    return new ArrayList<>(byName.values());
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
