package dev.tracelake.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.ColumnInfo;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableDescription;
import dev.tracelake.lake.TableName;
import dev.tracelake.lake.TableVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Tables: the list, one table at a version (columns, refs), its snapshot timeline, paged. */
final class TablesApi {
  static final int MAX_TABLES = 10_000;
  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 500;
  private static final Comparator<SnapshotInfo> NEWEST_FIRST =
      Comparator.comparing(SnapshotInfo::committedAt)
          .thenComparing(SnapshotInfo::snapshotId)
          .reversed();

  private final ConsoleContext context;

  TablesApi(ConsoleContext context) {
    this.context = context;
  }

  /** {@code GET /api/v1/tables}: every table with its head snapshot and counts. */
  JsonNode tables(ConsoleRequest request) {
    List<TableName> names = new ArrayList<>(context.lake().tables());
    names.removeIf(n -> !request.who().valueAccess().mayRead(n.toString()));
    names.sort(Comparator.comparing(TableName::toString));
    ObjectNode out = Json.object();
    ArrayNode tables = out.putArray("tables");
    for (TableName name : names.subList(0, Math.min(names.size(), MAX_TABLES))) {
      TableDescription d = context.lake().table(name).describe();
      ObjectNode t = tables.addObject();
      t.put("name", name.toString());
      t.put("snapshotCount", d.snapshotCount());
      t.put("refCount", d.refs().size());
      t.set("head", d.currentSnapshot().map(Json::snapshot).orElse(null));
    }
    out.put("truncated", names.size() > MAX_TABLES);
    return out;
  }

  /**
   * {@code GET /api/v1/table?table=&version=}: the table as read at a version (a snapshot id, a
   * branch or a tag; the head of main by default): its columns then, its refs and head now.
   */
  JsonNode table(ConsoleRequest request) {
    LakeTable table = context.table(request.required("table"));
    TableVersion version = versionOf(table, request.param("version").orElse(null));
    TableDescription d = version.table();
    ObjectNode out = Json.object();
    out.put("name", d.name().toString());
    out.put("location", d.location());
    out.put("formatVersion", d.formatVersion());
    out.put("snapshotCount", d.snapshotCount());
    out.set("head", d.currentSnapshot().map(Json::snapshot).orElse(null));
    Json.text(out, "version", request.param("version").orElse(null));
    out.set("snapshot", version.snapshot().map(Json::snapshot).orElse(null));
    ArrayNode columns = out.putArray("columns");
    for (ColumnInfo c : d.columns()) {
      ObjectNode o = columns.addObject();
      o.put("fieldId", c.fieldId());
      o.put("name", c.name());
      o.put("type", c.type());
      o.put("required", c.required());
      o.put("metadata", c.metadata());
      Json.text(o, "doc", c.doc());
    }
    ArrayNode refs = out.putArray("refs");
    for (RefInfo r : d.refs()) {
      ObjectNode o = refs.addObject();
      o.put("name", r.name());
      o.put("type", r.type().name().toLowerCase(Locale.ROOT));
      Json.id(o, "snapshotId", r.snapshotId());
    }
    return out;
  }

  /** Resolves a version text: digits are a snapshot id, anything else a branch or tag. */
  static TableVersion versionOf(LakeTable table, String version) {
    if (version == null || version.isBlank()) {
      return table.describeAt(LakeTable.MAIN);
    }
    if (version.matches("-?\\d{1,19}")) {
      try {
        return table.describeAtSnapshot(Long.parseLong(version));
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Snapshot id '%s' is out of range", version);
      }
    }
    return table.describeAt(version);
  }

  /**
   * {@code GET /api/v1/snapshots?table=&page_size=&page_token=}: the snapshot timeline, newest
   * first. The token is the position of the last snapshot shown (commit time and id), so commits
   * between two pages neither repeat nor skip a snapshot.
   */
  JsonNode snapshots(ConsoleRequest request) {
    LakeTable table = context.table(request.required("table"));
    int size = request.intParam("page_size", DEFAULT_PAGE, 1, MAX_PAGE);
    List<SnapshotInfo> all = new ArrayList<>(table.snapshots());
    all.sort(NEWEST_FIRST);
    int from = 0;
    String token = request.param("page_token").orElse(null);
    if (token != null) {
      long[] position = position(token);
      while (from < all.size() && !olderThan(all.get(from), position)) {
        from++;
      }
    }
    int to = Math.min(all.size(), from + size);
    ObjectNode out = Json.object();
    out.put("table", table.name().toString());
    out.put("total", all.size());
    ArrayNode page = out.putArray("snapshots");
    for (SnapshotInfo s : all.subList(from, to)) {
      page.add(Json.snapshot(s));
    }
    if (to < all.size()) {
      SnapshotInfo last = all.get(to - 1);
      out.put("nextPageToken", last.committedAt().toEpochMilli() + "." + last.snapshotId());
    } else {
      out.putNull("nextPageToken");
    }
    return out;
  }

  private static long[] position(String token) {
    String[] parts = token.split("\\.", -1);
    try {
      if (parts.length == 2) {
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw ApiException.badRequest("Page token '%s' was not handed out here", Texts.cap(token));
  }

  /** Whether a snapshot sorts after the position in newest-first order. */
  private static boolean olderThan(SnapshotInfo s, long[] position) {
    long millis = s.committedAt().toEpochMilli();
    return millis < position[0] || (millis == position[0] && s.snapshotId() < position[1]);
  }
}
