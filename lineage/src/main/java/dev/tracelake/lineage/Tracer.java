package dev.tracelake.lineage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks upstream from a record, breadth first, over the graph's forward edges. Cycle-safe: each
 * record is visited once; cycles are then found on the explored part with a depth-first pass and
 * reported. Call under the index's read lock.
 */
final class Tracer {
  private static final int MAX_CYCLES_REPORTED = 10;

  // written (rarely) so that the JIT keeps the loads behind it; see LineageGraph.touchInputs
  private static int sink;
  // inputs loaded ahead per level: enough for a typical trace, few enough to stay in the caches
  private static final int TOUCH_BUDGET = 256;

  private final LineageGraph graph;
  private final TraceOptions options;
  private final long asOf;
  // sized for a typical trace (tens of records) so that one allocates no more than it must
  private static final int EXPECTED_NODES = 64;

  private final List<Problem> problems = new ArrayList<>();
  // local ids of the inputs already checked (each is reported once)
  private final BitSet reportedNodes = new BitSet(EXPECTED_NODES);
  private final Set<Integer> reportedSnapshots = new HashSet<>();

  // explored part, in local ids (0 = the traced record)
  private final IntIntMap local = new IntIntMap(EXPECTED_NODES);
  private final IntList order = new IntList(EXPECTED_NODES);
  private final IntList depth = new IntList(EXPECTED_NODES);
  private final List<RecordKey> keys = new ArrayList<>(EXPECTED_NODES);
  private final IntList edgeFrom = new IntList(EXPECTED_NODES);
  private final IntList edgeTo = new IntList(EXPECTED_NODES);
  private final List<TraceEdge> edges = new ArrayList<>(EXPECTED_NODES);
  private int touched;

  private Tracer(LineageGraph graph, TraceOptions options) {
    this.graph = graph;
    this.options = options;
    this.asOf = options.asOf().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
  }

  static TraceResult trace(IndexState state, RecordKey key, TraceOptions options) {
    return new Tracer(state.graph, options).run(key, state.freshness());
  }

  private TraceResult run(RecordKey key, Freshness freshness) {
    int root = graph.find(key);
    if (root < 0 || !graph.visible(root, asOf)) {
      problems.add(notFound(key, root));
      TraceNode node = new TraceNode(key, 0, absentState(key.table()), null, null, null);
      return new TraceResult(key, List.of(node), List.of(), problems, false, freshness);
    }
    boolean truncated = walk(root);
    if (touched == 0x7FFFFFFF) {
      sink = touched;
    }
    findCycles();
    List<TraceNode> nodes = new ArrayList<>(order.size());
    for (int i = 0; i < order.size(); i++) {
      nodes.add(node(i));
    }
    return new TraceResult(key, nodes, edges, problems, truncated, freshness);
  }

  /** Breadth-first walk; returns whether a limit cut it short. */
  private boolean walk(int root) {
    boolean truncated = false;
    visit(root, 0);
    int levelEnd = 0;
    for (int head = 0; head < order.size(); head++) {
      if (head == levelEnd) {
        // a new breadth-first level: load what visiting its inputs will read, all at once
        levelEnd = order.size();
        if (depth.get(head) < options.maxDepth()) {
          int budget = TOUCH_BUDGET;
          for (int i = head; i < levelEnd && budget > 0; i++) {
            int n = order.get(i);
            int count = Math.min(graph.inputCount(n), budget);
            touched += graph.touchInputs(graph.firstInput(n), count);
            budget -= count;
          }
        }
      }
      int u = order.get(head);
      int count = graph.inputCount(u);
      if (count == 0 || !graph.visible(u, asOf)) {
        continue;
      }
      int d = depth.get(head);
      int start = graph.firstInput(u);
      if (d >= options.maxDepth()) {
        // cut short only if an input is not reached some shorter way
        for (int e = start; e < start + count && !truncated; e++) {
          truncated = !local.containsKey(graph.edgeInput(e));
        }
        continue;
      }
      for (int e = start; e < start + count; e++) {
        int v = graph.edgeInput(e);
        int lv = local.get(v, -1);
        if (lv < 0) {
          if (order.size() >= options.maxNodes()) {
            truncated = true;
            continue;
          }
          lv = visit(v, d + 1);
        }
        int snapRef = graph.edgeSnapshotRef(e);
        edges.add(
            new TraceEdge(
                keys.get(head), keys.get(lv), snapRef < 0 ? null : graph.snapshotId(snapRef)));
        edgeFrom.add(head);
        edgeTo.add(lv);
        checkEdge(keys.get(head), v, lv, keys.get(lv), snapRef);
      }
    }
    return truncated;
  }

