package dev.tracelake.lineage;

import dev.tracelake.lake.Provenance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The lineage index: records interned to int node ids and lineage edges in primitive arrays, made
 * for fast walks in both directions.
 *
 * <ul>
 *   <li>Each node has its table, the snapshot that committed it (-1 while only referenced), its
 *       provenance (an interned run/commit/model tuple), a contiguous range of forward edges (a
 *       record's inputs all arrive with the record) and the head of a linked list of reverse edges
 *       (outputs arrive over time).
 *   <li>Each edge has its output node, input node, the snapshot the input was read at and the next
 *       edge into the same input: 16 bytes an edge.
 * </ul>
 *
 * <p>Everything here is derived from the tables and can be rebuilt. Not thread-safe: the owning
 * {@link IndexState}'s lock guards it (writes under the write lock, walks under the read lock).
 */
final class LineageGraph {
  static final long NO_SNAPSHOT = Long.MIN_VALUE;
  static final long UNKNOWN_TIME = Long.MIN_VALUE;

  private final List<TableState> tables = new ArrayList<>();
  private final Map<String, Integer> tableIds = new HashMap<>();

  // snapshot refs: (table, snapshot id), with the commit time once known to exist
  private final LongList snapIds = new LongList();
  private final IntList snapTable = new IntList();
  private final LongList snapMillis = new LongList();
  // refs registered since the indexer last checked that they exist
  private final IntList newRefs = new IntList();

  private final List<Provenance> provs = new ArrayList<>();
  private final Map<Provenance, Integer> provIds = new HashMap<>();

  private final RecordKeyTable keys = new RecordKeyTable();
  private final IntList nodeSnap = new IntList(1024);
  private final IntList nodeProv = new IntList(1024);
  private final IntList fwdStart = new IntList(1024);
  private final IntList fwdCount = new IntList(1024);
  private final IntList revHead = new IntList(1024);

  private final IntList edgeSrc = new IntList(4096);
  private final IntList edgeDst = new IntList(4096);
  private final IntList edgeSnap = new IntList(4096);
  private final IntList revNext = new IntList(4096);

  // --- tables and snapshots

  /** Returns the id of a table, registering it when new. */
  int tableId(String table) {
    Integer id = tableIds.get(table);
    if (id != null) {
      return id;
    }
    int fresh = tables.size();
    tables.add(new TableState(fresh, table));
    tableIds.put(table, fresh);
    return fresh;
  }

  /** Returns the table's id, or -1 when no record or lineage ever named it. */
  int findTable(String table) {
    Integer id = tableIds.get(table);
    return id == null ? -1 : id;
  }

  TableState table(int tableId) {
    return tables.get(tableId);
  }

  TableState table(String name) {
    return tables.get(tableId(name));
  }

  List<TableState> tables() {
    return tables;
  }

  /** Returns the ref of a snapshot of a table, registering it (time unknown) when new. */
  int snapshotRef(int tableId, long snapshotId) {
    TableState t = tables.get(tableId);
    Integer ref = t.snapshotRefs.get(snapshotId);
    if (ref != null) {
      return ref;
    }
    int fresh = snapIds.size();
    snapIds.add(snapshotId);
    snapTable.add(tableId);
    snapMillis.add(UNKNOWN_TIME);
    t.snapshotRefs.put(snapshotId, fresh);
    newRefs.add(fresh);
    return fresh;
  }

  /** Returns the snapshot refs registered since the last call and not known to exist. */
  IntList drainUnverifiedSnapshotRefs() {
    IntList unverified = new IntList();
    for (int i = 0; i < newRefs.size(); i++) {
      if (!snapshotExists(newRefs.get(i))) {
        unverified.add(newRefs.get(i));
      }
    }
    newRefs.clear();
    return unverified;
  }

  /** Records that a snapshot exists and when it was committed. */
  void markSnapshot(int tableId, long snapshotId, long committedMillis) {
    snapMillis.set(snapshotRef(tableId, snapshotId), committedMillis);
  }

  long snapshotId(int ref) {
    return snapIds.get(ref);
  }

  /** Returns whether the snapshot is known to exist in its table. */
  boolean snapshotExists(int ref) {
    return snapMillis.get(ref) != UNKNOWN_TIME;
  }

  long snapshotMillis(int ref) {
    return snapMillis.get(ref);
  }

  int snapshotTable(int ref) {
    return snapTable.get(ref);
  }

  // --- provenance

  int provenanceId(Provenance p) {
    Integer id = provIds.get(p);
    if (id != null) {
      return id;
    }
    int fresh = provs.size();
    provs.add(p);
    provIds.put(p, fresh);
    return fresh;
  }

  List<Provenance> provenances() {
    return provs;
  }

  // --- nodes

  int nodeCount() {
    return keys.size();
  }

  long edgeCount() {
    return edgeSrc.size();
  }

  /** Returns the node of a record, or -1 when the index never saw it. */
  int find(RecordKey key) {
    int table = findTable(key.table());
    return table < 0 ? -1 : keys.find(table, key.recordId());
  }

  int tableOf(int node) {
    return keys.tableOf(node);
  }

  String recordId(int node) {
    return keys.recordId(node);
  }

  RecordKey key(int node) {
    return new RecordKey(tables.get(keys.tableOf(node)).name, keys.recordId(node));
  }

  /** Returns whether the node's record was ingested (not only referenced). */
  boolean present(int node) {
    return nodeSnap.get(node) >= 0;
  }

  /** Returns the snapshot ref that committed the node, or -1. */
  int commitRef(int node) {
    return nodeSnap.get(node);
  }

  /** Returns when the node was committed, or {@link #UNKNOWN_TIME} when it was not. */
  long committedMillis(int node) {
    int ref = nodeSnap.get(node);
    return ref < 0 ? UNKNOWN_TIME : snapMillis.get(ref);
  }

  /** Returns whether the node was committed at or before {@code asOfMillis}. */
  boolean visible(int node, long asOfMillis) {
    int ref = nodeSnap.get(node);
    if (ref < 0) {
      return false;
    }
    long millis = snapMillis.get(ref);
    return asOfMillis == Long.MAX_VALUE || (millis != UNKNOWN_TIME && millis <= asOfMillis);
  }

  int provenanceOf(int node) {
    return nodeProv.get(node);
  }

  Provenance provenance(int node) {
    int p = nodeProv.get(node);
    return p < 0 ? Provenance.none() : provs.get(p);
  }

  int firstInput(int node) {
    return fwdStart.get(node);
  }

  int inputCount(int node) {
    return fwdCount.get(node);
  }

  int firstOutputEdge(int node) {
    return revHead.get(node);
  }

  int nextOutputEdge(int edge) {
    return revNext.get(edge);
  }

  int edgeOutput(int edge) {
    return edgeSrc.get(edge);
  }

  int edgeInput(int edge) {
    return edgeDst.get(edge);
  }

  /** Returns the snapshot ref the edge's input was read at, or -1 when the writer gave none. */
  int edgeSnapshotRef(int edge) {
    return edgeSnap.get(edge);
  }

  // --- writes

  private int nodeUuid(int table, long hi, long lo) {
    int node = keys.internUuid(table, hi, lo);
    if (node == nodeSnap.size()) {
      newNode();
    }
    return node;
  }

  private int nodeOther(int table, String id) {
    int node = keys.internOther(table, id);
    if (node == nodeSnap.size()) {
      newNode();
    }
    return node;
  }

  private void newNode() {
    nodeSnap.add(-1);
    nodeProv.add(-1);
    fwdStart.add(0);
    fwdCount.add(0);
    revHead.add(-1);
  }

  /**
   * Folds the rows one snapshot added into the graph.
   *
   * @return the run inputs seen: for each run id, the (table, snapshot) pairs its records read
   */
  RunInputs apply(SnapshotRows rows) {
    int table = tableId(rows.table);
    TableState state = tables.get(table);
    int commit = snapshotRef(table, rows.snapshotId);
    int[] provMap = new int[rows.provs.size()];
    for (int i = 0; i < provMap.length; i++) {
      provMap[i] = provenanceId(rows.provs.get(i));
    }
    int[] tableMap = new int[rows.tables.size()];
    for (int i = 0; i < tableMap.length; i++) {
      tableMap[i] = tableId(rows.tables.get(i));
    }
    // one growth per batch instead of several copies of arrays of millions
    int newEdges = rows.inputs();
    edgeSrc.reserve(newEdges);
    edgeDst.reserve(newEdges);
    edgeSnap.reserve(newEdges);
    revNext.reserve(newEdges);
    SnapshotRefCache refCache = new SnapshotRefCache();
    // (provenance, snapshot ref or table) pairs, packed: which snapshots each run read
    LongHashSet read = new LongHashSet();
    long lastRead = Long.MIN_VALUE;
    int in = 0;
    for (int r = 0; r < rows.rows; r++) {
      String other = rows.otherRows.get(r) ? rows.otherIds.get(r) : null;
      int node =
          other == null
              ? nodeUuid(table, rows.idHi.get(r), rows.idLo.get(r))
              : nodeOther(table, other);
      int prov = provMap[rows.prov.get(r)];
      boolean hasRun = provs.get(prov).runId() != null;
      int start = edgeSrc.size();
      if (nodeSnap.get(node) >= 0) {
        // The id was written before (writer-supplied ids need not be unique): keep the first
        // commit and let the record's inputs be the union; the old edges stay linked as inputs.
        state.duplicateRecords++;
        int oldStart = fwdStart.get(node);
        int oldCount = fwdCount.get(node);
        for (int e = oldStart; e < oldStart + oldCount; e++) {
          edgeSrc.add(node);
          edgeDst.add(edgeDst.get(e));
          edgeSnap.add(edgeSnap.get(e));
          revNext.add(-1);
        }
      } else {
        nodeSnap.set(node, commit);
        nodeProv.set(node, prov);
        state.records++;
      }
      int end = rows.inputEnd.get(r);
      for (; in < end; in++) {
        int inTable = tableMap[rows.inTable.get(in)];
        String inOther = rows.otherInputs.get(in) ? rows.inOtherIds.get(in) : null;
        int input =
            inOther == null
                ? nodeUuid(inTable, rows.inHi.get(in), rows.inLo.get(in))
                : nodeOther(inTable, inOther);
        long snap = rows.inSnap.get(in);
        int snapRef = snap == NO_SNAPSHOT ? -1 : refCache.get(inTable, snap);
        int edge = edgeSrc.size();
        edgeSrc.add(node);
        edgeDst.add(input);
        edgeSnap.add(snapRef);
        revNext.add(revHead.get(input));
        revHead.set(input, edge);
        if (hasRun) {
          long pair = ((long) prov << 32) | (snapRef >= 0 ? snapRef : (0x80000000L | inTable));
          if (pair != lastRead) {
            read.add(pair);
            lastRead = pair;
          }
        }
      }
      fwdStart.set(node, start);
      fwdCount.set(node, edgeSrc.size() - start);
    }
    RunInputs runInputs = new RunInputs();
    for (long pair : read.toArray()) {
      int prov = (int) (pair >>> 32);
      int low = (int) pair;
      String runId = provs.get(prov).runId();
      if (low < 0) {
        runInputs.add(runId, tables.get(low & 0x7FFFFFFF).name, NO_SNAPSHOT);
      } else {
        runInputs.add(runId, tables.get(snapTable.get(low)).name, snapIds.get(low));
      }
    }
    return runInputs;
  }

  /**
   * A small direct-mapped cache of snapshot refs: inputs cite few snapshots, so this skips the
   * boxed map lookup for almost every edge.
   */
  private final class SnapshotRefCache {
    private final int[] tables = new int[64];
    private final long[] snapshots = new long[64];
    private final int[] refs = new int[64];

    SnapshotRefCache() {
      java.util.Arrays.fill(refs, -1);
    }

    int get(int table, long snapshotId) {
      int slot = (int) ((snapshotId * 0x9E3779B97F4A7C15L + table) >>> 58);
      if (refs[slot] >= 0 && tables[slot] == table && snapshots[slot] == snapshotId) {
        return refs[slot];
      }
      int ref = snapshotRef(table, snapshotId);
      tables[slot] = table;
      snapshots[slot] = snapshotId;
      refs[slot] = ref;
      return ref;
    }
  }

  long heapBytes() {
    return keys.bytes()
        + nodeSnap.bytes()
        + nodeProv.bytes()
        + fwdStart.bytes()
        + fwdCount.bytes()
        + revHead.bytes()
        + edgeSrc.bytes()
        + edgeDst.bytes()
        + edgeSnap.bytes()
        + revNext.bytes()
        + snapIds.bytes()
        + snapTable.bytes()
        + snapMillis.bytes();
  }
}
