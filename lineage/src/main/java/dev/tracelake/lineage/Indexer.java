package dev.tracelake.lineage;

import dev.tracelake.lake.BranchHead;
import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeScan;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an {@link IndexState} up to the head of {@code main} of every table, incrementally: for
 * each table, the snapshots after the last indexed one are read one by one, each with {@link
 * LakeScan#appendedAfter} from its parent and only the lineage columns, so every record is tied to
 * the snapshot that committed it (which "as of" answers need).
 *
 * <p>Not thread-safe: the caller runs one catch-up at a time.
 */
final class Indexer {
  private static final Logger LOG = LoggerFactory.getLogger(Indexer.class);

  private final Lake lake;
  private final TableName runsTable;
  private final BufferAllocator allocator;

  /**
   * What one catch-up does for one table.
   *
   * @param newOnMain snapshots of main after the last indexed one, oldest first
   * @param pending the ones of those to read rows from (none for a table without lineage columns)
   * @param allSnapshots every snapshot of the table, on first sight only (null afterwards)
   */
  private record Plan(
      TableName name,
      LakeTable table,
      boolean isRunsTable,
      Long head,
      List<SnapshotInfo> newOnMain,
      List<SnapshotInfo> pending,
      List<SnapshotInfo> allSnapshots,
      boolean lineageColumns) {}

  /** What the state already knows of a table. */
  private record Known(Long indexed, boolean seen, Boolean lineageColumns) {}

  Indexer(Lake lake, TableName runsTable, BufferAllocator allocator) {
    this.lake = lake;
    this.runsTable = runsTable;
    this.allocator = allocator;
  }

  /**
   * Catches {@code state} up with every table.
   *
   * @return false, having changed nothing, when some table's {@code main} no longer descends from
   *     the snapshot indexed last (it was reset): only a rebuild can then drop the records gone
   */
  boolean catchUp(IndexState state) {
    Instant checkedAt = Instant.now();
    List<Plan> plans = new ArrayList<>();
    for (TableName name : lake.tables()) {
      Plan plan;
      try {
        plan = plan(state, name);
      } catch (HistoryRewritten e) {
        LOG.warn("{}; the lineage index will be rebuilt", e.getMessage());
        return false;
      }
      if (plan != null) {
        plans.add(plan);
      }
    }
    state.write(() -> recordHeads(state, plans, checkedAt));
    for (Plan plan : plans) {
      for (SnapshotInfo snapshot : plan.pending()) {
        if (plan.isRunsTable()) {
          indexRuns(state, plan, snapshot);
        } else {
          indexSnapshot(state, plan, snapshot);
        }
      }
    }
    verifyCitedSnapshots(state);
    return true;
  }

  /** Looks at every table's head and records how far behind the index is, reading no data. */
  boolean checkHeads(IndexState state) {
    Instant checkedAt = Instant.now();
    List<Plan> plans = new ArrayList<>();
    for (TableName name : lake.tables()) {
      try {
        Plan plan = plan(state, name);
        if (plan != null) {
          plans.add(plan);
        }
      } catch (HistoryRewritten e) {
        LOG.warn("{}; the lineage index must be rebuilt", e.getMessage());
        return false;
      }
    }
    state.write(() -> recordHeads(state, plans, checkedAt));
    return true;
  }

  /**
   * Folds new rows of the runs table into the registry, nothing else: what a run registration needs
   * to see its own write.
   *
   * @return false when the runs table's main was reset, so the state must be rebuilt
   */
  boolean catchUpRuns(IndexState state) {
    Plan plan;
    try {
      plan = plan(state, runsTable);
    } catch (HistoryRewritten e) {
      LOG.warn("{}; the lineage index will be rebuilt", e.getMessage());
      return false;
    }
    if (plan != null) {
      for (SnapshotInfo snapshot : plan.pending()) {
        indexRuns(state, plan, snapshot);
      }
    }
    return true;
  }

  private static final class HistoryRewritten extends RuntimeException {
    HistoryRewritten(String message) {
      super(message, null, false, false);
    }
  }

  private Plan plan(IndexState state, TableName name) {
    boolean isRuns = name.equals(runsTable);
    String key = name.toString();
    LakeTable table;
    BranchHead main;
    try {
      table = lake.table(name);
      main = table.branchHead(LakeTable.MAIN);
    } catch (LakeException e) {
      if (e.kind() == ErrorKind.NOT_FOUND) {
        return null; // dropped since it was listed
      }
      throw e;
    }
    Known known =
        state.read(
            () -> {
              if (isRuns) {
                return new Known(state.runsIndexedSnapshotId, true, Boolean.TRUE);
              }
              int id = state.graph.findTable(key);
              if (id < 0) {
                return new Known(null, false, null);
              }
              TableState t = state.graph.table(id);
              return new Known(
                  t.indexedSnapshotId, t.inLake, t.schemaChecked ? t.hasLineageColumns : null);
            });
    Long head = main.head().map(SnapshotInfo::snapshotId).orElse(null);
    // walk back from the head only as far as the last indexed snapshot: history is read lazily
    List<SnapshotInfo> newOnMain = new ArrayList<>();
    boolean found = known.indexed() == null;
    for (SnapshotInfo s : main.history()) {
      if (known.indexed() != null && s.snapshotId() == known.indexed()) {
        found = true;
        break;
      }
      newOnMain.add(s);
    }
    if (!found) {
      throw new HistoryRewritten(
          String.format(
              "Table %s: main (head %s) no longer descends from snapshot %d, the last one indexed",
              name, head, known.indexed()));
    }
    Collections.reverse(newOnMain);
    boolean lineageColumns =
        known.lineageColumns() != null ? known.lineageColumns() : hasLineageColumns(table);
    List<SnapshotInfo> all = isRuns || known.seen() ? null : table.snapshots();
    return new Plan(
        name,
        table,
        isRuns,
        head,
        newOnMain,
        lineageColumns ? newOnMain : List.of(),
        all,
        lineageColumns);
  }

  private static boolean hasLineageColumns(LakeTable table) {
    Set<String> names = new HashSet<>();
    for (Field f : table.arrowSchema().getFields()) {
      names.add(f.getName());
    }
    boolean has = names.containsAll(LineageColumns.NAMES);
    if (!has) {
      LOG.info(
          "Table {} has no {} column; it is not a Tracelake table and has no record lineage",
          table.name(),
          MetadataColumns.LINEAGE);
    }
    return has;
  }

  private void recordHeads(IndexState state, List<Plan> plans, Instant checkedAt) {
    Set<String> listed = new HashSet<>();
    for (Plan plan : plans) {
      String key = plan.name().toString();
      listed.add(key);
      if (plan.isRunsTable()) {
        continue;
      }
      TableState t = state.graph.table(key);
      t.inLake = true;
      t.schemaChecked = true;
      t.hasLineageColumns = plan.lineageColumns();
      t.headSnapshotId = plan.head();
      if (plan.lineageColumns()) {
        t.snapshotsBehind = plan.pending().size();
      } else {
        t.indexedSnapshotId = plan.head();
        t.snapshotsBehind = 0;
      }
      if (plan.allSnapshots() != null) {
        // every snapshot, branches too, so that lineage citing any of them checks out
        for (SnapshotInfo s : plan.allSnapshots()) {
          state.graph.markSnapshot(t.id, s.snapshotId(), s.committedAt().toEpochMilli());
        }
      }
      for (SnapshotInfo s : plan.newOnMain()) {
        state.graph.markSnapshot(t.id, s.snapshotId(), s.committedAt().toEpochMilli());
        // runs are taken from main only, so an incremental index and a rebuild agree
        state.runs.addSnapshot(key, s);
      }
    }
    for (TableState t : state.graph.tables()) {
      if (t.inLake && !listed.contains(t.name)) {
        // dropped: its records stay (they were committed), but nothing is pending any more
        t.inLake = false;
        t.snapshotsBehind = 0;
      }
    }
    state.checkedAt = checkedAt;
  }

  private void indexSnapshot(IndexState state, Plan plan, SnapshotInfo snapshot) {
    String key = plan.name().toString();
    long started = System.nanoTime();
    SnapshotRows rows = new SnapshotRows(key, snapshot.snapshotId());
    LakeScan scan =
        plan.table().scan().atSnapshot(snapshot.snapshotId()).select(LineageColumns.NAMES);
    if (snapshot.parentId() != null) {
      scan = scan.appendedAfter(snapshot.parentId());
    }
    try (ScanBatches batches = scan.open(allocator)) {
      new LineageColumns(rows).read(batches);
    }
    long read = System.nanoTime();
    state.write(
        () -> {
          RunInputs inputs = state.graph.apply(rows);
          state.runs.addInputs(inputs);
          TableState t = state.graph.table(key);
          t.indexedSnapshotId = snapshot.snapshotId();
          t.snapshotsBehind = Math.max(0, t.snapshotsBehind - 1);
        });
    long applied = System.nanoTime();
    LOG.debug(
        "Indexed {} snapshot {}: {} records, {} inputs; read {} ms, applied {} ms",
        key,
        snapshot.snapshotId(),
        rows.rows,
        rows.inputs(),
        (read - started) / 1_000_000,
        (applied - read) / 1_000_000);
  }

  private void indexRuns(IndexState state, Plan plan, SnapshotInfo snapshot) {
    LakeScan scan = plan.table().scan().atSnapshot(snapshot.snapshotId());
    if (snapshot.parentId() != null) {
      scan = scan.appendedAfter(snapshot.parentId());
    }
    List<RunRow> rows;
    try (ScanBatches batches = scan.open(allocator)) {
      rows = RunsTable.read(batches);
    }
    state.write(
        () -> {
          rows.forEach(state.runs::apply);
          state.runsIndexedSnapshotId = snapshot.snapshotId();
        });
  }

  /**
   * Looks again at the snapshots of tables that lineage cites snapshots of that were not known:
   * they may have been committed after the table was listed in this round.
   */
  private void verifyCitedSnapshots(IndexState state) {
    Set<String> tables = new LinkedHashSet<>();
    state.write(
        () -> {
          IntList refs = state.graph.drainUnverifiedSnapshotRefs();
          for (int i = 0; i < refs.size(); i++) {
            TableState t = state.graph.table(state.graph.snapshotTable(refs.get(i)));
            if (t.inLake) {
              tables.add(t.name);
            }
          }
        });
    for (String name : tables) {
      List<SnapshotInfo> snapshots;
      try {
        snapshots = lake.table(TableName.parse(name)).snapshots();
      } catch (LakeException e) {
        if (e.kind() == ErrorKind.NOT_FOUND) {
          continue;
        }
        throw e;
      }
      state.write(
          () -> {
            int id = state.graph.tableId(name);
            for (SnapshotInfo s : snapshots) {
              state.graph.markSnapshot(id, s.snapshotId(), s.committedAt().toEpochMilli());
            }
          });
    }
  }
}
