package dev.tracelake.query;

import dev.tracelake.lake.PlannedColumn;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Builds the DuckDB SELECT that reads exactly a given list of a table's Parquet data files. Columns
 * are matched by Iceberg field id ({@code read_parquet(..., schema => MAP {...})}), not by name, so
 * files written before a rename or an added column read as the planned schema says: renamed columns
 * under their new name, added columns as NULL, widened columns cast.
 */
final class ParquetSql {
  /** The column {@code read_parquet} adds with each row's file, for joins on file origin. */
  static final String FILE_COLUMN = "__tl_file";

  private ParquetSql() {}

  /**
   * Returns {@code SELECT <columns>[, <extra>] FROM read_parquet(<files>)}; without files, a SELECT
   * of typed NULLs that returns no rows, since {@code read_parquet} needs at least one file.
   *
   * @param extra more select-list items (constants) after the columns, or empty
   */
  static String select(List<PlannedColumn> columns, List<String> files, String extra) {
    return select(columns, files, extra, false);
  }

  /**
   * As {@link #select(List, List, String)}; with {@code byName} (the table never changed its
   * schema, so the files' columns carry the planned names and types) the files are read without the
   * field-id schema map, which costs DuckDB a few milliseconds per query.
   */
  static String select(
      List<PlannedColumn> columns, List<String> files, String extra, boolean byName) {
    String tail = extra.isEmpty() ? "" : ", " + extra;
    if (files.isEmpty()) {
      return columns.stream()
              .map(c -> "CAST(NULL AS " + type(c) + ") AS " + SqlText.identifier(c.name()))
              .collect(Collectors.joining(", ", "SELECT ", ""))
          + tail
          + " WHERE false";
    }
    return columns.stream()
            .map(c -> SqlText.identifier(c.name()))
            .collect(Collectors.joining(", ", "SELECT ", ""))
        + tail
        + " FROM "
        + (byName
            ? "read_parquet(" + SqlText.stringList(files) + ", hive_partitioning => false)"
            : readParquet(columns, files, false));
  }

  /**
   * Returns the {@code read_parquet(...)} call itself; with {@code withFileColumn} every row also
   * carries its file's path in {@link #FILE_COLUMN}. Needs at least one file.
   */
  static String readParquet(
      List<PlannedColumn> columns, List<String> files, boolean withFileColumn) {
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
        + (withFileColumn ? ", filename => " + SqlText.string(FILE_COLUMN) : "")
        + ", hive_partitioning => false)";
  }

  static String type(PlannedColumn column) {
    return DuckDbTypes.of(column.arrowField(), column.icebergType());
  }
}
