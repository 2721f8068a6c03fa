package dev.tracelake.lineage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Traces a record of a branch or tag: its records come from the ref's own rows ({@link
 * RefOverlay}), and as soon as the walk reaches a record of {@code main} the index traces the rest.
 * Call under the index's read lock.
 */
final class RefTracer {
  private RefTracer() {}

  static TraceResult trace(
      IndexState state, RefOverlay overlay, RecordKey root, TraceOptions options) {
    Map<RecordKey, TraceNode> nodes = new LinkedHashMap<>();
    List<TraceEdge> edges = new ArrayList<>();
    Set<Problem> problems = new LinkedHashSet<>();
    boolean truncated = false;
    ArrayDeque<RecordKey> queue = new ArrayDeque<>();
    ArrayDeque<Integer> depths = new ArrayDeque<>();
    RefOverlay.RefRecord first = overlay.records.get(root);
    nodes.put(root, node(first, 0));
    problems.add(
        Problem.of(
            Problem.Kind.ON_BRANCH,
            root,
            "Record %s is on %s of table %s (snapshot %d), not on main",
            root,
            overlay.ref,
            root.table(),
            first.snapshotId()));
    queue.add(root);
    depths.add(0);
    while (!queue.isEmpty()) {
      RecordKey key = queue.poll();
      int depth = depths.poll();
      RefOverlay.RefRecord record = overlay.records.get(key);
      if (record == null) {
        continue;
      }
      if (depth >= options.maxDepth()) {
        truncated |= !record.inputs().isEmpty();
        continue;
      }
      for (TraceEdge edge : record.inputs()) {
        edges.add(edge);
        RecordKey input = edge.input();
        if (nodes.containsKey(input)) {
          if (onRefPath(overlay, input, key)) {
            problems.add(
                Problem.of(
                    Problem.Kind.CYCLE,
                    input,
                    "Lineage cycle: %s -> %s (each record lists the next as an input); the walk"
                        + " stopped at the repeated record",
                    key,
                    input));
          }
          continue;
        }
        if (nodes.size() >= options.maxNodes()) {
          truncated = true;
          continue;
        }
        RefOverlay.RefRecord onRef = overlay.records.get(input);
        if (onRef != null) {
          nodes.put(input, node(onRef, depth + 1));
          queue.add(input);
          depths.add(depth + 1);
          continue;
        }
        // a record of main: the index has the rest of its lineage
        TraceResult rest =
            Tracer.trace(
                state, input, options.maxDepth(Math.max(0, options.maxDepth() - depth - 1)));
        truncated |= rest.truncated();
        for (TraceNode n : rest.nodes()) {
          nodes.putIfAbsent(
              n.key(),
              new TraceNode(
                  n.key(),
                  n.depth() + depth + 1,
                  n.state(),
                  n.snapshotId(),
                  n.committedAt(),
                  n.provenance()));
        }
        edges.addAll(rest.edges());
        for (Problem p : rest.problems()) {
          problems.add(
              p.kind() == Problem.Kind.RECORD_NOT_FOUND
                  ? Problem.of(
                      Problem.Kind.MISSING_INPUT,
                      input,
                      "Record %s lists input %s%s, which is neither on %s nor on main: %s",
                      key,
                      input,
                      edge.snapshotId() == null ? "" : " read at snapshot " + edge.snapshotId(),
                      overlay.ref,
                      p.message())
                  : p);
        }
      }
    }
    return new TraceResult(
        root,
        new ArrayList<>(nodes.values()),
        edges,
        new ArrayList<>(problems),
        truncated,
        state.freshness());
  }

  private static TraceNode node(RefOverlay.RefRecord record, int depth) {
    return new TraceNode(
        record.key(), depth, NodeState.PRESENT, record.snapshotId(), null, record.provenance());
  }

  /** Whether {@code ancestor} reaches {@code key} through the ref's records (a cycle). */
  private static boolean onRefPath(RefOverlay overlay, RecordKey ancestor, RecordKey key) {
    Set<RecordKey> seen = new LinkedHashSet<>();
    ArrayDeque<RecordKey> stack = new ArrayDeque<>();
    stack.push(ancestor);
    while (!stack.isEmpty()) {
      RecordKey k = stack.pop();
      if (k.equals(key)) {
        return true;
      }
      RefOverlay.RefRecord r = overlay.records.get(k);
      if (r != null && seen.add(k)) {
        r.inputs().forEach(e -> stack.push(e.input()));
      }
    }
    return false;
  }
}
