package dev.tracelake.query;

import dev.tracelake.lake.DataFileInfo;
import dev.tracelake.lake.PlannedColumn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Builds the DuckDB SELECT that reads exactly a given list of a table's Parquet data files. Columns
 * are matched by Iceberg field id ({@code read_parquet(..., schema => MAP {...})}), not by name, so
 * files written before a rename or an added column read as the planned schema says: renamed columns
 * under their new name, added columns as NULL, widened columns cast.
 */
final class ParquetSql {
  /**
   * Up to this many distinct per-file constant sets (provenances), files are read one {@code
   * read_parquet} per set, in a {@code UNION ALL} (a filter on a provenance column then skips whole
   * branches); beyond it, in one scan that looks the constants up by file index.
   */
  static final int MAX_UNION_BRANCHES = 16;

  private ParquetSql() {}

  /**
   * Returns {@code SELECT <columns>[, <extra>] FROM read_parquet(<files>)}; without files, a SELECT
   * of typed NULLs that returns no rows, since {@code read_parquet} needs at least one file.
   *
   * @param files local data files (their {@link DataFileInfo#localPath()} is read)
   * @param extra more select-list items (constants) after the columns, or empty
   */
  static String select(List<PlannedColumn> columns, List<DataFileInfo> files, String extra) {
    return select(columns, files, extra, false);
  }

  /**
   * As {@link #select(List, List, String)}; with {@code byName} (the table never changed its
   * schema, so the files' columns carry the planned names and types) the files are read without the
   * field-id schema map, which costs DuckDB a few milliseconds per query.
   *
   * <p>A column a file holds as a constant ({@link DataFileInfo#constants()}: Tracelake's
   * provenance columns, kept as identity-partition values) is selected as that literal, not read.
   * Files are grouped by those constants, one {@code read_parquet} per group, in a {@code UNION
   * ALL}: an append's files share one group, so there are as many groups as distinct provenances.
   * Wrap the result in a subquery before adding a WHERE.
   */
  static String select(
      List<PlannedColumn> columns, List<DataFileInfo> files, String extra, boolean byName) {
    String tail = extra.isEmpty() ? "" : ", " + extra;
    if (files.isEmpty()) {
      return columns.stream()
              .map(c -> "CAST(NULL AS " + type(c) + ") AS " + SqlText.identifier(c.name()))
              .collect(Collectors.joining(", ", "SELECT ", ""))
          + tail
          + " WHERE false";
    }
    Map<Map<Integer, Object>, List<String>> groups = new LinkedHashMap<>();
    for (DataFileInfo file : files) {
      Map<Integer, Object> constants = new HashMap<>();
      for (PlannedColumn c : columns) {
        if (file.constants().containsKey(c.fieldId())) {
          constants.put(c.fieldId(), file.constants().get(c.fieldId()));
        }
      }
      groups
          .computeIfAbsent(constants, k -> new ArrayList<>())
          .add(
              Objects.requireNonNull(
                  file.localPath(), () -> "data file " + file.location() + " is not local"));
    }
    if (groups.size() > MAX_UNION_BRANCHES) {
      return selectByFileIndex(columns, files, tail, byName);
    }
    List<String> branches = new ArrayList<>();
    for (Map.Entry<Map<Integer, Object>, List<String>> group : groups.entrySet()) {
      Map<Integer, Object> constants = group.getKey();
      List<PlannedColumn> stored =
          columns.stream().filter(c -> !constants.containsKey(c.fieldId())).toList();
      String from =
          byName || stored.isEmpty()
              ? "read_parquet("
                  + SqlText.stringList(group.getValue())
                  + ", hive_partitioning => false)"
              : readParquet(stored, group.getValue());
      branches.add(
          columns.stream()
                  .map(
                      c ->
                          constants.containsKey(c.fieldId())
                              ? literal(constants.get(c.fieldId()), c)
                                  + " AS "
                                  + SqlText.identifier(c.name())
                              : SqlText.identifier(c.name()))
                  .collect(Collectors.joining(", ", "SELECT ", ""))
              + tail
              + " FROM "
              + from);
    }
    return String.join(" UNION ALL ", branches);
  }

