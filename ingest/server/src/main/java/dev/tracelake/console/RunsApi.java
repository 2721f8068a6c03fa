package dev.tracelake.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.DatasetVersion;
import dev.tracelake.lineage.RunInfo;
import dev.tracelake.lineage.RunStatus;
import dev.tracelake.lineage.RunVisibility;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Runs: the list (newest first, by status, paged) and one run with its timeline. */
final class RunsApi {
  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 500;
  static final int MAX_SNAPSHOTS = 1_000;
  private static final Comparator<RunInfo> NEWEST_FIRST =
      Comparator.comparing(
              (RunInfo r) -> r.startedAt() == null ? Instant.MIN : r.startedAt(),
              Comparator.reverseOrder())
          .thenComparing(RunInfo::runId);

  private final ConsoleContext context;

  RunsApi(ConsoleContext context) {
    this.context = context;
  }

  /** {@code GET /api/v1/runs?status=&page_size=&page_token=}: runs, newest start first. */
  JsonNode runs(ConsoleRequest request) {
    int size = request.intParam("page_size", DEFAULT_PAGE, 1, MAX_PAGE);
    Optional<RunStatus> status = request.param("status").map(RunsApi::status);
    context.lineage().catchUp();
    RunVisibility visibility = visibility(request);
    List<RunInfo> all = new ArrayList<>();
    for (RunInfo r : context.lineage().runs()) {
      if (status.isEmpty() || r.status() == status.get()) {
        visibility.view(r).ifPresent(all::add);
      }
    }
    all.sort(NEWEST_FIRST);
    int from = 0;
    Optional<String> token = request.param("page_token");
    if (token.isPresent()) {
      RunInfo last = position(token.get());
      while (from < all.size() && NEWEST_FIRST.compare(all.get(from), last) <= 0) {
        from++;
      }
    }
    int to = Math.min(all.size(), from + size);
    ObjectNode out = Json.object();
    out.put("total", all.size());
    ArrayNode runs = out.putArray("runs");
    for (RunInfo r : all.subList(from, to)) {
      runs.add(ExplainView.run(r));
    }
    if (to < all.size()) {
      RunInfo last = all.get(to - 1);
      out.put(
          "nextPageToken",
          (last.startedAt() == null ? "" : last.startedAt().toString()) + "|" + last.runId());
    } else {
      out.putNull("nextPageToken");
    }
    return out;
  }

  private static RunStatus status(String text) {
    try {
      return RunStatus.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "Status '%s' is not one of RUNNING, COMPLETED, FAILED, ABORTED, UNKNOWN",
          Texts.cap(text));
    }
  }

  private static RunInfo position(String token) {
    int bar = token.indexOf('|');
    if (bar < 0 || bar == token.length() - 1) {
      throw ApiException.badRequest("Page token '%s' was not handed out here", Texts.cap(token));
    }
    try {
      Instant started = bar == 0 ? null : Instant.parse(token.substring(0, bar));
      return RunInfo.builder(token.substring(bar + 1)).startedAt(started).build();
    } catch (RuntimeException e) {
      throw ApiException.badRequest("Page token '%s' was not handed out here", Texts.cap(token));
    }
  }

  /**
   * {@code GET /api/v1/run?id=}: one run, its parent and children, the datasets it read and wrote,
   * and its timeline: started, each snapshot it committed (table, rows), ended.
   */
  JsonNode run(ConsoleRequest request) {
    String id = request.required("id");
    context.lineage().catchUp();
    RunVisibility visibility = visibility(request);
    // a run of tables the principal may not see answers as an unknown one, and what it shows of
    // a run (datasets, children, the snapshots of its timeline) names only tables it may see
    RunInfo run =
        context
            .lineage()
            .run(id)
            .flatMap(visibility::view)
            .orElseThrow(() -> ApiException.notFound("Run %s is not known", Texts.cap(id)));
    ObjectNode out = ExplainView.run(run);
    out.set("inputs", datasets(run.inputs()));
    out.set("outputs", datasets(run.outputs()));
    ArrayNode children = out.putArray("children");
    for (RunInfo r : context.lineage().runs()) {
      if (r.parent() != null && r.parent().runId().equals(id) && visibility.view(r).isPresent()) {
        children.addObject().put("runId", r.runId()).put("status", r.status().name());
      }
    }
    record Written(String table, SnapshotInfo snapshot) {}
    List<Written> written = new ArrayList<>();
    boolean truncated = false;
    for (TableName table : context.lake().tables()) {
      if (!request.who().sees().test(table.toString())) {
        continue;
      }
      for (SnapshotInfo s : context.lake().table(table).snapshots()) {
        if (id.equals(s.provenance().runId())) {
          if (written.size() >= MAX_SNAPSHOTS) {
            truncated = true;
            break;
          }
          written.add(new Written(table.toString(), s));
        }
      }
    }
    written.sort(Comparator.comparing(w -> w.snapshot().committedAt()));
    ArrayNode timeline = out.putArray("timeline");
    if (run.startedAt() != null) {
      ObjectNode e = timeline.addObject();
      e.put("event", "STARTED");
      Json.time(e, "at", run.startedAt());
      e.put("status", "RUNNING");
    }
    for (Written w : written) {
      ObjectNode e = timeline.addObject();
      e.put("event", "COMMITTED");
      Json.time(e, "at", w.snapshot().committedAt());
      e.put("table", w.table());
      Json.id(e, "snapshotId", w.snapshot().snapshotId());
      e.put("addedRows", w.snapshot().addedRows());
      e.set("provenance", Json.provenance(w.snapshot().provenance()));
    }
    if (run.endedAt() != null) {
      ObjectNode e = timeline.addObject();
      e.put("event", "ENDED");
      Json.time(e, "at", run.endedAt());
      e.put("status", run.status().name());
      Json.text(e, "message", run.failureMessage());
    }
    out.put("timelineTruncated", truncated);
    ArrayNode tables = out.putArray("tablesWritten");
    written.stream().map(Written::table).distinct().forEach(tables::add);
    return out;
  }

  /** What the asking principal may know of runs: the tables it may see. */
  private RunVisibility visibility(ConsoleRequest request) {
    return new RunVisibility(context.lineage().options().datasetNamespace(), request.who().sees());
  }

  private static ArrayNode datasets(List<DatasetVersion> datasets) {
    ArrayNode a = Json.array();
    for (DatasetVersion d : datasets) {
      ObjectNode o = a.addObject();
      o.put("namespace", d.namespace());
      o.put("name", d.name());
      Json.text(o, "version", d.version());
    }
    return a;
  }
}
