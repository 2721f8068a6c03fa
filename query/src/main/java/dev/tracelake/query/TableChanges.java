package dev.tracelake.query;

import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code table_changes('t', from, to)}: the rows added after version {@code from} up to and
 * including version {@code to}, each with the snapshot that added it. Tracelake never updates or
 * deletes rows, so every change is an insert. Rows read with the columns of version {@code to}.
 */
final class TableChanges {
  static final String CHANGE_TYPE = "_change_type";
  static final String CHANGE_SNAPSHOT_ID = "_change_snapshot_id";
  static final String CHANGE_COMMITTED_AT = "_change_committed_at";

  private TableChanges() {}

  static void define(
      QueryScope scope, FileOrigins origins, SessionPlan session, RewrittenQuery.ChangesCall call) {
    TableName table = scope.require(tableSchema(call.table()), tableName(call.table()));
    ScanPlan to = scope.plan(table, call.to());
    Long fromId = null;
    if (call.from() != null) {
      ScanPlan from = scope.plan(table, call.from());
      fromId = from.snapshot().map(SnapshotInfo::snapshotId).orElse(null);
    }
    List<String> branches = new ArrayList<>();
    if (to.snapshot().isPresent()) {
      long toId = to.snapshot().get().snapshotId();
      for (FileOrigins.AddedFiles added : origins.addedBetween(scope, table, fromId, toId)) {
        if (!added.files().isEmpty()) {
          session.allowFiles(added.paths());
          branches.add(
              ParquetSql.select(to.columns(), added.files(), changeColumns(added.snapshot())));
        }
      }
    }
    if (branches.isEmpty()) {
      branches.add(ParquetSql.select(to.columns(), List.of(), changeColumns(null)));
    }
    session.view(SessionPlan.MAIN_SCHEMA, call.placeholder(), String.join(" UNION ALL ", branches));
    session.reference(
        new TableReference(
            table,
            "changes after "
                + (call.from() == null ? "the first snapshot" : call.from().describe())
                + " up to "
                + call.to().describe(),
            to.snapshot().map(s -> OptionalLong.of(s.snapshotId())).orElse(OptionalLong.empty())));
  }

  private static String changeColumns(SnapshotInfo snapshot) {
    if (snapshot == null) {
      return "CAST(NULL AS VARCHAR) AS "
          + CHANGE_TYPE
          + ", CAST(NULL AS BIGINT) AS "
          + CHANGE_SNAPSHOT_ID
          + ", CAST(NULL AS TIMESTAMPTZ) AS "
          + CHANGE_COMMITTED_AT;
    }
    return "'insert' AS "
        + CHANGE_TYPE
        + ", CAST("
        + snapshot.snapshotId()
        + " AS BIGINT) AS "
        + CHANGE_SNAPSHOT_ID
        + ", CAST("
        + SqlText.string(snapshot.committedAt().toString())
        + " AS TIMESTAMPTZ) AS "
        + CHANGE_COMMITTED_AT;
  }

  private static String tableSchema(String name) {
    int dot = name.indexOf('.');
    return dot < 0 ? "" : name.substring(0, dot);
  }

  private static String tableName(String name) {
    return name.substring(name.indexOf('.') + 1);
  }
}
