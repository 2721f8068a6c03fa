package dev.tracelake.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lineage.ExplainNode;
import dev.tracelake.lineage.Explanation;
import dev.tracelake.lineage.Problem;
import dev.tracelake.lineage.RunInfo;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An explanation as the console draws it: the tree flattened into nodes (preorder, ids n0, n1, ...)
 * that name their inputs, each with its table, snapshots, provenance, depth and its values capped
 * for display; the run of the explained record with a link to its code commit when the repository
 * is a web address.
 */
final class ExplainView {
  private ExplainView() {}

  static JsonNode of(Explanation e, int valueChars) {
    ObjectNode out = Json.object();
    List<ExplainNode> nodes = new ArrayList<>();
    Map<ExplainNode, Integer> depths = new IdentityHashMap<>();
    Map<ExplainNode, String> ids = new IdentityHashMap<>();
    flatten(e.root(), 0, nodes, depths, ids);
    out.put("root", ids.get(e.root()));
    ArrayNode array = out.putArray("nodes");
    for (ExplainNode n : nodes) {
      ObjectNode o = array.addObject();
      o.put("id", ids.get(n));
      o.put("table", n.key().table());
      o.put("recordId", n.key().recordId());
      o.put("state", n.state().name());
      o.put("depth", depths.get(n));
      Json.id(o, "citedSnapshotId", n.snapshotId());
      Json.id(o, "readAtSnapshotId", n.readAtSnapshotId());
      o.set("provenance", Json.provenance(n.provenance()));
      ArrayNode values = o.putArray("values");
      n.values().forEach((k, v) -> values.add(Json.value(k, v, valueChars)));
      ArrayNode inputs = o.putArray("inputs");
      n.inputs().forEach(in -> inputs.add(ids.get(in)));
    }
    out.set("run", e.run().map(ExplainView::run).orElse(null));
    ArrayNode problems = out.putArray("problems");
    for (Problem p : e.problems()) {
      ObjectNode o = problems.addObject();
      o.put("kind", p.kind().name());
      if (p.record() != null) {
        o.put("table", p.record().table());
        o.put("recordId", p.record().recordId());
      }
      o.put("message", p.message());
    }
    out.put("truncated", e.truncated());
    out.put("freshness", e.freshness().toString());
    return out;
  }

  private static void flatten(
      ExplainNode node,
      int depth,
      List<ExplainNode> nodes,
      Map<ExplainNode, Integer> depths,
      Map<ExplainNode, String> ids) {
    ids.put(node, "n" + nodes.size());
    depths.put(node, depth);
    nodes.add(node);
    for (ExplainNode in : node.inputs()) {
      flatten(in, depth + 1, nodes, depths, ids);
    }
  }

  static ObjectNode run(RunInfo r) {
    ObjectNode o = Json.object();
    o.put("runId", r.runId());
    o.put("status", r.status().name());
    Json.text(o, "jobNamespace", r.jobNamespace());
    Json.text(o, "jobName", r.jobName());
    Json.text(o, "codeRepository", r.codeRepository());
    Json.text(o, "codeCommit", r.codeCommit());
    Json.text(o, "commitUrl", commitUrl(r.codeRepository(), r.codeCommit()));
    Json.text(o, "modelName", r.modelName());
    Json.text(o, "modelVersion", r.modelVersion());
    Json.time(o, "startedAt", r.startedAt());
    Json.time(o, "endedAt", r.endedAt());
    Json.time(o, "nominalStartTime", r.nominalStartTime());
    Json.text(o, "parentRunId", r.parent() == null ? null : r.parent().runId());
    Json.text(o, "failureMessage", r.failureMessage());
    Json.text(o, "source", r.source().name());
    return o;
  }

  /**
   * Returns the web address of a commit, {@code <repository>/commit/<commit>} (GitHub, GitLab,
   * Gitea and Bitbucket read it), when the repository is an http(s) address; null otherwise, so
   * that no other scheme (javascript:, data:) ever becomes a link.
   */
  static String commitUrl(String repository, String commit) {
    if (repository == null || commit == null) {
      return null;
    }
    URI uri;
    try {
      uri = URI.create(repository.strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
      return null;
    }
    String base = uri.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    if (base.endsWith(".git")) {
      base = base.substring(0, base.length() - 4);
    }
    return base + "/commit/" + URLEncoder.encode(commit, StandardCharsets.UTF_8);
  }
}
