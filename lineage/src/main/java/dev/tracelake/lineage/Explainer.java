package dev.tracelake.lineage;

import dev.tracelake.lake.DataFileInfo;
import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.Filter;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.PlannedColumn;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lake.TableName;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Turns a trace into an explanation: lays the traced graph out as a tree from the record, then
 * reads every record's row from the lake as of the snapshot it was read at (one scan per table and
 * snapshot, filtered by {@code _record_id}). Runs outside the index lock: it reads only the lake.
 */
final class Explainer {
  private static final int IN_LIST_CHUNK = 500;

  private final Lake lake;
  private final BufferAllocator allocator;
  // null: read through lake-core's scan
  private volatile RowSource rowSource;

  Explainer(Lake lake, BufferAllocator allocator) {
    this.lake = lake;
    this.allocator = allocator;
  }

  void rowSource(RowSource source) {
    this.rowSource = source;
  }

  /** A record in the tree, before its row is read. */
  private static final class Shape {
    final RecordKey key;
    // the snapshot cited (or, for the explained record, the one that committed it); null: none
    final Long snapshotId;
    // the snapshot whose row is shown: the cited one, else the one that committed the record
    final Long readAt;
    final TraceNode node;
    final Shape parent;
    final List<Shape> inputs = new ArrayList<>();

    Shape(RecordKey key, Long snapshotId, TraceNode node, Shape parent) {
      this.key = key;
      this.snapshotId = snapshotId;
      this.readAt = snapshotId != null ? snapshotId : node.snapshotId();
      this.node = node;
      this.parent = parent;
    }

    boolean onPath(RecordKey other) {
      for (Shape s = this; s != null; s = s.parent) {
        if (s.key.equals(other)) {
          return true;
        }
      }
      return false;
    }
  }

  private record Read(String table, long snapshotId) {}

  /**
   * What became of the reads: their rows by id, and the reads that failed (their records are
   * UNREADABLE) or found no snapshot or table (their records are MISSING), with the reason.
   */
  private static final class Reads {
    final Map<Read, Map<String, Map<String, Object>>> rows = new HashMap<>();
    final Set<Read> failed = new HashSet<>();
    final Map<Read, Problem> absent = new HashMap<>();
  }

  Explanation explain(TraceResult trace, Map<String, RunInfo> runs, ExplainOptions options) {
    Map<RecordKey, TraceNode> nodes = new HashMap<>();
    trace.nodes().forEach(n -> nodes.put(n.key(), n));
    Map<RecordKey, List<TraceEdge>> inputs = new HashMap<>();
    trace.edges().forEach(e -> inputs.computeIfAbsent(e.output(), k -> new ArrayList<>()).add(e));

    TraceNode rootNode = nodes.get(trace.root());
    Shape root = new Shape(trace.root(), rootNode.snapshotId(), rootNode, null);
    boolean truncated = layOut(root, nodes, inputs, options) || trace.truncated();

    Set<Problem> problems = new LinkedHashSet<>(trace.problems());
    ValueAccess access = options.valueAccess();
    Reads reads = readAll(root, access, problems);
    Set<RecordKey> flagged = new HashSet<>();
    trace.problems().forEach(p -> flagged.add(p.record()));
    ExplainNode explained = build(root, reads, access, options.runTables(), flagged, problems);
    return new Explanation(
        explained, runs, new ArrayList<>(problems), truncated, trace.freshness());
  }

