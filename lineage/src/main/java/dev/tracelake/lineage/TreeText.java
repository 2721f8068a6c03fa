package dev.tracelake.lineage;

import dev.tracelake.lake.Provenance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Renders lineage answers as an indented tree for terminals. */
final class TreeText {
  private static final int VALUE_WIDTH = 60;

  private TreeText() {}

  static String render(Explanation explanation) {
    StringBuilder s = new StringBuilder();
    node(s, explanation.root(), "", "");
    explanation
        .run()
        .ifPresent(
            run ->
                s.append("run ")
                    .append(run.runId())
                    .append(": ")
                    .append(run.status())
                    .append(describeRun(run))
                    .append('\n'));
    footer(s, explanation.problems(), explanation.truncated(), explanation.freshness());
    return s.toString();
  }

  static String render(TraceResult trace) {
    StringBuilder s = new StringBuilder();
    Map<RecordKey, TraceNode> nodes = new HashMap<>();
    trace.nodes().forEach(n -> nodes.put(n.key(), n));
    Map<RecordKey, List<TraceEdge>> inputs = new HashMap<>();
    trace.edges().forEach(e -> inputs.computeIfAbsent(e.output(), k -> new ArrayList<>()).add(e));
    TraceNode root = nodes.get(trace.root());
    s.append(line(root.key(), root.state(), root.snapshotId(), root.provenance())).append('\n');
    traceChildren(s, root.key(), nodes, inputs, "", new HashSet<>(Set.of(root.key())));
    footer(s, trace.problems(), trace.truncated(), trace.freshness());
    return s.toString();
  }

  private static void traceChildren(
      StringBuilder s,
      RecordKey key,
      Map<RecordKey, TraceNode> nodes,
      Map<RecordKey, List<TraceEdge>> inputs,
      String indent,
      Set<RecordKey> shown) {
    List<TraceEdge> edges = inputs.getOrDefault(key, List.of());
    for (int i = 0; i < edges.size(); i++) {
      TraceEdge edge = edges.get(i);
      boolean last = i == edges.size() - 1;
      TraceNode node = nodes.get(edge.input());
      s.append(indent).append(last ? "└── " : "├── ");
      s.append(line(node.key(), node.state(), edge.snapshotId(), node.provenance()));
      // a record shown before (shared input or cycle) is not expanded again
      if (!shown.add(node.key())) {
        s.append(" (shown above)\n");
        continue;
      }
      s.append('\n');
      traceChildren(s, node.key(), nodes, inputs, indent + (last ? "    " : "│   "), shown);
    }
  }

  private static void node(StringBuilder s, ExplainNode node, String linePrefix, String prefix) {
    s.append(linePrefix)
        .append(line(node.key(), node.state(), node.snapshotId(), node.provenance()));
    if (node.snapshotId() == null && node.readAtSnapshotId() != null) {
      s.append("  (no snapshot cited; row as committed in snapshot ")
          .append(node.readAtSnapshotId())
          .append(')');
    }
    s.append('\n');
    String valuePrefix = prefix + (node.inputs().isEmpty() ? "  " : "│ ");
    for (Map.Entry<String, Object> e : node.values().entrySet()) {
      if (!e.getKey().startsWith("_")) {
        s.append(valuePrefix).append(e.getKey()).append(" = ").append(shortValue(e.getValue()));
        s.append('\n');
      }
    }
    for (int i = 0; i < node.inputs().size(); i++) {
      boolean last = i == node.inputs().size() - 1;
      node(
          s,
          node.inputs().get(i),
          prefix + (last ? "└── " : "├── "),
          prefix + (last ? "    " : "│   "));
    }
  }

  private static String line(
      RecordKey key, NodeState state, Long snapshotId, Provenance provenance) {
    StringBuilder s = new StringBuilder(key.toString());
    if (snapshotId != null) {
      s.append(" @ snapshot ").append(snapshotId);
    }
    if (state != NodeState.PRESENT) {
      s.append("  ").append(marker(state));
    }
    List<String> parts = new ArrayList<>();
    if (provenance.runId() != null) {
      parts.add("run " + provenance.runId());
    }
    if (provenance.modelName() != null || provenance.modelVersion() != null) {
      parts.add(
          "model "
              + (provenance.modelName() == null ? "?" : provenance.modelName())
              + (provenance.modelVersion() == null ? "" : " " + provenance.modelVersion()));
    }
    if (provenance.codeCommit() != null) {
      parts.add("commit " + provenance.codeCommit());
    }
    if (!parts.isEmpty()) {
      s.append("  (").append(String.join(", ", parts)).append(')');
    }
    return s.toString();
  }

  /** The marker of a record that is not shown with its values, the same in every format. */
  static String marker(NodeState state) {
    return switch (state) {
      case PRESENT -> "";
      case MISSING -> "[MISSING]";
      case NOT_INDEXED -> "[NOT INDEXED YET]";
      case UNREADABLE -> "[UNREADABLE]";
      case WITHHELD -> "[WITHHELD]";
    };
  }

  private static String describeRun(RunInfo run) {
    List<String> parts = new ArrayList<>();
    if (run.jobName() != null) {
      parts.add(
          "job " + (run.jobNamespace() == null ? "" : run.jobNamespace() + "/") + run.jobName());
    }
    if (run.codeCommit() != null) {
      parts.add(
          "commit "
              + run.codeCommit()
              + (run.codeRepository() == null ? "" : " of " + run.codeRepository()));
    }
    if (run.modelName() != null) {
      parts.add(
          "model "
              + run.modelName()
              + (run.modelVersion() == null ? "" : " " + run.modelVersion()));
    }
    if (run.startedAt() != null) {
      parts.add("started " + run.startedAt());
    }
    if (run.endedAt() != null) {
      parts.add("ended " + run.endedAt());
    }
    if (!run.parameters().isEmpty()) {
      parts.add("parameters " + run.parameters());
    }
    return parts.isEmpty() ? "" : ", " + String.join(", ", parts);
  }

  private static void footer(
      StringBuilder s, List<Problem> problems, boolean truncated, Freshness freshness) {
    if (truncated) {
      s.append("(limits reached: more lineage not shown)\n");
    }
    if (!problems.isEmpty()) {
      s.append("problems:\n");
      for (Problem p : problems) {
        s.append("  - ").append(p.kind()).append(": ").append(p.message()).append('\n');
      }
    }
    s.append(freshness).append('\n');
  }

  static String shortValue(Object value) {
    String text = value instanceof byte[] b ? "<" + b.length + " bytes>" : String.valueOf(value);
    text = text.replace('\n', ' ');
    return text.length() <= VALUE_WIDTH ? text : text.substring(0, VALUE_WIDTH - 3) + "...";
  }
}
