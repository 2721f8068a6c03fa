package dev.tracelake.lineage.replay;

import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lineage.RowSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads the inputs of one batch of cases: the cited records of each (table, snapshot) from the
 * files the snapshot added (where a record cited at the snapshot that committed it lives), then the
 * ones not found there from the snapshot's other files that can hold them. A record not in the
 * snapshot it was cited at, or a table or snapshot that is gone, skips its case. A file that cannot
 * be read fails the batch: the same batch must stream the same cases when it is read again.
 */
final class BatchReader {
  /** Ids per read: a reader's id filter grows with the ids it is given. */
  private static final int IDS_PER_READ = 4_096;

  private final Map<String, InputTable> tables;
  private final Map<String, Long> unpinnedHeads;
  private final RowSource rows;
  private final Schema casesSchema;
  private final BufferAllocator allocator;

  BatchReader(
      Map<String, InputTable> tables,
      Map<String, Long> unpinnedHeads,
      RowSource rows,
      Schema casesSchema,
      BufferAllocator allocator) {
    this.tables = tables;
    this.unpinnedHeads = unpinnedHeads;
    this.rows = rows;
    this.casesSchema = casesSchema;
    this.allocator = allocator;
  }

  /** Returns the snapshot an input is read at: its own, or its table's pinned head. */
  long readAt(InputRef ref) {
    if (ref.hasSnapshot()) {
      return ref.snapshotId();
    }
    Long head = unpinnedHeads.get(ref.table());
    return head == null ? InputRef.NO_SNAPSHOT : head;
  }

  /** Reads batch {@code batch}: cases {@code first} to {@code first + cases.size() - 1}. */
  ReplayBatch read(long batch, long first, List<CaseKey> cases) {
    Map<String, Staged> staged = new LinkedHashMap<>();
    Map<Long, String> skipped = new TreeMap<>();
    try {
      // what to read: per table and snapshot, the ids cited there
      Map<String, Map<Long, List<String>>> wanted = new TreeMap<>();
      for (int c = 0; c < cases.size(); c++) {
        CaseKey key = cases.get(c);
        for (int i = 0; i < key.size(); i++) {
          InputRef ref = key.ref(i);
          InputTable table = tables.get(ref.table());
          long at = readAt(ref);
          String problem =
              table.problem() != null
                  ? table.problem()
                  : at == InputRef.NO_SNAPSHOT || !table.hasSnapshot(at)
                      ? "table " + ref.table() + " has no snapshot " + snapshotText(at)
                      : null;
          if (problem != null) {
            skipped.putIfAbsent(first + c, problem + " (input " + ref + ")");
            continue;
          }
          wanted
              .computeIfAbsent(ref.table(), t -> new TreeMap<>())
              .computeIfAbsent(at, s -> new ArrayList<>())
              .add(ref.recordId());
        }
      }
      for (Map.Entry<String, Map<Long, List<String>>> t : wanted.entrySet()) {
        InputTable table = tables.get(t.getKey());
        Staged stage = new Staged(VectorSchemaRoot.create(table.staging(), allocator));
        staged.put(t.getKey(), stage);
        for (Map.Entry<Long, List<String>> s : t.getValue().entrySet()) {
          readSnapshot(table, s.getKey(), s.getValue(), stage);
        }
        stage.root.setRowCount(stage.rows);
      }
      // a case with an input not found is skipped whole
      for (int c = 0; c < cases.size(); c++) {
        CaseKey key = cases.get(c);
        for (int i = 0; i < key.size() && !skipped.containsKey(first + c); i++) {
          InputRef ref = key.ref(i);
          Staged stage = staged.get(ref.table());
          if (stage != null && !stage.index.containsKey(stagedKey(ref))) {
            skipped.put(
                first + c,
                "record "
                    + ref.table()
                    + "/"
                    + ref.recordId()
                    + " is not in snapshot "
                    + snapshotText(readAt(ref))
                    + " of table "
                    + ref.table());
          }
        }
      }
      return assemble(batch, first, cases, staged, skipped);
    } finally {
      staged.values().forEach(s -> s.root.close());
    }
  }

