package dev.tracelake.query;

import static dev.tracelake.query.ValuesTable.column;

import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.PlannedColumn;
import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.RunInfo;
import dev.tracelake.lineage.RunLog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Lineage in SQL, derived from the tables themselves:
 *
 * <ul>
 *   <li>{@code lineage_edges}: one row per entry of a record's {@code _lineage} in the head of
 *       {@code main} of every table: (output_table, output_record_id, output_snapshot_id,
 *       input_table, input_record_id, input_snapshot_id); the output snapshot is the one that added
 *       the record.
 *   <li>{@code runs}: one row per snapshot of every table, with the provenance from its summary and
 *       the state of its run (status, job, code repository, times, parent, failure message) as
 *       started and finished over gRPC or received over OpenLineage; a registered run that wrote no
 *       snapshot yet is a row without table and snapshot.
 *   <li>{@code lineage_upstream('table', 'record_id')}: a table macro tracing a record's inputs
 *       recursively: each edge once, at the depth it is first reached; an edge found before is not
 *       followed again, so the walk stops at a cycle (as explain and trace do).
 * </ul>
 *
 * All live in the schema {@code tracelake}; unqualified names reach them too unless a lake table of
 * the default namespace has the same name.
 */
final class LineageRelations {
  static final String SCHEMA = "tracelake";
  static final String EDGES = "lineage_edges";
  static final String RUNS = "runs";
  static final String UPSTREAM_MACRO = "lineage_upstream";
  static final Set<String> NAMES = Set.of(EDGES, RUNS);

  /** Bounds a trace through cyclic lineage (which writers can produce) to finite work. */
  static final int MAX_DEPTH = 64;

  private LineageRelations() {}

  static boolean isLineageName(String name) {
    return NAMES.contains(name.toLowerCase(Locale.ROOT));
  }

  /** Defines {@code tracelake.<name>} and, when {@code alias} is given, an alias in main. */
  static void define(
      QueryScope scope, FileOrigins origins, SessionPlan session, String name, String alias) {
    String canonical = name.toLowerCase(Locale.ROOT);
    if (canonical.equals(EDGES)) {
      defineEdges(scope, origins, session);
    } else {
      defineRuns(scope, session);
    }
    if (alias != null) {
      session.view(
          SessionPlan.MAIN_SCHEMA, alias, "SELECT * FROM " + SqlText.qualified(SCHEMA, canonical));
    }
  }

  /** Defines {@code lineage_upstream} and the edges it walks. */
  static void defineUpstream(QueryScope scope, FileOrigins origins, SessionPlan session) {
    defineEdges(scope, origins, session);
    String edges = SqlText.qualified(SCHEMA, EDGES);
    session.statement(
        "CREATE MACRO "
            + UPSTREAM_MACRO
            // keyed by the edge, and an edge already found is not followed again: each edge
            // once, at the depth it is first reached, and a cycle stops the walk (USING KEY and
            // recurring.up, DuckDB 1.3+); MAX_DEPTH still bounds the work
            + "(tbl, rid) AS TABLE WITH RECURSIVE up(depth, output_table, output_record_id,"
            + " output_snapshot_id, input_table, input_record_id, input_snapshot_id) USING KEY"
            + " (output_table, output_record_id, output_snapshot_id, input_table,"
            + " input_record_id, input_snapshot_id) AS ("
            + " SELECT 1 AS depth, e.* FROM "
            + edges
            + " e WHERE e.output_table = "
            + qualifiedTableName("tbl")
            + " AND e.output_record_id = rid"
            + " UNION SELECT up.depth + 1, e.* FROM "
            + edges
            + " e JOIN up ON e.output_table = up.input_table"
            + " AND e.output_record_id = up.input_record_id WHERE up.depth < "
            + MAX_DEPTH
            + " AND NOT EXISTS (SELECT 1 FROM recurring.up r WHERE r.output_table ="
            + " e.output_table AND r.output_record_id = e.output_record_id AND"
            + " r.output_snapshot_id IS NOT DISTINCT FROM e.output_snapshot_id AND r.input_table ="
            + " e.input_table AND r.input_record_id = e.input_record_id AND r.input_snapshot_id IS"
            + " NOT DISTINCT FROM e.input_snapshot_id)) SELECT * FROM up");
  }