  /** Lays the graph out as a tree, breadth first; returns whether a limit left inputs out. */
  private static boolean layOut(
      Shape root,
      Map<RecordKey, TraceNode> nodes,
      Map<RecordKey, List<TraceEdge>> inputs,
      ExplainOptions options) {
    boolean truncated = false;
    int budget = options.maxRows() - 1;
    ArrayDeque<Shape> queue = new ArrayDeque<>();
    ArrayDeque<Integer> depths = new ArrayDeque<>();
    queue.add(root);
    depths.add(0);
    while (!queue.isEmpty()) {
      Shape shape = queue.poll();
      int depth = depths.poll();
      List<TraceEdge> edges = inputs.getOrDefault(shape.key, List.of());
      if (edges.isEmpty()) {
        continue;
      }
      if (depth >= options.maxDepth()) {
        truncated = true;
        continue;
      }
      for (TraceEdge edge : edges) {
        if (budget == 0) {
          truncated = true;
          break;
        }
        budget--;
        TraceNode node = nodes.get(edge.input());
        Shape child = new Shape(edge.input(), edge.snapshotId(), node, shape);
        shape.inputs.add(child);
        // a record already on the path is a cycle (reported by the trace): show it, stop there
        if (!shape.onPath(edge.input())) {
          queue.add(child);
          depths.add(depth + 1);
        }
      }
    }
    return truncated;
  }

  private Reads readAll(Shape root, ValueAccess access, Set<Problem> problems) {
    Map<Read, Set<String>> wanted = new LinkedHashMap<>();
    collect(root, access, wanted);
    Reads reads = new Reads();
    RowSource source = rowSource;
    if (source != null) {
      Map<RecordKey, Long> committedIn = new HashMap<>();
      collectCommits(root, committedIn);
      readAllFrom(source, wanted, committedIn, reads, problems);
      return reads;
    }
    for (Map.Entry<Read, Set<String>> e : wanted.entrySet()) {
      read(e.getKey(), new ArrayList<>(e.getValue()), reads, problems);
    }
    return reads;
  }

  private static void collect(Shape shape, ValueAccess access, Map<Read, Set<String>> wanted) {
    // a record never ingested has no row to read; one not indexed yet may well have one; values
    // the asker may not see are not read at all
    if (shape.readAt != null
        && shape.node.state() != NodeState.MISSING
        && access.mayRead(shape.key.table())) {
      wanted
          .computeIfAbsent(new Read(shape.key.table(), shape.readAt), k -> new LinkedHashSet<>())
          .add(shape.key.recordId());
    }
    shape.inputs.forEach(s -> collect(s, access, wanted));
  }

  private static void collectCommits(Shape shape, Map<RecordKey, Long> committedIn) {
    if (shape.node.snapshotId() != null) {
      committedIn.put(shape.key, shape.node.snapshotId());
    }
    shape.inputs.forEach(s -> collectCommits(s, committedIn));
  }

  /** The reads of one table that share their columns (one schema): one query for all of them. */
  private record ReadGroup(String table, List<PlannedColumn> columns) {}

