package dev.tracelake.lineage;

import dev.tracelake.lake.Provenance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lineage answer as labelled boxes and arrows, for Graphviz and Mermaid. Arrows go the way data
 * flows: from an input to the record derived from it, labelled with the snapshot it was read at.
 */
final class GraphView {
  private static final int VALUES_SHOWN = 6;

  record Box(String id, List<String> lines, boolean missing) {}

  record Arrow(String from, String to, String label) {}

  final List<Box> boxes = new ArrayList<>();
  final List<Arrow> arrows = new ArrayList<>();
  private final Map<String, String> ids = new LinkedHashMap<>();

  static GraphView of(TraceResult trace) {
    GraphView view = new GraphView();
    for (TraceNode node : trace.nodes()) {
      List<String> lines = new ArrayList<>();
      lines.add(node.key().table());
      lines.add(node.key().recordId());
      lines.add(stateLine(node.state(), node.snapshotId(), "committed in"));
      provenanceLine(node.provenance(), lines);
      view.box(node.key().toString(), lines, node.state() != NodeState.PRESENT);
    }
    for (TraceEdge edge : trace.edges()) {
      view.arrows.add(
          new Arrow(
              view.ids.get(edge.input().toString()),
              view.ids.get(edge.output().toString()),
              edge.snapshotId() == null ? "" : "@ " + edge.snapshotId()));
    }
    return view;
  }

  static GraphView of(Explanation explanation) {
    GraphView view = new GraphView();
    view.add(explanation.root());
    return view;
  }

  private String add(ExplainNode node) {
    // the same record read at the same snapshot is one box however often it is used
    String identity = node.key() + "@" + node.snapshotId();
    String existing = ids.get(identity);
    if (existing != null) {
      return existing;
    }
    List<String> lines = new ArrayList<>();
    lines.add(node.key().table());
    lines.add(node.key().recordId());
    if (node.state() == NodeState.MISSING && node.provenance().equals(Provenance.none())) {
      lines.add(stateLine(node.state(), null, "at"));
    } else if (node.snapshotId() == null && node.readAtSnapshotId() != null) {
      lines.add(stateLine(node.state(), node.readAtSnapshotId(), "as committed in"));
      lines.add("(no snapshot cited)");
    } else {
      lines.add(stateLine(node.state(), node.snapshotId(), "at"));
    }
    provenanceLine(node.provenance(), lines);
    int shown = 0;
    for (Map.Entry<String, Object> e : node.values().entrySet()) {
      if (e.getKey().startsWith("_")) {
        continue;
      }
      if (shown++ == VALUES_SHOWN) {
        lines.add("...");
        break;
      }
      lines.add(e.getKey() + " = " + TreeText.shortValue(e.getValue()));
    }
    String id = box(identity, lines, node.state() != NodeState.PRESENT);
    for (ExplainNode input : node.inputs()) {
      String from = add(input);
      arrows.add(
          new Arrow(
              from,
              id,
              input.snapshotId() == null ? "no snapshot cited" : "@ " + input.snapshotId()));
    }
    return id;
  }

  private String box(String identity, List<String> lines, boolean missing) {
    String id = "n" + ids.size();
    ids.put(identity, id);
    boxes.add(new Box(id, lines, missing));
    return id;
  }

  private static String stateLine(NodeState state, Long snapshotId, String verb) {
    return switch (state) {
      case PRESENT -> snapshotId == null ? "present" : verb + " snapshot " + snapshotId;
      case MISSING ->
          snapshotId == null
              ? "MISSING (never ingested)"
              : "MISSING " + verb + " snapshot " + snapshotId;
      case NOT_INDEXED -> "NOT INDEXED YET";
      case UNREADABLE -> "UNREADABLE " + verb + " snapshot " + snapshotId;
      case WITHHELD -> "WITHHELD (values not shown)";
    };
  }

  private static void provenanceLine(Provenance p, List<String> lines) {
    List<String> parts = new ArrayList<>();
    if (p.runId() != null) {
      parts.add("run " + p.runId());
    }
    if (p.modelName() != null || p.modelVersion() != null) {
      parts.add(
          "model "
              + (p.modelName() == null ? "?" : p.modelName())
              + (p.modelVersion() == null ? "" : " " + p.modelVersion()));
    }
    if (p.codeCommit() != null) {
      parts.add("commit " + p.codeCommit());
    }
    if (!parts.isEmpty()) {
      lines.add(String.join(", ", parts));
    }
  }

  String toDot() {
    StringBuilder s = new StringBuilder("digraph lineage {\n");
    s.append("  rankdir=LR;\n");
    s.append("  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n");
    s.append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for (Box box : boxes) {
      s.append("  ").append(box.id()).append(" [label=\"");
      for (int i = 0; i < box.lines().size(); i++) {
        if (i > 0) {
          s.append("\\n");
        }
        s.append(dotEscape(box.lines().get(i)));
      }
      s.append('"');
      if (box.missing()) {
        s.append(", style=dashed, color=red");
      }
      s.append("];\n");
    }
    for (Arrow arrow : arrows) {
      s.append("  ").append(arrow.from()).append(" -> ").append(arrow.to());
      if (!arrow.label().isEmpty()) {
        s.append(" [label=\"").append(dotEscape(arrow.label())).append("\"]");
      }
      s.append(";\n");
    }
    return s.append("}\n").toString();
  }

  String toMermaid() {
    StringBuilder s = new StringBuilder("flowchart LR\n");
    for (Box box : boxes) {
      s.append("  ").append(box.id()).append("[\"");
      for (int i = 0; i < box.lines().size(); i++) {
        if (i > 0) {
          s.append("<br/>");
        }
        s.append(mermaidEscape(box.lines().get(i)));
      }
      s.append("\"]\n");
    }
    for (Arrow arrow : arrows) {
      s.append("  ").append(arrow.from());
      if (arrow.label().isEmpty()) {
        s.append(" --> ");
      } else {
        s.append(" -->|\"").append(mermaidEscape(arrow.label())).append("\"| ");
      }
      s.append(arrow.to()).append('\n');
    }
    List<String> missing = boxes.stream().filter(Box::missing).map(Box::id).toList();
    if (!missing.isEmpty()) {
      s.append("  classDef missing stroke:#c00,stroke-dasharray:5 5\n");
      s.append("  class ").append(String.join(",", missing)).append(" missing\n");
    }
    return s.toString();
  }

  static String dotEscape(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static String mermaidEscape(String text) {
    // Mermaid takes HTML entities inside quoted labels; quotes and angle brackets would break it
    return text.replace("&", "#amp;")
        .replace("\"", "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("\n", " ");
  }
}
