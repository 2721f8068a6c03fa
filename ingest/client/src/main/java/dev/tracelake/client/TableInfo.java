package dev.tracelake.client;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A table as the server described it.
 *
 * @param name the table, {@code namespace.name}
 * @param columns user columns first, then the metadata columns Tracelake fills
 * @param currentSnapshotId the head of {@code main}; empty for a table nobody has written to
 * @param snapshotCount how many snapshots the table holds
 * @param location the root location of the table's files
 * @param arrowSchema every column as an Arrow schema
 */
public record TableInfo(
    String name,
    List<Column> columns,
    OptionalLong currentSnapshotId,
    int snapshotCount,
    String location,
    Schema arrowSchema) {
  /** Checks and copies the arguments. */
  public TableInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(currentSnapshotId, "currentSnapshotId");
    Objects.requireNonNull(arrowSchema, "arrowSchema");
    columns = List.copyOf(columns);
  }

  /**
   * One column of a table.
   *
   * @param fieldId the Iceberg field id, stable across renames
   * @param name the current name
   * @param type the Iceberg type name, e.g. {@code long}, {@code list<string>}
   * @param required whether nulls are refused
   * @param metadata whether Tracelake fills the column ({@code _record_id}, {@code _lineage}, ...)
   * @param doc the column's documentation, empty when it has none
   */
  public record Column(
      int fieldId, String name, String type, boolean required, boolean metadata, String doc) {}
}
