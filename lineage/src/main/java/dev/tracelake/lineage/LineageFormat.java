package dev.tracelake.lineage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * The ways to render lineage answers: an indented tree for terminals, JSON for programs, Graphviz
 * dot and Mermaid for pictures. What {@code tracelake lineage ... --format} selects.
 */
public enum LineageFormat {
  TREE,
  JSON,
  DOT,
  MERMAID;

  /**
   * Parses a format name, case-insensitively.
   *
   * @throws IllegalArgumentException naming the accepted formats
   */
  public static LineageFormat parse(String name) {
    try {
      return valueOf(name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "Unknown lineage format '" + name + "'; use tree, json, dot or mermaid", e);
    }
  }

  /** Renders an explanation. */
  public String render(Explanation explanation) {
    return switch (this) {
      case TREE -> TreeText.render(explanation);
      case JSON -> JsonValues.pretty(json(explanation));
      case DOT -> GraphView.of(explanation).toDot();
      case MERMAID -> GraphView.of(explanation).toMermaid();
    };
  }

  /** Renders a trace. */
  public String render(TraceResult trace) {
    return switch (this) {
      case TREE -> TreeText.render(trace);
      case JSON -> JsonValues.pretty(json(trace));
      case DOT -> GraphView.of(trace).toDot();
      case MERMAID -> GraphView.of(trace).toMermaid();
    };
  }

  private static ObjectNode json(Explanation e) {
    ObjectNode o = JsonValues.MAPPER.createObjectNode();
    o.set("record", node(e.root()));
    e.run().ifPresent(run -> o.set("run", JsonValues.run(run)));
    ObjectNode runs = o.putObject("runs");
    e.runs().forEach((id, run) -> runs.set(id, JsonValues.run(run)));
    o.set("problems", JsonValues.problems(e.problems()));
    o.put("truncated", e.truncated());
    o.set("freshness", JsonValues.freshness(e.freshness()));
    return o;
  }

  private static ObjectNode node(ExplainNode n) {
    ObjectNode o = JsonValues.key(n.key());
    o.put("state", n.state().name());
    o.set("snapshotId", JsonValues.value(n.snapshotId()));
    o.set("readAtSnapshotId", JsonValues.value(n.readAtSnapshotId()));
    o.set("provenance", JsonValues.provenance(n.provenance()));
    o.set("values", JsonValues.value(n.values()));
    ArrayNode inputs = o.putArray("inputs");
    n.inputs().forEach(i -> inputs.add(node(i)));
    return o;
  }

  private static ObjectNode json(TraceResult t) {
    ObjectNode o = JsonValues.MAPPER.createObjectNode();
    o.set("root", JsonValues.key(t.root()));
    ArrayNode nodes = o.putArray("nodes");
    for (TraceNode n : t.nodes()) {
      ObjectNode j = JsonValues.key(n.key());
      j.put("depth", n.depth());
      j.put("state", n.state().name());
      j.set("snapshotId", JsonValues.value(n.snapshotId()));
      JsonValues.putText(
          j, "committedAt", n.committedAt() == null ? null : n.committedAt().toString());
      j.set("provenance", JsonValues.provenance(n.provenance()));
      nodes.add(j);
    }
    ArrayNode edges = o.putArray("edges");
    for (TraceEdge e : t.edges()) {
      ObjectNode j = edges.addObject();
      j.set("output", JsonValues.key(e.output()));
      j.set("input", JsonValues.key(e.input()));
      j.set("snapshotId", JsonValues.value(e.snapshotId()));
    }
    o.set("problems", JsonValues.problems(t.problems()));
    o.put("truncated", t.truncated());
    o.set("freshness", JsonValues.freshness(t.freshness()));
    return o;
  }
}
