package dev.tracelake.lineage.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Renders an evidence bundle as one self-contained HTML page for people: no script, no external
 * resource, a Content-Security-Policy that allows only its own style sheet, and every value escaped
 * (markup, control characters and bidirectional overrides are shown, never interpreted). The JSON
 * bundle stays the evidence; the page names its digest.
 */
public final class EvidenceHtml {
  /** Values longer than this are cut in the page (the JSON bundle has them whole). */
  static final int MAX_VALUE_CHARS = 10_000;

  private static final String STYLE =
      "body{font:15px/1.45 system-ui,sans-serif;color:#1a1a1a;background:#fff;margin:2rem}"
          + "h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}"
          + "table{border-collapse:collapse;margin:.5rem 0}"
          + "th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:left;"
          + "vertical-align:top}"
          + "th{background:#f0f0f0}code,td.v{font-family:ui-monospace,monospace;"
          + "white-space:pre-wrap;word-break:break-all}"
          + "ul.tree{list-style:none;padding-left:1.25rem;border-left:2px solid #d0d0d0}"
          + ".state{font-weight:bold;padding:0 .3rem;border:1px solid currentColor}"
          + ".PRESENT{color:#1d6b2c}.MISSING{color:#a4161a}.WITHHELD{color:#5a3e99}"
          + ".UNREADABLE{color:#8a4b00}.NOT_INDEXED{color:#555}"
          + ".esc{color:#a4161a}";

  private static final String CSP =
      "default-src 'none'; style-src 'sha256-"
          + Base64.getEncoder()
              .encodeToString(EvidenceJson.digest().digest(STYLE.getBytes(StandardCharsets.UTF_8)))
          + "'; base-uri 'none'; form-action 'none'";

  private EvidenceHtml() {}

  /** Returns the Content-Security-Policy the page carries; serve it with the same header. */
  public static String contentSecurityPolicy() {
    return CSP;
  }

  /** Renders {@code bundle} as an HTML page. */
  public static String render(EvidenceBundle bundle) {
    JsonNode e = bundle.evidence();
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .append(escape(CSP))
        .append("\"><title>Evidence: ")
        .append(escape(bundle.subject().toString()))
        .append("</title><style>")
        .append(STYLE)
        .append("</style></head><body><main>");
    h.append("<h1>Evidence about record <code>")
        .append(escape(bundle.subject().recordId()))
        .append("</code> of table <code>")
        .append(escape(bundle.subject().table()))
        .append("</code></h1>");
    h.append("<table><tbody>");
    row(h, "Exported at", text(e, "exportedAt"));
    row(h, "Exported by", text(e, "exportedBy"));
    row(h, "Warehouse", text(e, "warehouse"));
    row(h, "Content SHA-256", bundle.contentSha256());
    row(h, "Truncated", e.path("truncated").asBoolean() ? "yes: depth or row limit" : "no");
    row(h, "Index", text(e, "indexFreshness"));
    h.append("</tbody></table>");
    h.append("<p>Check it against the lake with <code>tracelake verify &lt;bundle.json&gt;</code>.")
        .append("</p>");

    Map<String, JsonNode> records = byId(e.path("records"));
    Map<String, JsonNode> rows = byId(e.path("rows"));
    Map<String, JsonNode> files = byId(e.path("files"));
    h.append("<h2>Records</h2>");
    JsonNode root = records.get(text(e, "root"));
    if (root != null) {
      h.append("<ul class=\"tree\">");
      tree(h, root, records, rows, files, 0);
      h.append("</ul>");
    }
    h.append("<h2>Runs</h2><table><thead><tr><th>Run</th><th>Status</th><th>Job</th>")
        .append("<th>Code</th><th>Model</th><th>Started</th><th>Ended</th></tr></thead><tbody>");
    for (JsonNode r : e.path("runs")) {
      h.append("<tr>");
      cell(h, text(r, "runId"));
      cell(h, text(r, "status"));
      cell(h, join(text(r, "jobNamespace"), text(r, "jobName")));
      cell(h, join(text(r, "codeRepository"), text(r, "codeCommit")));
      cell(h, join(text(r, "modelName"), text(r, "modelVersion")));
      cell(h, text(r, "startedAt"));
      cell(h, text(r, "endedAt"));
      h.append("</tr>");
    }
    h.append("</tbody></table>");
    h.append("<h2>Snapshots</h2><table><thead><tr><th>Table</th><th>Snapshot</th>")
        .append("<th>Committed</th><th>Operation</th><th>Rows added</th><th>Run</th>")
        .append("<th>Code commit</th><th>Model</th><th>Producer</th></tr></thead><tbody>");
    for (JsonNode s : e.path("snapshots")) {
      JsonNode p = s.path("provenance");
      h.append("<tr>");
      cell(h, text(s, "table"));
      cell(h, text(s, "snapshotId"));
      cell(h, s.path("exists").asBoolean(true) ? text(s, "committedAt") : "(not in the table)");
      cell(h, text(s, "operation"));
      cell(h, s.has("addedRows") ? s.get("addedRows").asText() : null);
      cell(h, text(p, "runId"));
      cell(h, text(p, "codeCommit"));
      cell(h, join(text(p, "modelName"), text(p, "modelVersion")));
      cell(h, text(s, "producer"));
      h.append("</tr>");
    }
    h.append("</tbody></table>");
    h.append("<h2>Data files</h2><table><thead><tr><th>Table</th><th>Location</th>")
        .append("<th>Bytes</th><th>SHA-256</th></tr></thead><tbody>");
    for (JsonNode f : e.path("files")) {
      h.append("<tr>");
      cell(h, text(f, "table"));
      cell(h, text(f, "location"));
      cell(h, f.path("sizeBytes").asText());
      cell(h, text(f, "sha256"));
      h.append("</tr>");
    }
    h.append("</tbody></table>");
    h.append("<h2>Problems</h2>");
    if (e.path("problems").isEmpty()) {
      h.append("<p>None.</p>");
    } else {
      h.append("<ul>");
      for (JsonNode p : e.path("problems")) {
        h.append("<li><strong>")
            .append(escape(text(p, "kind")))
            .append("</strong> ")
            .append(escape(text(p, "message")))
            .append("</li>");
      }
      h.append("</ul>");
    }
    h.append("</main></body></html>\n");
    return h.toString();
  }