  /**
   * The many-provenances form of {@link #select}: one {@code read_parquet} over every file, and
   * each per-file constant taken from a list literal by the row's {@code file_index} (DuckDB's
   * virtual column: the file's position in the list). No join and no per-row file name: the lookup
   * is a constant per file, costs nothing when the query does not use the column (DuckDB prunes the
   * projection, and {@code file_index} with it), and memory does not grow with the row count. A
   * union of thousands of scans would take DuckDB longer to plan than to run.
   */
  private static String selectByFileIndex(
      List<PlannedColumn> columns, List<DataFileInfo> files, String tail, boolean byName) {
    List<PlannedColumn> stored = new ArrayList<>();
    List<String> select = new ArrayList<>();
    // a column some files store and others hold as a constant is missing from some files: only
    // the field-id map reads it (as NULL) from those
    boolean partlyConstant = false;
    for (PlannedColumn c : columns) {
      boolean anyConstant = false;
      boolean allConstant = true;
      for (DataFileInfo f : files) {
        boolean has = f.constants().containsKey(c.fieldId());
        anyConstant |= has;
        allConstant &= has;
      }
      String name = SqlText.identifier(c.name());
      if (!allConstant) {
        stored.add(c);
      }
      partlyConstant |= anyConstant && !allConstant;
      if (!anyConstant) {
        select.add("f." + name);
        continue;
      }
      StringBuilder values = new StringBuilder("CAST([");
      StringBuilder has = new StringBuilder("[");
      for (int i = 0; i < files.size(); i++) {
        Map<Integer, Object> constants = files.get(i).constants();
        boolean present = constants.containsKey(c.fieldId());
        Object value = present ? constants.get(c.fieldId()) : null;
        values
            .append(i == 0 ? "" : ", ")
            .append(value == null ? "NULL" : SqlText.string(String.valueOf(value)));
        has.append(i == 0 ? "" : ", ").append(present);
      }
      values.append("] AS ").append(type(c)).append("[])[CAST(f.file_index AS BIGINT) + 1]");
      has.append("][CAST(f.file_index AS BIGINT) + 1]");
      select.add(
          (allConstant
                  ? values
                  : "CASE WHEN " + has + " THEN " + values + " ELSE f." + name + " END")
              + " AS "
              + name);
    }
    List<String> paths = files.stream().map(DataFileInfo::localPath).toList();
    String from =
        (byName && !partlyConstant) || stored.isEmpty()
            ? "read_parquet(" + SqlText.stringList(paths) + ", hive_partitioning => false)"
            : readParquet(stored, paths);
    return "SELECT " + String.join(", ", select) + tail + " FROM " + from + " f";
  }

  private static String literal(Object value, PlannedColumn column) {
    return "CAST("
        + (value == null ? "NULL" : SqlText.string(String.valueOf(value)))
        + " AS "
        + type(column)
        + ")";
  }

  /**
   * Returns the {@code read_parquet(...)} call itself, columns mapped by field id. Its rows also
   * have DuckDB's virtual {@code file_index}, the file's position in {@code files}. Needs a file.
   */
  static String readParquet(List<PlannedColumn> columns, List<String> files) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("read_parquet needs at least one file");
    }
    String schema =
        columns.stream()
            .map(
                c ->
                    c.fieldId()
                        + ": {name: "
                        + SqlText.string(c.name())
                        + ", type: "
                        + SqlText.string(type(c))
                        + ", default_value: NULL}")
            .collect(Collectors.joining(", ", "MAP {", "}"));
    return "read_parquet("
        + SqlText.stringList(files)
        + ", schema => "
        + schema
        + ", hive_partitioning => false)";
  }

  static String type(PlannedColumn column) {
    return DuckDbTypes.of(column.arrowField(), column.icebergType());
  }
}
