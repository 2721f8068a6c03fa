package dev.tracelake.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lineage.ExplainOptions;
import dev.tracelake.lineage.Explanation;
import dev.tracelake.lineage.ImpactQuery;
import dev.tracelake.lineage.ImpactResult;
import dev.tracelake.lineage.Problem;
import dev.tracelake.lineage.RecordKey;
import dev.tracelake.lineage.TableRecords;
import dev.tracelake.lineage.evidence.Difference;
import dev.tracelake.lineage.evidence.EvidenceBundle;
import dev.tracelake.lineage.evidence.EvidenceHtml;
import dev.tracelake.lineage.evidence.VerificationReport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** One record: its explanation, its full row, its downstream impact, its evidence bundle. */
final class RecordsApi {
  static final int MAX_DEPTH = 50;
  static final int MAX_NODES = 5_000;
  static final int DEFAULT_IMPACT_PAGE = 50;
  static final int MAX_IMPACT_PAGE = 500;
  static final int MAX_IMPACT_IDS = 100_000;
  static final int ROW_VALUE_CHARS = 4 << 20;

  private final ConsoleContext context;

  RecordsApi(ConsoleContext context) {
    this.context = context;
  }

  private static RecordKey key(ConsoleRequest request) {
    return RecordKey.of(request.required("table"), request.required("id"));
  }

  private ExplainOptions options(ConsoleRequest request, int defaultDepth) {
    ExplainOptions options =
        ExplainOptions.defaults()
            .catchUpFirst()
            .maxDepth(request.intParam("depth", defaultDepth, 0, MAX_DEPTH))
            .maxRows(request.intParam("max_nodes", ExplainOptions.DEFAULT_MAX_ROWS, 1, MAX_NODES))
            .valueAccess(request.who().valueAccess())
            .runTables(request.who().sees());
    Optional<String> ref = request.param("ref");
    return ref.isPresent() ? options.ref(ref.get()) : options;
  }

  private Explanation explain(ConsoleRequest request, int defaultDepth) {
    RecordKey key = key(request);
    context.table(key.table());
    Explanation e = context.lineage().explain(key, options(request, defaultDepth));
    List<Problem> notFound = e.problems(Problem.Kind.RECORD_NOT_FOUND);
    if (!notFound.isEmpty() && key.equals(notFound.get(0).record())) {
      throw new ApiException(404, notFound.get(0).message());
    }
    return e;
  }

  /** {@code GET /api/v1/explain?table=&id=&ref=&depth=&max_nodes=}. */
  JsonNode explain(ConsoleRequest request) {
    return ExplainView.of(explain(request, ExplainOptions.DEFAULT_MAX_DEPTH), Json.DISPLAY_CHARS);
  }

  /** {@code GET /api/v1/row?table=&id=&ref=}: the record's own row, values whole (up to 4 Mi). */
  JsonNode row(ConsoleRequest request) {
    Explanation e = explain(request, 0);
    JsonNode view = ExplainView.of(e, ROW_VALUE_CHARS);
    return view.get("nodes").get(0);
  }

  /**
   * {@code GET /api/v1/impact?table=&id= | run= | model=&version= | commit=}, with {@code ref},
   * {@code focus} (a table whose ids to page), {@code offset} and {@code page_size}: what was
   * derived downstream, counted per table, with one page of record ids per table.
   */
  JsonNode impact(ConsoleRequest request) {
    int size = request.intParam("page_size", DEFAULT_IMPACT_PAGE, 1, MAX_IMPACT_PAGE);
    int offset = request.intParam("offset", 0, 0, MAX_IMPACT_IDS - 1);
    Optional<String> focus = request.param("focus");
    ImpactQuery query = query(request);
    query = query.catchUpFirst().idLimit(Math.min(MAX_IMPACT_IDS, offset + size));
    Optional<String> ref = request.param("ref");
    if (ref.isPresent()) {
      query = query.ref(ref.get());
    }
    ImpactResult result = context.lineage().impact(query);
    // tables the principal may not see are left out, counts included: a total would tell of them
    java.util.function.Predicate<String> sees = request.who().sees();
    List<TableRecords> seeds = result.seeds().stream().filter(t -> sees.test(t.table())).toList();
    List<TableRecords> derived =
        result.derived().stream().filter(t -> sees.test(t.table())).toList();
    ObjectNode out = Json.object();
    out.put("query", query.toString());
    out.set("seeds", tables(seeds, focus, offset, size));
    out.set("derived", tables(derived, focus, offset, size));
    out.put("seedCount", seeds.stream().mapToLong(TableRecords::count).sum());
    out.put("derivedCount", derived.stream().mapToLong(TableRecords::count).sum());
    ArrayNode problems = out.putArray("problems");
    for (Problem p : result.problems()) {
      if (p.record() == null || sees.test(p.record().table())) {
        problems.addObject().put("kind", p.kind().name()).put("message", p.message());
      }
    }
    out.put("freshness", result.freshness().toString());
    return out;
  }

