package dev.tracelake.query;

import static dev.tracelake.query.ValuesTable.column;

import dev.tracelake.lake.DataFileInfo;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Trino-style metadata tables, {@code "t$snapshots"}, {@code "t$history"}, {@code "t$refs"} and
 * {@code "t$files"}, as tables of values built from lake-core calls.
 */
final class MetadataTables {
  static final List<String> KINDS = List.of("snapshots", "history", "refs", "files");

  private static final List<ValuesTable.Column> PROVENANCE =
      List.of(
          column("code_commit", "VARCHAR"),
          column("model_name", "VARCHAR"),
          column("model_version", "VARCHAR"),
          column("run_id", "VARCHAR"),
          column("producer", "VARCHAR"));

  private MetadataTables() {}

  /** A metadata table's name split at its last {@code $}: {@code events$snapshots}. */
  private record MetadataName(String table, String kind) {
    static MetadataName parse(String relationName) {
      int dollar = relationName.lastIndexOf('$');
      return new MetadataName(
          relationName.substring(0, dollar),
          relationName.substring(dollar + 1).toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Defines a metadata table as a table of values.
   *
   * @param schema the DuckDB schema to create it in
   * @param objectName the name to create it under (the metadata name or a placeholder)
   * @param lakeSchema the lake namespace as the query wrote it, or empty
   * @param version the version of {@code $files}; other kinds accept only the current version
   * @param relationName the metadata table's name as written, e.g. {@code events$snapshots}
   * @throws QueryException NOT_FOUND for an unknown table, INVALID_ARGUMENT for an unknown kind or
   *     a version on a kind without versions
   */
  static void define(
      QueryScope scope,
      SessionPlan session,
      String schema,
      String objectName,
      String lakeSchema,
      VersionSpec version,
      String relationName) {
    MetadataName parsed = MetadataName.parse(relationName);
    String kind = parsed.kind();
    if (!KINDS.contains(kind)) {
      throw QueryException.invalid(
          "Unknown metadata table '%s': metadata tables are %s",
          relationName, KINDS.stream().map(k -> parsed.table() + "$" + k).toList());
    }
    String tableSchema = lakeSchema;
    String tableName = parsed.table();
    int dot = tableName.lastIndexOf('.');
    if (tableSchema.isEmpty() && dot > 0) {
      // "ns.t$snapshots", the namespace inside the quotes: the same as ns."t$snapshots"
      tableSchema = tableName.substring(0, dot);
      tableName = tableName.substring(dot + 1);
    }
    TableName table = scope.require(tableSchema, tableName);
    boolean current = version instanceof VersionSpec.Current;
    if (!current && !kind.equals("files")) {
      throw QueryException.invalid(
          "Metadata table '%s' lists the whole table; only \"%s$files\" takes a version",
          relationName, parsed.table());
    }
    String owner =
        "\"" + table + "$" + kind + "\"" + (current ? "" : " at " + scope.describe(version));
    if (!session.claim(schema, objectName, owner)) {
      return;
    }
    List<List<Object>> rows;
    List<ValuesTable.Column> columns;
    OptionalLong snapshotId = OptionalLong.empty();
    switch (kind) {
      case "snapshots" -> {
        columns = snapshotColumns();
        rows = snapshotRows(scope.snapshots(table));
      }
      case "history" -> {
        columns = historyColumns();
        rows = historyRows(scope, table);
      }
      case "refs" -> {
        columns =
            List.of(
                column("name", "VARCHAR"),
                column("type", "VARCHAR"),
                column("snapshot_id", "BIGINT"));
        rows = refRows(LakeErrors.call(() -> scope.table(table).refs()));
      }
      default -> {
        ScanPlan plan = scope.plan(table, version);
        columns =
            List.of(
                column("content", "VARCHAR"),
                column("file_path", "VARCHAR"),
                column("file_format", "VARCHAR"),
                column("record_count", "BIGINT"),
                column("file_size_in_bytes", "BIGINT"));
        rows = fileRows(plan.files());
        snapshotId =
            plan.snapshot().map(s -> OptionalLong.of(s.snapshotId())).orElse(OptionalLong.empty());
      }
    }
    session.table(new ValuesTable(schema, objectName, columns, rows));
    String described = current ? "$" + kind : "$" + kind + " at " + scope.describe(version);
    session.reference(new TableReference(table, described, snapshotId));
  }

  private static List<ValuesTable.Column> snapshotColumns() {
    List<ValuesTable.Column> columns = new ArrayList<>();
    columns.add(column("committed_at", "TIMESTAMPTZ"));
    columns.add(column("snapshot_id", "BIGINT"));
    columns.add(column("parent_id", "BIGINT"));
    columns.add(column("operation", "VARCHAR"));
    columns.add(column("added_rows", "BIGINT"));
    columns.add(column("total_rows", "BIGINT"));
    columns.addAll(PROVENANCE);
    columns.add(column("summary", "MAP(VARCHAR, VARCHAR)"));
    return columns;
  }

  private static List<List<Object>> snapshotRows(List<SnapshotInfo> snapshots) {
    List<List<Object>> rows = new ArrayList<>();
    for (SnapshotInfo s : snapshots) {
      List<Object> row = new ArrayList<>();
      row.add(s.committedAt());
      row.add(s.snapshotId());
      row.add(s.parentId());
      row.add(s.operation());
      row.add(s.addedRows());
      row.add(s.totalRows());
      row.addAll(provenance(s.provenance()));
      row.add(new java.util.TreeMap<>(s.summary()));
      rows.add(row);
    }
    return rows;
  }

  private static List<ValuesTable.Column> historyColumns() {
    List<ValuesTable.Column> columns = new ArrayList<>();
    columns.add(column("made_current_at", "TIMESTAMPTZ"));
    columns.add(column("snapshot_id", "BIGINT"));
    columns.add(column("parent_id", "BIGINT"));
    columns.add(column("is_current_ancestor", "BOOLEAN"));
    columns.addAll(PROVENANCE);
    return columns;
  }

  /**
   * Every snapshot, marking the ancestors of the head of {@code main}. lake-core does not expose
   * Iceberg's snapshot log, so {@code made_current_at} is the commit time of the snapshot.
   */
  private static List<List<Object>> historyRows(QueryScope scope, TableName table) {
    Set<Long> ancestors = new HashSet<>();
    LakeErrors.call(() -> scope.table(table).history(LakeTable.MAIN))
        .forEach(s -> ancestors.add(s.snapshotId()));
    List<List<Object>> rows = new ArrayList<>();
    for (SnapshotInfo s : scope.snapshots(table)) {
      List<Object> row = new ArrayList<>();
      row.add(s.committedAt());
      row.add(s.snapshotId());
      row.add(s.parentId());
      row.add(ancestors.contains(s.snapshotId()));
      row.addAll(provenance(s.provenance()));
      rows.add(row);
    }
    return rows;
  }

  private static List<List<Object>> refRows(List<RefInfo> refs) {
    List<List<Object>> rows = new ArrayList<>();
    for (RefInfo ref : refs) {
      rows.add(List.of(ref.name(), ref.type().name(), ref.snapshotId()));
    }
    return rows;
  }

  private static List<List<Object>> fileRows(List<DataFileInfo> files) {
    List<List<Object>> rows = new ArrayList<>();
    for (DataFileInfo f : files) {
      rows.add(List.of("DATA", f.location(), "PARQUET", f.recordCount(), f.sizeBytes()));
    }
    return rows;
  }

  static List<Object> provenance(Provenance p) {
    List<Object> values = new ArrayList<>();
    values.add(p.codeCommit());
    values.add(p.modelName());
    values.add(p.modelVersion());
    values.add(p.runId());
    values.add(p.producer());
    return values;
  }
}