  /**
   * Reads every wanted record with {@code source}, one query per table and schema: each record from
   * the files its own snapshot added (the index knows which snapshot committed it), read with the
   * columns of the snapshot it was cited at. A record whose committing snapshot is unknown or not
   * visible at the cited snapshot is looked for in all of the cited snapshot's files.
   */
  private void readAllFrom(
      RowSource source,
      Map<Read, Set<String>> wanted,
      Map<RecordKey, Long> committedIn,
      Reads done,
      Set<Problem> problems) {
    Map<Read, Map<String, Map<String, Object>>> rows = done.rows;
    Map<ReadGroup, List<Read>> reads = new LinkedHashMap<>();
    Map<ReadGroup, Map<String, DataFileInfo>> files = new HashMap<>();
    Map<ReadGroup, Set<String>> ids = new HashMap<>();
    for (Map.Entry<Read, Set<String>> e : wanted.entrySet()) {
      Read read = e.getKey();
      rows.put(read, new HashMap<>());
      LakeTable table;
      ScanPlan cited;
      try {
        table = lake.table(TableName.parse(read.table()));
        cited = table.scan().atSnapshot(read.snapshotId()).plan();
      } catch (LakeException ex) {
        if (ex.kind() != ErrorKind.INVALID_ARGUMENT) { // a bad name: the trace reported it
          failedRead(read, ex, done, problems);
        }
        continue;
      }
      if (cited.files().isEmpty()) {
        continue;
      }
      ReadGroup group = new ReadGroup(read.table(), cited.columns());
      reads.computeIfAbsent(group, g -> new ArrayList<>()).add(read);
      ids.computeIfAbsent(group, g -> new LinkedHashSet<>()).addAll(e.getValue());
      Map<String, DataFileInfo> groupFiles =
          files.computeIfAbsent(group, g -> new LinkedHashMap<>());
      // the records of one read mostly share committing snapshots: find each one's files once
      Map<Long, List<DataFileInfo>> byCommit = new HashMap<>();
      for (String id : e.getValue()) {
        Long commit = committedIn.get(new RecordKey(read.table(), id));
        for (DataFileInfo f : byCommit.computeIfAbsent(commit, c -> filesOf(table, cited, c))) {
          groupFiles.putIfAbsent(f.location(), f);
        }
      }
    }
    for (Map.Entry<ReadGroup, List<Read>> e : reads.entrySet()) {
      ReadGroup group = e.getKey();
      ScanPlan plan =
          new ScanPlan(
              TableName.parse(group.table()),
              java.util.Optional.empty(),
              group.columns(),
              new ArrayList<>(files.get(group).values()),
              0,
              false);
      Map<String, Map<String, Object>> found = new HashMap<>();
      List<String> all = new ArrayList<>(ids.get(group));
      try {
        for (int from = 0; from < all.size(); from += IN_LIST_CHUNK) {
          source.read(
              plan,
              all.subList(from, Math.min(all.size(), from + IN_LIST_CHUNK)),
              allocator,
              root -> {
                FieldVector idVector = root.getVector(MetadataColumns.RECORD_ID);
                for (int r = 0; r < root.getRowCount(); r++) {
                  found.putIfAbsent(
                      RowValues.value(idVector, r).toString(),
                      RowValues.row(root.getFieldVectors(), r));
                }
              });
        }
      } catch (IOException | RuntimeException ex) {
        for (Read read : e.getValue()) {
          done.failed.add(read);
          problems.add(
              Problem.of(
                  Problem.Kind.READ_FAILED,
                  null,
                  "Cannot read table %s at snapshot %d: %s",
                  read.table(),
                  read.snapshotId(),
                  ex.getMessage()));
        }
        continue;
      }
      for (Read read : e.getValue()) {
        Map<String, Map<String, Object>> readRows = rows.get(read);
        for (String id : wanted.get(read)) {
          Map<String, Object> row = found.get(id);
          if (row != null) {
            readRows.put(id, row);
          }
        }
      }
    }
  }

  /**
   * Returns the files that can hold a record committed by {@code committedIn} and cited at {@code
   * cited}'s snapshot: those the committing snapshot added, when it is visible at the cited one;
   * otherwise all of the cited snapshot's files.
   */
  private static List<DataFileInfo> filesOf(LakeTable table, ScanPlan cited, Long committedIn) {
    long citedId = cited.snapshot().orElseThrow().snapshotId();
    if (committedIn == null || !table.isAncestor(committedIn, citedId)) {
      return cited.files();
    }
    try {
      Long parent = table.snapshot(committedIn).parentId();
      var scan = table.scan().atSnapshot(committedIn);
      return (parent == null ? scan : scan.appendedAfter(parent)).plan().files();
    } catch (LakeException e) {
      return cited.files();
    }
  }