  private static ImpactQuery query(ConsoleRequest request) {
    if (request.param("id").isPresent()) {
      return ImpactQuery.ofRecord(key(request));
    }
    if (request.param("run").isPresent()) {
      return ImpactQuery.ofRun(request.required("run"));
    }
    if (request.param("model").isPresent()) {
      return ImpactQuery.ofModel(request.required("model"), request.param("version").orElse(null));
    }
    if (request.param("commit").isPresent()) {
      return ImpactQuery.ofCodeCommit(request.required("commit"));
    }
    throw ApiException.badRequest(
        "Impact needs a record (table and id), a run, a model (and version) or a commit");
  }

  private static ArrayNode tables(
      List<TableRecords> tables, Optional<String> focus, int offset, int size) {
    ArrayNode out = Json.array();
    for (TableRecords t : tables) {
      ObjectNode o = out.addObject();
      o.put("table", t.table());
      o.put("count", t.count());
      boolean focused = focus.isPresent() && focus.get().equals(t.table());
      int from = focused ? Math.min(offset, t.recordIds().size()) : 0;
      int to = Math.min(t.recordIds().size(), from + size);
      o.put("offset", from);
      ArrayNode ids = o.putArray("recordIds");
      t.recordIds().subList(from, to).forEach(ids::add);
      boolean more = to < t.count() && to < MAX_IMPACT_IDS;
      if (more) {
        o.put("nextOffset", to);
      } else {
        o.putNull("nextOffset");
      }
      o.put("listedUpTo", Math.min(t.count(), MAX_IMPACT_IDS));
    }
    return out;
  }

  /**
   * {@code GET /api/v1/bundle?table=&id=&ref=&depth=&format=json|html}: the evidence bundle as a
   * file to save, exported by the asker.
   */
  Reply bundle(ConsoleRequest request) {
    String format = request.param("format").orElse("json");
    if (!format.equals("json") && !format.equals("html")) {
      throw ApiException.badRequest("Format '%s' is not json or html", Texts.cap(format));
    }
    RecordKey key = key(request);
    context.table(key.table());
    EvidenceBundle bundle =
        context
            .exporter()
            .export(key, options(request, ExplainOptions.DEFAULT_MAX_DEPTH), request.who().name());
    String name = "evidence-" + safe(key.table()) + "-" + safe(key.recordId());
    if (format.equals("html")) {
      return new Reply.Download(
          "text/html; charset=utf-8",
          name + ".html",
          EvidenceHtml.render(bundle).getBytes(StandardCharsets.UTF_8),
          EvidenceHtml.contentSecurityPolicy());
    }
    return new Reply.Download(
        "application/json; charset=utf-8", name + ".json", bundle.toJsonBytes(), null);
  }

  private static String safe(String text) {
    String s = text.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.length() <= 80 ? s : s.substring(0, 80);
  }

  /** {@code POST /api/v1/verify} with a bundle as the JSON body: recomputes it from the lake. */
  JsonNode verify(ConsoleRequest request) {
    EvidenceBundle bundle = EvidenceBundle.parse(request.body());
    VerificationReport report = context.verifier().verify(bundle);
    ObjectNode out = Json.object();
    out.put("table", report.subject().table());
    out.put("recordId", report.subject().recordId());
    out.put("matches", report.matches());
    out.put("contentSha256", report.stated());
    Json.text(out, "exportedBy", bundle.exportedBy());
    Json.time(out, "exportedAt", bundle.exportedAt());
    out.put("snapshotsChecked", report.snapshotsChecked());
    out.put("filesChecked", report.filesChecked());
    out.put("rowsChecked", report.rowsChecked());
    ArrayNode differences = out.putArray("differences");
    for (Difference d : report.differences()) {
      differences
          .addObject()
          .put("kind", d.kind().name())
          .put("mismatch", d.kind().isMismatch())
          .put("subject", d.subject())
          .put("message", d.message());
    }
    return out;
  }
}