  private int visit(int node, int d) {
    int lv = order.size();
    local.put(node, lv);
    order.add(node);
    depth.add(d);
    keys.add(graph.key(node));
    return lv;
  }

  /** Reports what is wrong with one lineage step, once per input and per cited snapshot. */
  private void checkEdge(
      RecordKey output, int input, int localInput, RecordKey inputKey, int snapRef) {
    boolean visible = graph.visible(input, asOf);
    if (visible
        && (snapRef < 0 || (reportedNodes.get(localInput) && graph.snapshotExists(snapRef)))) {
      return; // the common case: nothing left to check
    }
    TableState table = graph.table(graph.tableOf(input));
    if (snapRef >= 0
        && table.inLake
        && !graph.snapshotExists(snapRef)
        && reportedSnapshots.add(snapRef)) {
      problems.add(
          Problem.of(
              Problem.Kind.SNAPSHOT_NOT_FOUND,
              inputKey,
              "Record %s lists input %s%s, but table %s has no snapshot %d",
              output,
              inputKey,
              readAt(snapRef),
              table.name,
              graph.snapshotId(snapRef)));
    }
    if (visible) {
      if (snapRef >= 0 && graph.snapshotExists(snapRef) && report(localInput)) {
        long readMillis = graph.snapshotMillis(snapRef);
        long committedMillis = graph.committedMillis(input);
        if (committedMillis != LineageGraph.UNKNOWN_TIME && committedMillis > readMillis) {
          problems.add(
              Problem.of(
                  Problem.Kind.MISSING_INPUT,
                  inputKey,
                  "Record %s lists input %s%s, but the input was committed later, in snapshot %d"
                      + " at %s",
                  output,
                  inputKey,
                  readAt(snapRef),
                  graph.snapshotId(graph.commitRef(input)),
                  Instant.ofEpochMilli(committedMillis)));
        }
      }
      return;
    }
    if (!report(localInput)) {
      return;
    }
    if (graph.present(input)) {
      problems.add(
          Problem.of(
              Problem.Kind.MISSING_INPUT,
              inputKey,
              "Record %s lists input %s%s, but the input was only committed at %s, after the"
                  + " as-of time %s",
              output,
              inputKey,
              readAt(snapRef),
              Instant.ofEpochMilli(graph.committedMillis(input)),
              Instant.ofEpochMilli(asOf)));
    } else if (!table.inLake) {
      problems.add(
          Problem.of(
              Problem.Kind.MISSING_INPUT,
              inputKey,
              "Record %s lists input %s%s, but table %s does not exist",
              output,
              inputKey,
              readAt(snapRef),
              table.name));
    } else if (table.snapshotsBehind > 0) {
      problems.add(
          Problem.of(
              Problem.Kind.NOT_INDEXED,
              inputKey,
              "Input %s of record %s is not in the index yet: table %s is indexed to snapshot %s,"
                  + " its head is snapshot %s (%d snapshot(s) behind)",
              inputKey,
              output,
              table.name,
              table.indexedSnapshotId,
              table.headSnapshotId,
              table.snapshotsBehind));
    } else {
      problems.add(
          Problem.of(
              Problem.Kind.MISSING_INPUT,
              inputKey,
              "Record %s lists input %s%s, but %s was never ingested into %s",
              output,
              inputKey,
              readAt(snapRef),
              inputKey.recordId(),
              table.name));
    }
  }

  /** Marks an input checked; returns whether it was not before. */
  private boolean report(int localInput) {
    if (reportedNodes.get(localInput)) {
      return false;
    }
    reportedNodes.set(localInput);
    return true;
  }

  /** Describes where an edge was read, for problem messages only (built when one is reported). */
  private String readAt(int snapRef) {
    return snapRef < 0 ? "" : " read at snapshot " + graph.snapshotId(snapRef);
  }

