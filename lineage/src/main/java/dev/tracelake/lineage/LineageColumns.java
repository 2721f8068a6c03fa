package dev.tracelake.lineage;

import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.ScanBatches;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;

/**
 * Reads the metadata columns the index needs from scan batches into one {@link SnapshotRows}. One
 * reader per {@code SnapshotRows}: it remembers indexes into that object.
 */
final class LineageColumns {
  /** The only columns the index reads. */
  static final List<String> NAMES =
      List.of(
          MetadataColumns.RECORD_ID,
          MetadataColumns.LINEAGE,
          MetadataColumns.RUN_ID,
          MetadataColumns.CODE_COMMIT,
          MetadataColumns.MODEL_NAME,
          MetadataColumns.MODEL_VERSION);

  private final SnapshotRows out;
  private final Utf8Cache run = new Utf8Cache();
  private final Utf8Cache commit = new Utf8Cache();
  private final Utf8Cache modelName = new Utf8Cache();
  private final Utf8Cache modelVersion = new Utf8Cache();
  private final Utf8Cache refTableName = new Utf8Cache();
  private final long[] uuid = new long[2];
  private byte[] scratch = new byte[64];
  // the caches return the same String instances while values repeat, so == finds repeats
  private String lastRun;
  private String lastCommit;
  private String lastName;
  private String lastVersion;
  private int lastProvenanceIndex = -1;
  private String lastRefTable;
  private int lastRefTableIndex = -1;

  LineageColumns(SnapshotRows out) {
    this.out = out;
  }

  /** Reads every batch of {@code batches}. */
  void read(ScanBatches batches) {
    while (batches.loadNextBatch()) {
      readBatch(batches.root());
    }
  }

  private void readBatch(VectorSchemaRoot root) {
    VarCharVector ids = (VarCharVector) root.getVector(MetadataColumns.RECORD_ID);
    ListVector lineage = (ListVector) root.getVector(MetadataColumns.LINEAGE);
    StructVector refs = (StructVector) lineage.getDataVector();
    VarCharVector refTable = (VarCharVector) refs.getChild(MetadataColumns.LINEAGE_TABLE);
    VarCharVector refId = (VarCharVector) refs.getChild(MetadataColumns.LINEAGE_RECORD_ID);
    BigIntVector refSnap = (BigIntVector) refs.getChild(MetadataColumns.LINEAGE_SNAPSHOT_ID);
    VarCharVector runs = (VarCharVector) root.getVector(MetadataColumns.RUN_ID);
    VarCharVector commits = (VarCharVector) root.getVector(MetadataColumns.CODE_COMMIT);
    VarCharVector names = (VarCharVector) root.getVector(MetadataColumns.MODEL_NAME);
    VarCharVector versions = (VarCharVector) root.getVector(MetadataColumns.MODEL_VERSION);
    int count = root.getRowCount();
    for (int r = 0; r < count; r++) {
      if (ids.isNull(r)) {
        // _record_id is required; a null would be a broken file, not a record to index
        continue;
      }
      int row = out.rows++;
      readId(ids, r, out.idHi, out.idLo, out.otherRows, out.otherIds, row);
      out.prov.add(provenance(runs, commits, names, versions, r));
      if (!lineage.isNull(r)) {
        int end = lineage.getElementEndIndex(r);
        for (int i = lineage.getElementStartIndex(r); i < end; i++) {
          if (refs.isNull(i) || refTable.isNull(i) || refId.isNull(i)) {
            continue;
          }
          int input = out.inputs();
          out.inTable.add(refTable(refTable, i));
          readId(refId, i, out.inHi, out.inLo, out.otherInputs, out.inOtherIds, input);
          out.inSnap.add(refSnap.isNull(i) ? LineageGraph.NO_SNAPSHOT : refSnap.get(i));
        }
      }
      out.inputEnd.add(out.inputs());
    }
  }

  private int provenance(
      VarCharVector runs,
      VarCharVector commits,
      VarCharVector names,
      VarCharVector versions,
      int r) {
    String runId = run.get(runs, r);
    String codeCommit = commit.get(commits, r);
    String name = modelName.get(names, r);
    String version = modelVersion.get(versions, r);
    if (lastProvenanceIndex >= 0
        && runId == lastRun
        && codeCommit == lastCommit
        && name == lastName
        && version == lastVersion) {
      return lastProvenanceIndex;
    }
    lastRun = runId;
    lastCommit = codeCommit;
    lastName = name;
    lastVersion = version;
    lastProvenanceIndex = out.provenance(new Provenance(codeCommit, name, version, runId, null));
    return lastProvenanceIndex;
  }

  private int refTable(VarCharVector vector, int i) {
    String raw = refTableName.get(vector, i);
    if (raw == lastRefTable && lastRefTableIndex >= 0) {
      return lastRefTableIndex;
    }
    lastRefTable = raw;
    lastRefTableIndex = out.table(RecordKey.normalizeTable(raw));
    return lastRefTableIndex;
  }

  private void readId(
      VarCharVector vector,
      int i,
      LongList hi,
      LongList lo,
      java.util.BitSet flags,
      java.util.Map<Integer, String> other,
      int index) {
    int start = vector.getStartOffset(i);
    int len = vector.getValueLength(i);
    if (scratch.length < len) {
      scratch = new byte[Math.max(len, scratch.length * 2)];
    }
    ArrowBuf data = vector.getDataBuffer();
    data.getBytes(start, scratch, 0, len);
    if (Uuids.parse(scratch, 0, len, uuid)) {
      hi.add(uuid[0]);
      lo.add(uuid[1]);
    } else {
      hi.add(0);
      lo.add(0);
      flags.set(index);
      other.put(index, new String(scratch, 0, len, StandardCharsets.UTF_8));
    }
  }
}