  private void read(Read read, List<String> ids, Reads done, Set<Problem> problems) {
    Map<String, Map<String, Object>> rows = new HashMap<>();
    done.rows.put(read, rows);
    TableName table;
    try {
      table = TableName.parse(read.table());
    } catch (LakeException e) {
      return; // not a table name: the trace reported the input as missing
    }
    for (int from = 0; from < ids.size(); from += IN_LIST_CHUNK) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IN_LIST_CHUNK));
      try (ScanBatches batches =
          lake.table(table)
              .scan()
              .atSnapshot(read.snapshotId())
              .filter(Filter.in(MetadataColumns.RECORD_ID, chunk))
              .open(allocator)) {
        while (batches.loadNextBatch()) {
          VectorSchemaRoot root = batches.root();
          VarCharVector idVector = (VarCharVector) root.getVector(MetadataColumns.RECORD_ID);
          for (int r = 0; r < root.getRowCount(); r++) {
            rows.putIfAbsent(
                idVector.getObject(r).toString(), RowValues.row(root.getFieldVectors(), r));
          }
        }
      } catch (LakeException e) {
        failedRead(read, e, done, problems);
        return;
      }
    }
  }

  /**
   * Notes a read that failed: a snapshot or table that does not exist makes its records MISSING
   * (each says why, once); anything else makes them UNREADABLE, with one problem for the read.
   */
  private static void failedRead(Read read, LakeException e, Reads done, Set<Problem> problems) {
    Problem problem = readProblem(read, e);
    if (problem.kind() == Problem.Kind.READ_FAILED) {
      done.failed.add(read);
      problems.add(problem);
    } else {
      done.absent.put(read, problem);
    }
  }

  private static Problem readProblem(Read read, LakeException e) {
    if (e.kind() == ErrorKind.NOT_FOUND && e.getMessage().contains("no snapshot")) {
      return Problem.of(
          Problem.Kind.SNAPSHOT_NOT_FOUND,
          null,
          "Cannot read table %s at snapshot %d: %s",
          read.table(),
          read.snapshotId(),
          e.getMessage());
    }
    if (e.kind() == ErrorKind.NOT_FOUND) {
      return Problem.of(
          Problem.Kind.MISSING_INPUT,
          null,
          "Cannot read table %s at snapshot %d: %s",
          read.table(),
          read.snapshotId(),
          e.getMessage());
    }
    return Problem.of(
        Problem.Kind.READ_FAILED,
        null,
        "Cannot read table %s at snapshot %d: %s",
        read.table(),
        read.snapshotId(),
        e.getMessage());
  }

  private static ExplainNode build(
      Shape shape,
      Reads reads,
      ValueAccess access,
      Predicate<String> runTables,
      Set<RecordKey> flagged,
      Set<Problem> problems) {
    Map<String, Object> values = null;
    NodeState state = shape.node.state();
    Long readAt = null;
    if (shape.readAt != null && state != NodeState.MISSING) {
      Read read = new Read(shape.key.table(), shape.readAt);
      Map<String, Map<String, Object>> tableRows = reads.rows.get(read);
      values = tableRows == null ? null : tableRows.get(shape.key.recordId());
      if (!access.mayRead(shape.key.table())) {
        // lineage is shown, values are not
        state = state == NodeState.PRESENT ? NodeState.WITHHELD : state;
      } else if (values != null) {
        // read from the lake itself: it exists even if the index has not caught up yet
        state = NodeState.PRESENT;
        readAt = shape.readAt;
      } else if (reads.failed.contains(read)) {
        state = NodeState.UNREADABLE;
      } else if (state != NodeState.NOT_INDEXED || tableRows != null) {
        // not in the snapshot cited for it: never shown as present without values
        state = NodeState.MISSING;
        if (!flagged.contains(shape.key)) {
          flagged.add(shape.key);
          Problem absent = reads.absent.get(read);
          problems.add(
              absent != null
                  ? new Problem(absent.kind(), shape.key, absent.message())
                  : Problem.of(
                      Problem.Kind.MISSING_INPUT,
                      shape.key,
                      "Record %s is not in snapshot %d of table %s",
                      shape.key,
                      shape.readAt,
                      shape.key.table()));
        }
      }
    }
    List<ExplainNode> inputs = new ArrayList<>();
    for (Shape input : shape.inputs) {
      inputs.add(build(input, reads, access, runTables, flagged, problems));
    }
    // who wrote a record (run, code, model) is lineage of its table: withheld with the values
    // when the asker may not see that table's runs
    Provenance provenance =
        runTables.test(shape.key.table()) ? shape.node.provenance() : Provenance.none();
    return new ExplainNode(shape.key, state, shape.snapshotId, readAt, provenance, values, inputs);
  }
}
