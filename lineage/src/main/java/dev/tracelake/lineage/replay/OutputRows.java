package dev.tracelake.lineage.replay;

import dev.tracelake.lake.Filter;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeScan;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.TableName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;

/**
 * Reads a replay's outputs: the production slice at its pinned snapshot, or the candidate's rows on
 * the branch, each row with its record id and the case its {@code _lineage} names.
 */
final class OutputRows {
  /** What is done with each row read. */
  interface Visitor {
    /**
     * Takes one row.
     *
     * @param root the batch, valid during the call; it holds the columns asked for
     * @param row the row's index in {@code root}
     * @param recordId the row's {@code _record_id}
     * @param key the inputs it cites; null when it cites none
     */
    void row(VectorSchemaRoot root, int row, String recordId, CaseKey key);
  }

  private final Map<String, String> tables = new HashMap<>();

  /**
   * Returns the scan of the production outputs a replay's slice selects, at its pinned snapshot.
   */
  static LakeScan production(Lake lake, ReplaySlice slice, long sourceSnapshotId) {
    LakeScan scan = lake.table(slice.table()).scan().atSnapshot(sourceSnapshotId);
    if (slice.afterSnapshotId() != null) {
      scan = scan.appendedAfter(slice.afterSnapshotId());
    }
    if (slice.from() != null) {
      scan = scan.filter(Filter.ge(MetadataColumns.INGESTED_AT, micros(slice.from())));
    }
    if (slice.to() != null) {
      scan = scan.filter(Filter.lt(MetadataColumns.INGESTED_AT, micros(slice.to())));
    }
    if (slice.modelName() != null) {
      scan = scan.filter(Filter.eq(MetadataColumns.MODEL_NAME, slice.modelName()));
    }
    if (slice.modelVersion() != null) {
      scan = scan.filter(Filter.eq(MetadataColumns.MODEL_VERSION, slice.modelVersion()));
    }
    if (slice.runId() != null) {
      scan = scan.filter(Filter.eq(MetadataColumns.RUN_ID, slice.runId()));
    }
    return scan;
  }

  /**
   * Returns the scan of the candidate's outputs: the rows of the output table at {@code head} (the
   * branch head) appended after the snapshot the branch was made from.
   */
  static LakeScan candidate(Lake lake, ReplayDefinition definition, long head) {
    LakeTable table = lake.table(definition.spec().slice().table());
    LakeScan scan = table.scan().atSnapshot(head);
    Long base = definition.baseSnapshotId();
    return base == null ? scan : scan.appendedAfter(base);
  }

  private static long micros(java.time.Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }

  /**
   * Reads every row of {@code scan} with {@code _record_id}, {@code _lineage} and {@code columns}
   * (in the scan's version's names), handing each to {@code visitor}.
   */
  void read(LakeScan scan, List<String> columns, BufferAllocator allocator, Visitor visitor) {
    Set<String> select = new LinkedHashSet<>();
    select.add(MetadataColumns.RECORD_ID);
    select.add(MetadataColumns.LINEAGE);
    select.addAll(columns);
    try (ScanBatches batches = scan.select(new ArrayList<>(select)).open(allocator)) {
      List<InputRef> refs = new ArrayList<>();
      while (batches.loadNextBatch()) {
        VectorSchemaRoot root = batches.root();
        VarCharVector ids = (VarCharVector) root.getVector(MetadataColumns.RECORD_ID);
        ListVector lineage = (ListVector) root.getVector(MetadataColumns.LINEAGE);
        StructVector entries = (StructVector) lineage.getDataVector();
        VarCharVector refTable = (VarCharVector) entries.getChild(MetadataColumns.LINEAGE_TABLE);
        VarCharVector refId = (VarCharVector) entries.getChild(MetadataColumns.LINEAGE_RECORD_ID);
        BigIntVector refSnapshot =
            (BigIntVector) entries.getChild(MetadataColumns.LINEAGE_SNAPSHOT_ID);
        for (int r = 0; r < root.getRowCount(); r++) {
          if (ids.isNull(r)) {
            continue; // _record_id is required: a null is a broken file, not an output
          }
          refs.clear();
          if (!lineage.isNull(r)) {
            int end = lineage.getElementEndIndex(r);
            for (int i = lineage.getElementStartIndex(r); i < end; i++) {
              if (entries.isNull(i) || refTable.isNull(i) || refId.isNull(i)) {
                continue;
              }
              refs.add(
                  new InputRef(
                      table(new String(refTable.get(i), java.nio.charset.StandardCharsets.UTF_8)),
                      new String(refId.get(i), java.nio.charset.StandardCharsets.UTF_8),
                      refSnapshot.isNull(i) ? InputRef.NO_SNAPSHOT : refSnapshot.get(i)));
            }
          }
          visitor.row(
              root,
              r,
              new String(ids.get(r), java.nio.charset.StandardCharsets.UTF_8),
              CaseKey.of(refs));
        }
      }
    }
  }

  /**
   * Returns a cited table as {@code namespace.name}; a name that is no valid table name is kept as
   * written (its inputs cannot be read and are reported).
   */
  private String table(String raw) {
    String known = tables.get(raw);
    if (known != null) {
      return known;
    }
    String normalized;
    try {
      normalized = TableName.parse(raw.strip()).toString();
    } catch (LakeException e) {
      normalized = raw;
    }
    tables.put(raw, normalized);
    return normalized;
  }
}
