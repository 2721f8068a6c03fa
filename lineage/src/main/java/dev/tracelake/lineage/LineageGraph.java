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
 * <p>A trace touches a few dozen random nodes of a graph far larger than the CPU caches, so its
 * time is mostly cache and TLB misses: what a forward walk reads of a node (commit, provenance,
 * input range) sits side by side in one array, 16 bytes a node, and so do an edge's input and
 * snapshot, so a node costs one miss there and its inputs one more.
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
  // per node, NODE_FIELDS ints: commit snapshot ref, provenance, first forward edge, input count
  private static final int NODE_FIELDS = 4;
  private static final int SNAP = 0;
  private static final int PROV = 1;
  private static final int FWD_START = 2;
  private static final int FWD_COUNT = 3;
  private final IntList nodes = new IntList(NODE_FIELDS * 1024);
  private final IntList revHead = new IntList(1024);

  // per edge, 2 ints: input node, snapshot ref (what forward walks read); the rest apart
  private final IntList edgeIn = new IntList(2 * 4096);
  private final IntList edgeSrc = new IntList(4096);
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
    return nodes.get(NODE_FIELDS * node + SNAP) >= 0;
  }

  /** Returns the snapshot ref that committed the node, or -1. */
  int commitRef(int node) {
    return nodes.get(NODE_FIELDS * node + SNAP);
  }

  /** Returns when the node was committed, or {@link #UNKNOWN_TIME} when it was not. */
  long committedMillis(int node) {
    int ref = nodes.get(NODE_FIELDS * node + SNAP);
    return ref < 0 ? UNKNOWN_TIME : snapMillis.get(ref);
  }

  /** Returns whether the node was committed at or before {@code asOfMillis}. */
  boolean visible(int node, long asOfMillis) {
    int ref = nodes.get(NODE_FIELDS * node + SNAP);
    if (ref < 0) {
      return false;
    }
    long millis = snapMillis.get(ref);
    return asOfMillis == Long.MAX_VALUE || (millis != UNKNOWN_TIME && millis <= asOfMillis);
  }

  int provenanceOf(int node) {
    return nodes.get(NODE_FIELDS * node + PROV);
  }

  Provenance provenance(int node) {
    int p = nodes.get(NODE_FIELDS * node + PROV);
    return p < 0 ? Provenance.none() : provs.get(p);
  }

  int firstInput(int node) {
    return nodes.get(NODE_FIELDS * node + FWD_START);
  }

  int inputCount(int node) {
    return nodes.get(NODE_FIELDS * node + FWD_COUNT);
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
    return edgeIn.get(2 * edge);
  }

  /** Returns the snapshot ref the edge's input was read at, or -1 when the writer gave none. */
  int edgeSnapshotRef(int edge) {
    return edgeIn.get(2 * edge + 1);
  }

  /**
   * Reads what a walk will read of the inputs of edges {@code [firstEdge, firstEdge + count)}: each
   * input's node fields and key, then its own first inputs. Loads in a tight loop are independent,
   * so the CPU waits for their cache misses side by side instead of one at a time when each input
   * is visited in turn. Returns a value made of every load (the caller must use it, or the JIT
   * drops the loads).
   */
  int touchInputs(int firstEdge, int count) {
    int sum = 0;
    int[] in = edgeIn.array();
    int[] fields = nodes.array();
    for (int e = firstEdge; e < firstEdge + count; e++) {
      int v = in[2 * e];
      sum += fields[NODE_FIELDS * v] + keys.touch(v);
    }
    for (int e = firstEdge; e < firstEdge + count; e++) {
      int at = NODE_FIELDS * in[2 * e];
      // an input without inputs of its own has no first edge: its start may be one past the end
      if (fields[at + FWD_COUNT] > 0) {
        sum += in[2 * fields[at + FWD_START]];
      }
    }
    return sum;
  }

  // --- writes

  private int nodeUuid(int table, long hi, long lo) {
    int node = keys.internUuid(table, hi, lo);
    if (node == revHead.size()) {
      newNode();
    }
    return node;
  }

  private int nodeOther(int table, String id) {
    int node = keys.internOther(table, id);
    if (node == revHead.size()) {
      newNode();
    }
    return node;
  }

  private void newNode() {
    nodes.add(-1); // SNAP
    nodes.add(-1); // PROV
    nodes.add(0); // FWD_START
    nodes.add(0); // FWD_COUNT
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
    edgeIn.reserve(2 * newEdges);
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
      int at = NODE_FIELDS * node;
      if (nodes.get(at + SNAP) >= 0) {
        // The id was written before (writer-supplied ids need not be unique): keep the first
        // commit and let the record's inputs be the union; the old edges stay linked as inputs.
        state.duplicateRecords++;
        int oldStart = nodes.get(at + FWD_START);
        int oldCount = nodes.get(at + FWD_COUNT);
        for (int e = oldStart; e < oldStart + oldCount; e++) {
          edgeSrc.add(node);
          edgeIn.add(edgeIn.get(2 * e));
          edgeIn.add(edgeIn.get(2 * e + 1));
          revNext.add(-1);
        }
      } else {
        nodes.set(at + SNAP, commit);
        nodes.set(at + PROV, prov);
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
        edgeIn.add(input);
        edgeIn.add(snapRef);
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
      nodes.set(at + FWD_START, start);
      nodes.set(at + FWD_COUNT, edgeSrc.size() - start);
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
        + nodes.bytes()
        + revHead.bytes()
        + edgeSrc.bytes()
        + edgeIn.bytes()
        + revNext.bytes()
        + snapIds.bytes()
        + snapTable.bytes()
        + snapMillis.bytes();
  }
}
