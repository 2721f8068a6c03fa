package dev.tracelake.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.TableName;
import dev.tracelake.lake.TableVersion;
import dev.tracelake.lineage.NodeState;
import dev.tracelake.lineage.RecordKey;
import dev.tracelake.lineage.RowValues;
import dev.tracelake.lineage.TraceNode;
import dev.tracelake.lineage.TraceOptions;
import dev.tracelake.lineage.TraceResult;
import dev.tracelake.query.QueryOptions;
import dev.tracelake.query.QueryResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/** Finding records: by record id in every table, or by a column filter through SQL, paged. */
final class FindApi {
  static final int DEFAULT_PAGE = 25;
  static final int MAX_PAGE = 200;
  static final int MAX_MATCHES = 100;

  private final ConsoleContext context;

  FindApi(ConsoleContext context) {
    this.context = context;
  }

  /**
   * {@code GET /api/v1/locate?id=&table=}: the tables whose {@code main} holds a record with this
   * id (one table when given), from the lineage index, caught up first.
   */
  JsonNode locate(ConsoleRequest request) {
    String id = request.required("id");
    List<TableName> tables = new ArrayList<>();
    Optional<String> only = request.param("table");
    if (only.isPresent()) {
      tables.add(context.table(only.get()).name());
    } else {
      tables.addAll(context.lake().tables());
    }
    tables.removeIf(t -> !request.who().valueAccess().mayRead(t.toString()));
    ObjectNode out = Json.object();
    out.put("id", id);
    ArrayNode matches = out.putArray("matches");
    TraceOptions options = TraceOptions.defaults().maxDepth(0).maxNodes(1);
    boolean first = true;
    for (TableName table : tables) {
      // the first question catches the index up; the others read the same index
      TraceResult trace =
          context
              .lineage()
              .traceUpstream(RecordKey.of(table, id), first ? options.catchUpFirst() : options);
      first = false;
      TraceNode root = trace.nodes().isEmpty() ? null : trace.nodes().get(0);
      if (root != null && root.state() == NodeState.PRESENT) {
        ObjectNode m = matches.addObject();
        m.put("table", table.toString());
        Json.id(m, "snapshotId", root.snapshotId());
        Json.time(m, "committedAt", root.committedAt());
        m.set("provenance", Json.provenance(root.provenance()));
        if (matches.size() >= MAX_MATCHES) {
          break;
        }
      }
    }
    return out;
  }

  /**
   * {@code GET /api/v1/rows?table=&version=&column=&op=&value=&page_size=&after=}: records of a
   * table at a version, optionally filtered by one column, ordered by record id, one page at a time
   * (the next page starts after the last record id shown, at the same snapshot).
   */
  JsonNode rows(ConsoleRequest request) {
    LakeTable table = context.table(request.required("table"));
    TableVersion version = TablesApi.versionOf(table, request.param("version").orElse(null));
    int size = request.intParam("page_size", DEFAULT_PAGE, 1, MAX_PAGE);
    ObjectNode out = Json.object();
    out.put("table", table.name().toString());
    ArrayNode rows = Json.array();
    if (version.snapshot().isEmpty()) {
      out.putNull("snapshotId");
      out.set("rows", rows);
      out.putNull("nextAfter");
      return out;
    }
    long snapshotId = version.snapshot().get().snapshotId();
    Optional<String> column = request.param("column");
    RecordFilter.Op op = RecordFilter.Op.parse(request.param("op").orElse("eq"));
    String sql =
        RecordFilter.sql(
            table.name().toString(),
            snapshotId,
            version.table().columns(),
            column,
            op,
            request.params().get("value"),
            request.param("after"),
            size + 1);
    List<ObjectNode> found = new ArrayList<>();
    try (QueryResult result =
        context.sql().execute(sql, QueryOptions.defaults().withTimeout(context.queryTimeout()))) {
      ArrowReader reader = result.reader();
      while (reader.loadNextBatch() && found.size() <= size) {
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        for (int r = 0; r < root.getRowCount() && found.size() <= size; r++) {
          ObjectNode row = Json.object();
          ArrayNode values = row.putArray("values");
          for (FieldVector v : root.getFieldVectors()) {
            Object value = RowValues.value(v, r);
            values.add(Json.value(v.getName(), value, Json.DISPLAY_CHARS));
            if (v.getName().equals(MetadataColumns.RECORD_ID)) {
              Json.text(row, "recordId", value == null ? null : value.toString());
            }
          }
          found.add(row);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the result of: " + sql, e);
    }
    out.put("snapshotId", Long.toString(snapshotId));
    boolean more = found.size() > size;
    List<ObjectNode> page = more ? found.subList(0, size) : found;
    page.forEach(rows::add);
    out.set("rows", rows);
    Json.text(out, "nextAfter", more ? page.get(page.size() - 1).path("recordId").asText() : null);
    return out;
  }
}
