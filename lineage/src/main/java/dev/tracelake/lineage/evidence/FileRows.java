package dev.tracelake.lineage.evidence;

import dev.tracelake.lake.DataFileInfo;
import dev.tracelake.lake.Filter;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lineage.RowSource;
import dev.tracelake.lineage.RowValues;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.io.FileIO;

/**
 * Reads records of one table at one snapshot file by file, so that each row is tied to the data
 * file it came from, and hashes data files. The snapshot's files are first pruned by the {@code
 * _record_id} statistics in the manifests, then each remaining file is read through the page index
 * for the ids not found yet.
 */
final class FileRows {
  private static final int IN_LIST_CHUNK = 500;

  /** A row as read: the file it is in and its values by column. */
  record Found(DataFileInfo file, Map<String, Object> values) {}

  private final RowSource source;
  private final BufferAllocator allocator;

  FileRows(RowSource source, BufferAllocator allocator) {
    this.source = source;
    this.allocator = allocator;
  }

  /**
   * Reads the records {@code ids} of {@code table} as of {@code plan}'s snapshot; ids not in the
   * snapshot are absent from the answer.
   */
  Map<String, Found> read(LakeTable table, ScanPlan plan, Collection<String> ids)
      throws IOException {
    long snapshotId = plan.snapshot().orElseThrow().snapshotId();
    Map<String, Found> found = new HashMap<>();
    List<String> all = new ArrayList<>(new LinkedHashSet<>(ids));
    for (int from = 0; from < all.size(); from += IN_LIST_CHUNK) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_LIST_CHUNK));
      List<DataFileInfo> candidates =
          table
              .scan()
              .atSnapshot(snapshotId)
              .filter(Filter.in(MetadataColumns.RECORD_ID, chunk))
              .plan()
              .files();
      Set<String> wanted = new LinkedHashSet<>(chunk);
      for (DataFileInfo file : candidates) {
        if (wanted.isEmpty()) {
          break;
        }
        read(plan, file, new ArrayList<>(wanted), found);
        wanted.removeAll(found.keySet());
      }
    }
    return found;
  }

  /** Reads the records {@code ids} from one data file of {@code plan}'s snapshot. */
  Map<String, Found> readFile(ScanPlan plan, DataFileInfo file, Collection<String> ids)
      throws IOException {
    Map<String, Found> found = new HashMap<>();
    read(plan, file, new ArrayList<>(new LinkedHashSet<>(ids)), found);
    return found;
  }

  private void read(ScanPlan plan, DataFileInfo file, List<String> ids, Map<String, Found> found)
      throws IOException {
    ScanPlan one =
        new ScanPlan(plan.table(), plan.snapshot(), plan.columns(), List.of(file), 0, false);
    for (int from = 0; from < ids.size(); from += IN_LIST_CHUNK) {
      source.read(
          one,
          ids.subList(from, Math.min(ids.size(), from + IN_LIST_CHUNK)),
          allocator,
          (VectorSchemaRoot root) -> {
            FieldVector idVector = root.getVector(MetadataColumns.RECORD_ID);
            for (int r = 0; r < root.getRowCount(); r++) {
              Object id = RowValues.value(idVector, r);
              if (id != null) {
                found.putIfAbsent(
                    id.toString(), new Found(file, RowValues.row(root.getFieldVectors(), r)));
              }
            }
          });
    }
  }

  /** Returns the file of {@code plan} at {@code location}, if the snapshot has it. */
  static Optional<DataFileInfo> fileOf(ScanPlan plan, String location) {
    return plan.files().stream().filter(f -> f.location().equals(location)).findFirst();
  }

  /** A file's digest and size as read now. */
  record Digest(String sha256, long sizeBytes) {}

  /**
   * Hashes a data file's bytes with SHA-256, read through the lake's FileIO (local and object-store
   * warehouses alike).
   *
   * @throws UncheckedIOException when the file cannot be read
   */
  static Digest sha256(FileIO io, String location) {
    MessageDigest digest = EvidenceJson.digest();
    long size = 0;
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = io.newInputFile(location).newStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
        size += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read data file " + location, e);
    } catch (org.apache.iceberg.exceptions.NotFoundException e) {
      throw new UncheckedIOException(
          "Cannot read data file " + location, new java.io.FileNotFoundException(e.getMessage()));
    }
    return new Digest(EvidenceJson.hex(digest.digest()), size);
  }
}