  private static String snapshotText(long snapshotId) {
    return snapshotId == InputRef.NO_SNAPSHOT ? "(none pinned)" : Long.toString(snapshotId);
  }

  /** The rows of one table read for a batch, by (record id, snapshot). */
  private static final class Staged {
    final VectorSchemaRoot root;
    final Map<String, Integer> index = new HashMap<>();
    int rows;

    Staged(VectorSchemaRoot root) {
      this.root = root;
      root.allocateNew();
    }
  }

  private String stagedKey(InputRef ref) {
    return readAt(ref) + "/" + ref.recordId();
  }

  private void readSnapshot(InputTable table, long snapshotId, List<String> ids, Staged stage) {
    InputTable.SnapshotRead read;
    try {
      read = table.read(snapshotId);
    } catch (LakeException e) {
      return; // not plannable any more: its records are reported missing
    }
    List<String> missing = new ArrayList<>(new java.util.LinkedHashSet<>(ids));
    if (read.added() != null) {
      missing = readFrom(read.added(), read.targets(), snapshotId, missing, stage);
    }
    if (!missing.isEmpty()) {
      String smallest = missing.stream().min(String::compareTo).orElseThrow();
      String largest = missing.stream().max(String::compareTo).orElseThrow();
      ScanPlan rest = InputTable.narrowed(read, smallest, largest, read.added());
      readFrom(rest, read.targets(), snapshotId, missing, stage);
    }
  }