  private Problem notFound(RecordKey key, int node) {
    if (node >= 0 && graph.present(node)) {
      return Problem.of(
          Problem.Kind.RECORD_NOT_FOUND,
          key,
          "Record %s was committed at %s, after the as-of time %s",
          key,
          Instant.ofEpochMilli(graph.committedMillis(node)),
          Instant.ofEpochMilli(asOf));
    }
    int tableId = graph.findTable(key.table());
    TableState table = tableId < 0 ? null : graph.table(tableId);
    if (table == null || !table.inLake) {
      return Problem.of(
          Problem.Kind.RECORD_NOT_FOUND,
          key,
          "Record %s is not in the lineage index: table %s does not exist%s",
          key,
          key.table(),
          table == null ? " or is not indexed yet" : "");
    }
    if (table.snapshotsBehind > 0) {
      return Problem.of(
          Problem.Kind.RECORD_NOT_FOUND,
          key,
          "Record %s is not in the lineage index, which lags: table %s is indexed to snapshot"
              + " %s, its head is snapshot %s (%d snapshot(s) behind)",
          key,
          table.name,
          table.indexedSnapshotId,
          table.headSnapshotId,
          table.snapshotsBehind);
    }
    return Problem.of(
        Problem.Kind.RECORD_NOT_FOUND,
        key,
        "Record %s was never ingested: table %s has no record with id %s (indexed to snapshot %s)",
        key,
        table.name,
        key.recordId(),
        table.indexedSnapshotId);
  }

  private NodeState absentState(String tableName) {
    int tableId = graph.findTable(tableName);
    if (tableId >= 0) {
      TableState t = graph.table(tableId);
      if (t.inLake && t.snapshotsBehind > 0) {
        return NodeState.NOT_INDEXED;
      }
    }
    return NodeState.MISSING;
  }

  private TraceNode node(int i) {
    int n = order.get(i);
    if (!graph.visible(n, asOf)) {
      return new TraceNode(
          keys.get(i), depth.get(i), absentState(keys.get(i).table()), null, null, null);
    }
    int commit = graph.commitRef(n);
    long millis = graph.snapshotMillis(commit);
    return new TraceNode(
        keys.get(i),
        depth.get(i),
        NodeState.PRESENT,
        graph.snapshotId(commit),
        millis == LineageGraph.UNKNOWN_TIME ? null : Instant.ofEpochMilli(millis),
        graph.provenance(n));
  }

  /**
   * Finds cycles in the explored part with an iterative depth-first search: an edge into a record
   * still on the stack closes a cycle.
   */
  private void findCycles() {
    int n = order.size();
    // edges were added grouped by their source in increasing local order: index them CSR-style
    int[] start = new int[n + 1];
    for (int i = 0; i < edgeFrom.size(); i++) {
      start[edgeFrom.get(i) + 1]++;
    }
    for (int i = 0; i < n; i++) {
      start[i + 1] += start[i];
    }
    byte[] color = new byte[n];
    int[] stack = new int[n];
    int[] next = new int[n];
    int[] stackPos = new int[n];
    int sp = 0;
    int reported = 0;
    stack[sp] = 0;
    next[sp] = start[0];
    stackPos[0] = sp++;
    color[0] = 1;
    while (sp > 0) {
      int top = stack[sp - 1];
      if (next[sp - 1] < start[top + 1]) {
        int w = edgeTo.get(next[sp - 1]++);
        if (color[w] == 0) {
          color[w] = 1;
          stack[sp] = w;
          next[sp] = start[w];
          stackPos[w] = sp++;
        } else if (color[w] == 1 && reported < MAX_CYCLES_REPORTED) {
          reported++;
          StringBuilder path = new StringBuilder();
          for (int i = stackPos[w]; i < sp; i++) {
            path.append(keys.get(stack[i])).append(" -> ");
          }
          path.append(keys.get(w));
          problems.add(
              Problem.of(
                  Problem.Kind.CYCLE,
                  keys.get(w),
                  "Lineage cycle: %s (each record lists the next as an input); the walk stopped"
                      + " at the repeated record",
                  path));
        }
      } else {
        color[top] = 2;
        sp--;
      }
    }
  }
}
