package dev.tracelake.lake;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What a table is now: its columns, its current snapshot on {@code main}, its refs, where it lives.
 *
 * @param name the table
 * @param uuid the Iceberg table uuid
 * @param location the table's root location
 * @param formatVersion the Iceberg format version
 * @param columns every column, user columns first, then metadata columns
 * @param arrowSchema the same columns as an Arrow schema
 * @param currentSnapshot the head of {@code main}, empty for a table nobody has written to
 * @param snapshotCount how many snapshots the table holds
 * @param refs branches and tags
 * @param properties the Iceberg table properties
 */
public record TableDescription(
    TableName name,
    String uuid,
    String location,
    int formatVersion,
    List<ColumnInfo> columns,
    Schema arrowSchema,
    Optional<SnapshotInfo> currentSnapshot,
    int snapshotCount,
    List<RefInfo> refs,
    Map<String, String> properties) {
  public TableDescription {
    columns = List.copyOf(columns);
    refs = List.copyOf(refs);
    properties = Map.copyOf(properties);
  }
}