  /** Reads {@code ids} from {@code plan}'s files into the stage; returns the ids not found. */
  private List<String> readFrom(
      ScanPlan plan, int[] targets, long snapshotId, List<String> ids, Staged stage) {
    if (plan.files().isEmpty() || ids.isEmpty()) {
      return ids;
    }
    for (int from = 0; from < ids.size(); from += IDS_PER_READ) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IDS_PER_READ));
      try {
        rows.read(plan, chunk, allocator, batch -> stage(batch, targets, snapshotId, stage));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot read the replay's inputs from table "
                + plan.table()
                + " at snapshot "
                + snapshotId
                + ": "
                + e.getMessage(),
            e);
      }
    }
    List<String> missing = new ArrayList<>();
    for (String id : ids) {
      if (!stage.index.containsKey(snapshotId + "/" + id)) {
        missing.add(id);
      }
    }
    return missing;
  }

  private static void stage(VectorSchemaRoot batch, int[] targets, long snapshotId, Staged stage) {
    List<FieldVector> vectors = batch.getFieldVectors();
    VarCharVector ids = (VarCharVector) batch.getVector(MetadataColumns.RECORD_ID);
    ColumnCopier[] copiers = new ColumnCopier[targets.length];
    for (int i = 0; i < targets.length; i++) {
      copiers[i] = ColumnCopier.of(vectors.get(i), stage.root.getVector(targets[i]));
    }
    for (int r = 0; r < batch.getRowCount(); r++) {
      if (ids.isNull(r)) {
        continue;
      }
      String key = snapshotId + "/" + new String(ids.get(r), StandardCharsets.UTF_8);
      if (stage.index.containsKey(key)) {
        continue; // a repeated id: the first row read stands
      }
      int to = stage.rows++;
      stage.index.put(key, to);
      // columns the snapshot lacks are not copied: they stay null
      for (ColumnCopier copier : copiers) {
        copier.copy(r, to);
      }
    }
  }

  private ReplayBatch assemble(
      long batch,
      long first,
      List<CaseKey> cases,
      Map<String, Staged> staged,
      Map<Long, String> skipped) {
    Map<String, VectorSchemaRoot> out = new LinkedHashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    VectorSchemaRoot caseRoot = VectorSchemaRoot.create(casesSchema, allocator);
    try {
      int totalEntries = 0;
      for (int c = 0; c < cases.size(); c++) {
        if (skipped.containsKey(first + c)) {
          continue;
        }
        CaseKey key = cases.get(c);
        totalEntries += key.size();
        for (int i = 0; i < key.size(); i++) {
          counts.merge(key.ref(i).table(), 1, Integer::sum);
        }
      }
      for (Map.Entry<String, Staged> e : staged.entrySet()) {
        if (counts.containsKey(e.getKey())) {
          VectorSchemaRoot root =
              VectorSchemaRoot.create(tables.get(e.getKey()).schema(), allocator);
          out.put(e.getKey(), root);
          root.allocateNew();
        }
      }
      caseRoot.allocateNew();
      BigIntVector caseNumbers = (BigIntVector) caseRoot.getVector(InputTable.CASE);
      ListVector lineage = (ListVector) caseRoot.getVector(MetadataColumns.LINEAGE);
      StructVector entries = (StructVector) lineage.getDataVector();
      VarCharVector entryTable = (VarCharVector) entries.getChild(MetadataColumns.LINEAGE_TABLE);
      VarCharVector entryId = (VarCharVector) entries.getChild(MetadataColumns.LINEAGE_RECORD_ID);
      BigIntVector entrySnapshot =
          (BigIntVector) entries.getChild(MetadataColumns.LINEAGE_SNAPSHOT_ID);
      // setIndexDefined does not grow the struct's validity buffer
      while (entries.getValueCapacity() < totalEntries) {
        entries.reAlloc();
      }
      Map<String, Integer> rowsOut = new HashMap<>();
      Map<String, ColumnCopier[]> copiers = new HashMap<>();
      int caseRow = 0;
      int entry = 0;
      for (int c = 0; c < cases.size(); c++) {
        long number = first + c;
        if (skipped.containsKey(number)) {
          continue;
        }
        CaseKey key = cases.get(c);
        caseNumbers.setSafe(caseRow, number);
        lineage.startNewValue(caseRow);
        for (int i = 0; i < key.size(); i++) {
          InputRef ref = key.ref(i);
          entries.setIndexDefined(entry);
          entryTable.setSafe(entry, ref.table().getBytes(StandardCharsets.UTF_8));
          entryId.setSafe(entry, ref.recordId().getBytes(StandardCharsets.UTF_8));
          if (ref.hasSnapshot()) {
            entrySnapshot.setSafe(entry, ref.snapshotId());
          } else {
            entrySnapshot.setNull(entry);
          }
          entry++;
          Staged stage = staged.get(ref.table());
          VectorSchemaRoot root = out.get(ref.table());
          int from = stage.index.get(stagedKey(ref));
          int to = rowsOut.merge(ref.table(), 1, Integer::sum) - 1;
          ((BigIntVector) root.getVector(0)).setSafe(to, number);
          BigIntVector snapshot = (BigIntVector) root.getVector(2);
          if (ref.hasSnapshot()) {
            snapshot.setSafe(to, ref.snapshotId());
          } else {
            snapshot.setNull(to);
          }
          ColumnCopier[] copy =
              copiers.computeIfAbsent(ref.table(), t -> stagedCopiers(stage.root, root));
          for (ColumnCopier copier : copy) {
            copier.copy(from, to);
          }
        }
        lineage.endValue(caseRow, key.size());
        caseRow++;
      }
      caseRoot.setRowCount(caseRow);
      for (Map.Entry<String, VectorSchemaRoot> e : out.entrySet()) {
        e.getValue().setRowCount(rowsOut.getOrDefault(e.getKey(), 0));
      }
      List<SkippedCase> skips = new ArrayList<>();
      skipped.forEach((n, reason) -> skips.add(new SkippedCase(n, reason)));
      return new ReplayBatch(batch, first, cases.size(), caseRoot, out, skips);
    } catch (RuntimeException e) {
      caseRoot.close();
      out.values().forEach(VectorSchemaRoot::close);
      throw e;
    }
  }

  /** Copies staged columns (_record_id, _ingested_at, user columns) to the batch's columns. */
  private static ColumnCopier[] stagedCopiers(VectorSchemaRoot staged, VectorSchemaRoot out) {
    List<FieldVector> from = staged.getFieldVectors();
    ColumnCopier[] copiers = new ColumnCopier[from.size()];
    for (int i = 0; i < from.size(); i++) {
      // the batch holds _case and _snapshot_id besides: _record_id is its column 1, then 3, 4, ...
      int target = i == 0 ? 1 : i + 2;
      copiers[i] = ColumnCopier.of(from.get(i), out.getVector(target));
    }
    return copiers;
  }
}