  private static void tree(
      StringBuilder h,
      JsonNode node,
      Map<String, JsonNode> records,
      Map<String, JsonNode> rows,
      Map<String, JsonNode> files,
      int depth) {
    String state = text(node, "state");
    h.append("<li><span class=\"state ")
        .append(escape(state))
        .append("\">")
        .append(escape(state))
        .append("</span> <code>")
        .append(escape(text(node, "table")))
        .append("</code> <code>")
        .append(escape(text(node, "recordId")))
        .append("</code>");
    String cited = text(node, "citedSnapshotId");
    String readAt = text(node, "readAtSnapshotId");
    if (cited != null) {
      h.append(" cited at snapshot ").append(escape(cited));
    }
    if (readAt != null && !readAt.equals(cited)) {
      h.append(", read at snapshot ").append(escape(readAt));
    }
    JsonNode p = node.path("provenance");
    String who = join(text(p, "runId"), join(text(p, "modelName"), text(p, "modelVersion")));
    if (who != null) {
      h.append(" (").append(escape(who)).append(')');
    }
    JsonNode row = rows.get(text(node, "row"));
    if (row != null) {
      JsonNode file = files.get(text(row, "file"));
      if (file != null) {
        h.append("<br>file <code>")
            .append(escape(text(file, "location")))
            .append("</code> sha256 <code>")
            .append(escape(text(file, "sha256")))
            .append("</code>");
      }
      h.append("<table><tbody>");
      row.path("values")
          .fields()
          .forEachRemaining(
              v -> {
                h.append("<tr><th scope=\"row\">").append(escape(v.getKey())).append("</th>");
                h.append("<td class=\"v\"><bdi>")
                    .append(escapeValue(v.getValue()))
                    .append("</bdi></td></tr>");
              });
      h.append("</tbody></table>");
    }
    JsonNode inputs = node.path("inputs");
    if (!inputs.isEmpty() && depth < 200) {
      h.append("<ul class=\"tree\">");
      for (JsonNode in : inputs) {
        JsonNode child = records.get(in.asText());
        if (child != null) {
          tree(h, child, records, rows, files, depth + 1);
        }
      }
      h.append("</ul>");
    }
    h.append("</li>");
  }

  private static String escapeValue(JsonNode v) {
    String text = v.isTextual() ? v.asText() : v.toString();
    if (text.length() > MAX_VALUE_CHARS) {
      return escape(text.substring(0, MAX_VALUE_CHARS))
          + " … ("
          + (text.length() - MAX_VALUE_CHARS)
          + " more characters; the JSON bundle has the whole value)";
    }
    return escape(text);
  }

  private static Map<String, JsonNode> byId(JsonNode array) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode n : array) {
      String id = text(n, "id");
      if (id != null) {
        out.put(id, n);
      }
    }
    return out;
  }

  private static void row(StringBuilder h, String label, String value) {
    h.append("<tr><th scope=\"row\">").append(escape(label)).append("</th>");
    cell(h, value);
    h.append("</tr>");
  }

  private static void cell(StringBuilder h, String value) {
    h.append("<td><bdi>").append(value == null ? "" : escape(value)).append("</bdi></td>");
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() || v.isMissingNode() ? null : v.asText();
  }

  private static String join(String a, String b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : a + " " + b;
  }

  /**
   * Escapes text for HTML: markup characters as entities, control characters and bidirectional
   * formatting characters as visible {@code \\uXXXX} (they could reorder or hide the text around
   * them).
   */
  public static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        case '\n', '\t' -> out.append(c);
        default -> {
          if (Character.isISOControl(c) || isBidiControl(c)) {
            out.append(String.format("<span class=\"esc\">\\u%04x</span>", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  static boolean isBidiControl(char c) {
    return (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\u200E'
        || c == '\u200F'
        || c == '\u061C';
  }
}
