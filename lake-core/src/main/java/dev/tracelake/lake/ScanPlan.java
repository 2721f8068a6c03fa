package dev.tracelake.lake;

import java.util.List;
import java.util.Optional;

/**
 * A scan resolved to one snapshot: its columns with field ids and exactly its data files. Engines
 * other than lake-core (DuckDB in the query module) read a version of a table from this: map
 * columns by field id, not by name, so renamed and added columns read correctly.
 *
 * @param table the table
 * @param snapshot the resolved snapshot; empty when the version has none (no rows)
 * @param columns the columns at that version (projected when the scan selects columns)
 * @param files the snapshot's data files
 * @param deleteFiles how many row-level delete files apply; Tracelake writes none, other engines
 *     may
 * @param singleSchema the table has had one schema all its life: every data file's columns carry
 *     the planned names and types, so reading them by name is exact too
 */
public record ScanPlan(
    TableName table,
    Optional<SnapshotInfo> snapshot,
    List<PlannedColumn> columns,
    List<DataFileInfo> files,
    int deleteFiles,
    boolean singleSchema) {
  public ScanPlan {
    columns = List.copyOf(columns);
    files = List.copyOf(files);
  }
}
