package dev.tracelake.lineage;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeScan;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The records of a branch or tag that {@code main} does not have: in every table that has the ref,
 * the rows appended on it since it left {@code main} (write-audit-publish stages them there). The
 * index holds {@code main} only; questions about a ref read these few rows on the fly and walk them
 * together with the index.
 */
final class RefOverlay {
  /** A record of the ref: where it is, who wrote it, and what it cites. */
  record RefRecord(RecordKey key, long snapshotId, Provenance provenance, List<TraceEdge> inputs) {}

  final String ref;
  final Map<RecordKey, RefRecord> records = new LinkedHashMap<>();
  // input -> the ref's records that cite it
  final Map<RecordKey, List<RecordKey>> citers = new HashMap<>();

  private RefOverlay(String ref) {
    this.ref = ref;
  }

  /**
   * Reads the records of {@code ref} in every table that has it.
   *
   * @throws LineageException NOT_FOUND when no table has the ref
   */
  static RefOverlay read(Lake lake, String ref, BufferAllocator allocator) {
    RefOverlay overlay = new RefOverlay(ref);
    boolean found = false;
    for (TableName name : lake.tables()) {
      LakeTable table = lake.table(name);
      Optional<RefInfo> info = table.refs().stream().filter(r -> r.name().equals(ref)).findFirst();
      if (info.isEmpty()) {
        continue;
      }
      found = true;
      overlay.readTable(table, info.get(), allocator);
    }
    if (!found && !"main".equals(ref)) {
      throw LineageException.notFound("No table has a branch or tag named %s", ref);
    }
    return overlay;
  }

  /** Finds a ref of the record's table other than {@code main} whose snapshot holds the record. */
  static Optional<RefInfo> refHolding(Lake lake, RecordKey key, BufferAllocator allocator) {
    LakeTable table;
    try {
      table = lake.table(TableName.parse(key.table()));
    } catch (LakeException e) {
      return Optional.empty();
    }
    for (RefInfo ref : table.refs()) {
      if (ref.name().equals("main")) {
        continue;
      }
      try (ScanBatches batches =
          table
              .scan()
              .atSnapshot(ref.snapshotId())
              .select(dev.tracelake.lake.MetadataColumns.RECORD_ID)
              .filter(
                  dev.tracelake.lake.Filter.in(
                      dev.tracelake.lake.MetadataColumns.RECORD_ID, List.of(key.recordId())))
              .open(allocator)) {
        while (batches.loadNextBatch()) {
          if (batches.root().getRowCount() > 0) {
            return Optional.of(ref);
          }
        }
      }
    }
    return Optional.empty();
  }

  private void readTable(LakeTable table, RefInfo ref, BufferAllocator allocator) {
    if (!table.arrowSchema().getFields().stream()
        .map(f -> f.getName())
        .toList()
        .containsAll(LineageColumns.NAMES)) {
      return;
    }
    Long fork = forkPoint(table, ref);
    // the ref's own snapshots, oldest first: each record is tied to the snapshot that added it
    List<SnapshotInfo> own = new ArrayList<>();
    for (SnapshotInfo s = table.snapshot(ref.snapshotId());
        s != null && (fork == null || s.snapshotId() != fork);
        s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
      own.add(0, s);
    }
    String key = table.name().toString();
    for (SnapshotInfo snapshot : own) {
      LakeScan scan = table.scan().atSnapshot(snapshot.snapshotId()).select(LineageColumns.NAMES);
      if (snapshot.parentId() != null) {
        scan = scan.appendedAfter(snapshot.parentId());
      }
      SnapshotRows rows = new SnapshotRows(key, snapshot.snapshotId());
      try (ScanBatches batches = scan.open(allocator)) {
        new LineageColumns(rows).read(batches);
      }
      add(key, snapshot.snapshotId(), rows);
    }
  }

  private void add(String key, long snapshotId, SnapshotRows rows) {
    int input = 0;
    for (int r = 0; r < rows.rows; r++) {
      RecordKey output =
          new RecordKey(
              key,
              rows.otherRows.get(r)
                  ? rows.otherIds.get(r)
                  : Uuids.format(rows.idHi.get(r), rows.idLo.get(r)));
      List<TraceEdge> inputs = new ArrayList<>();
      for (int end = rows.inputEnd.get(r); input < end; input++) {
        RecordKey in =
            new RecordKey(
                rows.tables.get(rows.inTable.get(input)),
                rows.otherInputs.get(input)
                    ? rows.inOtherIds.get(input)
                    : Uuids.format(rows.inHi.get(input), rows.inLo.get(input)));
        long snap = rows.inSnap.get(input);
        inputs.add(new TraceEdge(output, in, snap == LineageGraph.NO_SNAPSHOT ? null : snap));
        citers.computeIfAbsent(in, k -> new ArrayList<>()).add(output);
      }
      records.put(
          output, new RefRecord(output, snapshotId, rows.provs.get(rows.prov.get(r)), inputs));
    }
  }

  /**
   * The newest snapshot of the ref that {@code main} has too (where the ref left main), or null
   * when they share none.
   */
  private static Long forkPoint(LakeTable table, RefInfo ref) {
    List<SnapshotInfo> main = table.history("main");
    if (main.isEmpty()) {
      return null;
    }
    long mainHead = main.get(0).snapshotId();
    if (table.isAncestor(ref.snapshotId(), mainHead)) {
      return ref.snapshotId();
    }
    if (ref.type() == RefInfo.Type.TAG) {
      // a tag off main's line: walk its ancestry
      for (SnapshotInfo s = table.snapshot(ref.snapshotId());
          s != null && s.parentId() != null;
          s = table.snapshot(s.parentId())) {
        if (table.isAncestor(s.parentId(), mainHead)) {
          return s.parentId();
        }
      }
      return null;
    }
    for (SnapshotInfo s : table.history(ref.name())) {
      if (table.isAncestor(s.snapshotId(), mainHead)) {
        return s.snapshotId();
      }
    }
    return null;
  }
}
