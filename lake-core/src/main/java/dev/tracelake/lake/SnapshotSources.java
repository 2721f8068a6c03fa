package dev.tracelake.lake;

import java.util.List;

/**
 * Where a table's snapshots can be read, for engines that read the archive's files themselves
 * instead of asking for every snapshot as an object: the live snapshots, and the Parquet files of
 * the table's archive. An archive file holds one row per archived snapshot with the columns {@code
 * table_uuid}, {@code snapshot_id}, {@code parent_id}, {@code sequence_number}, {@code
 * committed_at} (timestamptz), {@code operation}, {@code summary} (map of string to string, without
 * the operation), {@code manifest_list}, {@code schema_id}, {@code main_ancestor}, {@code carried},
 * {@code first_row_id}, {@code added_rows}, {@code key_id}, {@code archived_at}. Read only rows
 * whose {@code table_uuid} is {@link #tableUuid()}; a snapshot may have more than one row, and a
 * live snapshot may be archived too (tags and recent branch history are both): skip ids in {@link
 * #live()} and take one row per id.
 *
 * @param tableUuid the table's uuid
 * @param live the snapshots in the table's live metadata, oldest first
 * @param archiveFiles the archive's data files, holding the other snapshots
 */
public record SnapshotSources(
    String tableUuid, List<SnapshotInfo> live, List<DataFileInfo> archiveFiles) {
  public SnapshotSources {
    live = List.copyOf(live);
    archiveFiles = List.copyOf(archiveFiles);
  }
}