  private static void defineEdges(QueryScope scope, FileOrigins origins, SessionPlan session) {
    if (session.isDefined(SCHEMA, EDGES)) {
      return;
    }
    List<String> branches = new ArrayList<>();
    for (TableName table : scope.readableTables()) {
      ScanPlan head = scope.plan(table, new VersionSpec.Current());
      session.reference(
          new TableReference(
              table,
              new VersionSpec.Current().describe(),
              head.snapshot()
                  .map(s -> OptionalLong.of(s.snapshotId()))
                  .orElse(OptionalLong.empty())));
      List<PlannedColumn> columns = lineageColumns(head);
      if (columns == null || head.files().isEmpty()) {
        continue;
      }
      QueryScope.localFiles(head); // refuses files not on the local file system
      long headId = head.snapshot().map(SnapshotInfo::snapshotId).orElseThrow();
      // the files each append added, not the head's: after a compaction the head's files mix
      // rows of many appends, while each appended file keeps its rows and stays on disk
      List<String> files = new ArrayList<>();
      List<Long> snapshots = new ArrayList<>();
      for (FileOrigins.AddedFiles added : origins.addedBetween(scope, table, null, headId)) {
        for (String file : added.paths()) {
          files.add(file);
          snapshots.add(added.snapshot().snapshotId());
        }
      }
      if (files.isEmpty()) {
        continue;
      }
      session.allowFiles(files);
      branches.add(edgesOf(table, columns, files, snapshots));
    }
    if (branches.isEmpty()) {
      branches.add(
          "SELECT CAST(NULL AS VARCHAR) AS output_table, CAST(NULL AS VARCHAR) AS"
              + " output_record_id, CAST(NULL AS BIGINT) AS output_snapshot_id, CAST(NULL AS"
              + " VARCHAR) AS input_table, CAST(NULL AS VARCHAR) AS input_record_id, CAST(NULL AS"
              + " BIGINT) AS input_snapshot_id WHERE false");
    }
    session.view(SCHEMA, EDGES, String.join(" UNION ALL ", branches));
  }

  /** Returns the record id and lineage columns of a table; null when it lacks them. */
  private static List<PlannedColumn> lineageColumns(ScanPlan plan) {
    PlannedColumn recordId = null;
    PlannedColumn lineage = null;
    for (PlannedColumn c : plan.columns()) {
      if (c.name().equals(MetadataColumns.RECORD_ID)) {
        recordId = c;
      } else if (c.name().equals(MetadataColumns.LINEAGE)) {
        lineage = c;
      }
    }
    return recordId == null || lineage == null ? null : List.of(recordId, lineage);
  }

  /**
   * The edges of one table's records. The snapshot that added each record is its file's, looked up
   * by the row's {@code file_index} in a list literal: no join and no per-row file name, so memory
   * does not grow with the table.
   */
  private static String edgesOf(
      TableName table, List<PlannedColumn> columns, List<String> files, List<Long> snapshots) {
    String inputTable = "r.e." + SqlText.identifier(MetadataColumns.LINEAGE_TABLE);
    String addedBy =
        snapshots.stream()
                .map(id -> id == null ? "NULL" : Long.toString(id))
                .collect(java.util.stream.Collectors.joining(", ", "CAST([", "] AS BIGINT[])"))
            + "[CAST(r.file_index AS BIGINT) + 1]";
    return "SELECT "
        + SqlText.string(table.toString())
        + " AS output_table, r."
        + SqlText.identifier(MetadataColumns.RECORD_ID)
        + " AS output_record_id, "
        + addedBy
        + " AS output_snapshot_id, "
        + qualifiedTableName(inputTable)
        + " AS input_table, r.e."
        + SqlText.identifier(MetadataColumns.LINEAGE_RECORD_ID)
        + " AS input_record_id, r.e."
        + SqlText.identifier(MetadataColumns.LINEAGE_SNAPSHOT_ID)
        + " AS input_snapshot_id FROM (SELECT file_index, "
        + SqlText.identifier(MetadataColumns.RECORD_ID)
        + ", unnest("
        + SqlText.identifier(MetadataColumns.LINEAGE)
        + ") AS e FROM "
        + ParquetSql.readParquet(columns, files)
        + ") r";
  }

