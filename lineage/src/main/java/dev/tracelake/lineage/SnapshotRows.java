package dev.tracelake.lineage;

import dev.tracelake.lake.Provenance;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The lineage columns of the rows one snapshot added to a table, parsed into primitive lists
 * outside the index lock so that folding them in ({@link LineageGraph#apply}) is quick.
 */
final class SnapshotRows {
  final String table;
  final long snapshotId;
  int rows;

  // per row: the record id as a UUID, or the text in otherIds
  final LongList idHi = new LongList(1024);
  final LongList idLo = new LongList(1024);
  // rows (and inputs) whose id is not a UUID are flagged, so the common case does no map lookup
  final BitSet otherRows = new BitSet();
  final Map<Integer, String> otherIds = new HashMap<>();
  final IntList prov = new IntList(1024);
  final List<Provenance> provs = new ArrayList<>();
  // per row: the end (exclusive) of its inputs in the input lists
  final IntList inputEnd = new IntList(1024);

  // per input
  final IntList inTable = new IntList(4096);
  final List<String> tables = new ArrayList<>();
  final LongList inHi = new LongList(4096);
  final LongList inLo = new LongList(4096);
  final BitSet otherInputs = new BitSet();
  final Map<Integer, String> inOtherIds = new HashMap<>();
  final LongList inSnap = new LongList(4096);

  private final Map<Provenance, Integer> provIndex = new HashMap<>();
  private final Map<String, Integer> tableIndex = new HashMap<>();

  SnapshotRows(String table, long snapshotId) {
    this.table = table;
    this.snapshotId = snapshotId;
  }

  int inputs() {
    return inTable.size();
  }

  int provenance(Provenance p) {
    return provIndex.computeIfAbsent(
        p,
        k -> {
          provs.add(k);
          return provs.size() - 1;
        });
  }

  int table(String name) {
    return tableIndex.computeIfAbsent(
        name,
        k -> {
          tables.add(k);
          return tables.size() - 1;
        });
  }
}