  /** Writers may name input tables without namespace; the default namespace is meant. */
  private static String qualifiedTableName(String expression) {
    return "CASE WHEN contains("
        + expression
        + ", '.') THEN "
        + expression
        + " ELSE "
        + SqlText.string(TableName.DEFAULT_NAMESPACE + ".")
        + " || "
        + expression
        + " END";
  }

  private static void defineRuns(QueryScope scope, SessionPlan session) {
    if (session.isDefined(SCHEMA, RUNS)) {
      return;
    }
    Map<String, RunInfo> registered = RunLog.registered(scope.lake());
    Set<String> written = new HashSet<>();
    List<List<Object>> rows = new ArrayList<>();
    for (TableName table : scope.readableTables()) {
      if (RunLog.isBookkeeping(table)) {
        continue; // the runs' own records are not runs' output
      }
      for (SnapshotInfo s : scope.snapshots(table)) {
        String runId = s.provenance().runId();
        List<Object> row = new ArrayList<>();
        row.add(runId);
        row.add(s.provenance().codeCommit());
        row.add(s.provenance().modelName());
        row.add(s.provenance().modelVersion());
        row.add(s.provenance().producer());
        row.add(table.toString());
        row.add(s.snapshotId());
        row.add(s.committedAt());
        row.add(s.operation());
        row.add(s.addedRows());
        addRunState(row, runId == null ? null : registered.get(runId), runId != null);
        rows.add(row);
        if (runId != null) {
          written.add(runId);
        }
      }
    }
    for (RunInfo run : registered.values()) {
      if (written.contains(run.runId())) {
        continue;
      }
      // started, or received over OpenLineage, without a snapshot here: still a run
      List<Object> row = new ArrayList<>();
      row.add(run.runId());
      row.add(run.codeCommit());
      row.add(run.modelName());
      row.add(run.modelVersion());
      row.add(null);
      row.add(null);
      row.add(null);
      row.add(null);
      row.add(null);
      row.add(null);
      addRunState(row, run, true);
      rows.add(row);
    }
    session.table(
        new ValuesTable(
            SCHEMA,
            RUNS,
            List.of(
                column("run_id", "VARCHAR"),
                column("code_commit", "VARCHAR"),
                column("model_name", "VARCHAR"),
                column("model_version", "VARCHAR"),
                column("producer", "VARCHAR"),
                column("table_name", "VARCHAR"),
                column("snapshot_id", "BIGINT"),
                column("committed_at", "TIMESTAMPTZ"),
                column("operation", "VARCHAR"),
                column("added_rows", "BIGINT"),
                column("status", "VARCHAR"),
                column("run_source", "VARCHAR"),
                column("job_namespace", "VARCHAR"),
                column("job_name", "VARCHAR"),
                column("code_repository", "VARCHAR"),
                column("started_at", "TIMESTAMPTZ"),
                column("ended_at", "TIMESTAMPTZ"),
                column("parent_run_id", "VARCHAR"),
                column("failure_message", "VARCHAR")),
            rows));
  }

  /** The run's state columns: from its registration, else UNKNOWN for a run id nobody started. */
  private static void addRunState(List<Object> row, RunInfo run, boolean hasRun) {
    if (run == null) {
      row.add(hasRun ? "UNKNOWN" : null);
      row.add(hasRun ? "INGEST" : null);
      for (int i = 0; i < 7; i++) {
        row.add(null);
      }
      return;
    }
    row.add(run.status().name());
    row.add(run.source().name());
    row.add(run.jobNamespace());
    row.add(run.jobName());
    row.add(run.codeRepository());
    row.add(run.startedAt());
    row.add(run.endedAt());
    row.add(run.parent() == null ? null : run.parent().runId());
    row.add(run.failureMessage());
  }
}
