package dev.tracelake.lake;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types.NestedField;

/**
 * A read of one table at one version, with optional column projection and row filters. Scans are
 * immutable: each refinement returns a new scan, and a scan may be shared between threads.
 *
 * <p>The version is the head of {@code main} unless set: a snapshot id, a branch or tag, or a point
 * in time (the {@code main} snapshot current then). A snapshot or tag reads with the schema the
 * table had at that snapshot; a branch or the current version reads with today's schema, so columns
 * added since read as null and renamed columns under their new names.
 */
public final class LakeScan {
  static final int DEFAULT_BATCH_SIZE = 8192;

  private final LakeTable table;
  private final Version version;
  private final List<String> columns;
  private final List<Filter> filters;
  private final int batchSize;
  private final Long appendedAfter;

  /** Which version of the table a scan reads. */
  sealed interface Version {}

  record Current() implements Version {}

  record AtSnapshot(long snapshotId) implements Version {}

  record AtRef(String ref) implements Version {}

  record AsOf(Instant time) implements Version {}

  private LakeScan(
      LakeTable table,
      Version version,
      List<String> columns,
      List<Filter> filters,
      int batchSize,
      Long appendedAfter) {
    this.table = table;
    this.appendedAfter = appendedAfter;
    this.version = version;
    this.columns = columns;
    this.filters = List.copyOf(filters);
    this.batchSize = batchSize;
  }

  static LakeScan of(LakeTable table) {
    return new LakeScan(table, new Current(), null, List.of(), DEFAULT_BATCH_SIZE, null);
  }

  /** Reads the table as of a snapshot id. */
  public LakeScan atSnapshot(long snapshotId) {
    return new LakeScan(
        table, new AtSnapshot(snapshotId), columns, filters, batchSize, appendedAfter);
  }

  /** Reads the head of a branch or the snapshot of a tag. */
  public LakeScan atRef(String ref) {
    return new LakeScan(table, new AtRef(ref), columns, filters, batchSize, appendedAfter);
  }

  /** Reads the {@code main} snapshot that was current at {@code time}. */
  public LakeScan asOf(Instant time) {
    return new LakeScan(table, new AsOf(time), columns, filters, batchSize, appendedAfter);
  }

  /**
   * Reads only the rows appended after snapshot {@code snapshotId} (exclusive) up to the scan's
   * version (inclusive): what changed between two versions of an append-only table. The earlier
   * snapshot must be an ancestor of the later one.
   */
  public LakeScan appendedAfter(long snapshotId) {
    return new LakeScan(table, version, columns, filters, batchSize, snapshotId);
  }

  /** Reads only these columns, in this order. */
  public LakeScan select(String... names) {
    return select(List.of(names));
  }

  /** Reads only these columns, in this order. */
  public LakeScan select(List<String> names) {
    return new LakeScan(table, version, List.copyOf(names), filters, batchSize, appendedAfter);
  }

  /** Adds a filter; filters are ANDed. */
  public LakeScan filter(Filter filter) {
    List<Filter> more = new ArrayList<>(filters);
    more.add(filter);
    return new LakeScan(table, version, columns, more, batchSize, appendedAfter);
  }

  /** Sets the most rows per Arrow batch. */
  public LakeScan batchSize(int rows) {
    if (rows <= 0) {
      throw new IllegalArgumentException("Batch size must be positive, got " + rows);
    }
    return new LakeScan(table, version, columns, filters, rows, appendedAfter);
  }

  /**
   * Resolves the version to a snapshot without reading data.
   *
   * @return the snapshot, empty when the version is the head of a table (or branch) with none
   * @throws LakeException NOT_FOUND for an unknown snapshot, ref or a time before the first
   *     snapshot
   */
  public Optional<SnapshotInfo> snapshot() {
    return Optional.ofNullable(resolve(table.loadForRead())).map(SnapshotInfo::of);
  }

  /**
   * Plans the scan without reading rows: resolves the version to a snapshot and lists its data
   * files and its columns with their field ids. Filters prune files by their column statistics.
   *
   * @throws LakeException NOT_FOUND for an unknown snapshot, ref, time or column
   */
  public ScanPlan plan() {
    Table iceberg = table.loadForRead();
    Snapshot snapshot = resolve(iceberg);
    Schema schema = readSchema(iceberg, snapshot);
    Schema projected = project(schema, snapshot);
    List<PlannedColumn> columns = new ArrayList<>();
    for (NestedField field : projected.columns()) {
      columns.add(
          new PlannedColumn(
              field.fieldId(),
              field.name(),
              ArrowSchemas.typeName(field.type()),
              field.isRequired(),
              ArrowSchemas.toArrowField(field)));
    }
    SnapshotFiles.Files files = new SnapshotFiles.Files(List.of(), 0);
    Long from = checkedAppendedAfter(iceberg, snapshot);
    if (snapshot != null && (from == null || from != snapshot.snapshotId())) {
      if (filters.isEmpty()) {
        // a snapshot's files (or those appended since an ancestor) never change: plan them once
        files =
            table
                .lake()
                .snapshotFiles()
                .get(
                    new SnapshotFiles.Key(iceberg.uuid().toString(), snapshot.snapshotId(), from),
                    () -> planFiles(readTable(iceberg, snapshot, from), snapshot, from, projected));
      } else {
        files = planFiles(readTable(iceberg, snapshot, from), snapshot, from, projected);
      }
    }
    return new ScanPlan(
        table.name(),
        Optional.ofNullable(snapshot).map(SnapshotInfo::of),
        columns,
        files.files(),
        files.deleteFiles(),
        iceberg.schemas().size() == 1 && storedUnderOwnNames(iceberg.schema()));
  }

  /**
   * Returns whether Iceberg's Parquet writer stores every field of {@code schema} under its own
   * name: it stores a name that is not a valid Avro name (e.g. {@code a-b}, {@code <x>}) under a
   * sanitized one ({@code a_x2Db}), which only a read by field id maps back.
   */
  static boolean storedUnderOwnNames(org.apache.iceberg.Schema schema) {
    return org.apache.iceberg.types.TypeUtil.indexById(schema.asStruct()).values().stream()
        .allMatch(
            f ->
                org.apache.iceberg.avro.AvroSchemaUtil.makeCompatibleName(f.name())
                    .equals(f.name()));
  }

  private SnapshotFiles.Files planFiles(
      Table iceberg, Snapshot snapshot, Long from, Schema projected) {
    List<DataFileInfo> files = new ArrayList<>();
    // the files of one append share their partition: share one constants map between them
    // by spec id, then by partition: an append's files share one partition and one map
    Map<Integer, Map<StructLike, Map<Integer, Object>>> sharedConstants = new HashMap<>();
    int deletes = 0;
    try (CloseableIterable<FileScanTask> tasks = planTasks(iceberg, snapshot, from, projected)) {
      for (FileScanTask task : tasks) {
        String location = task.file().location();
        // by id from the table: a task's own spec() parses the spec's JSON (through a cache keyed
        // by the whole schema) for every file, a third of a cold plan's time
        PartitionSpec spec = iceberg.specs().get(task.file().specId());
        Map<Integer, Object> constants =
            spec.isUnpartitioned()
                ? Map.of()
                : sharedConstants
                    .computeIfAbsent(spec.specId(), id -> new HashMap<>())
                    .computeIfAbsent(
                        task.file().partition(), partition -> identityConstants(spec, partition));
        files.add(
            new DataFileInfo(
                location,
                location.contains("://") && !location.startsWith("file:")
                    ? null
                    : LocalFileIO.toPath(location).toString(),
                task.file().recordCount(),
                task.file().fileSizeInBytes(),
                constants));
        deletes += task.deletes().size();
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "Table " + table.name() + ": cannot plan snapshot " + snapshot.snapshotId(), e);
    }
    return new SnapshotFiles.Files(List.copyOf(files), deletes);
  }

  /**
   * Returns the identity-partition values of a file by source field id, as {@link DataFileInfo}
   * documents them. Values of types it does not list (dates, timestamps, decimals, binary) are left
   * out; Tracelake partitions by string columns only.
   */
  static Map<Integer, Object> identityConstants(PartitionSpec spec, StructLike partition) {
    if (spec.isUnpartitioned()) {
      return Map.of();
    }
    Map<Integer, Object> constants = new HashMap<>();
    List<PartitionField> fields = spec.fields();
    for (int i = 0; i < fields.size(); i++) {
      PartitionField field = fields.get(i);
      if (!field.transform().isIdentity()) {
        continue;
      }
      Type type = spec.schema().findType(field.sourceId());
      switch (type.typeId()) {
        case STRING -> {
          CharSequence value = partition.get(i, CharSequence.class);
          constants.put(field.sourceId(), value == null ? null : value.toString());
        }
        case INTEGER, LONG, BOOLEAN, FLOAT, DOUBLE ->
            constants.put(field.sourceId(), partition.get(i, Object.class));
        default -> {
          // not representable in DataFileInfo: engines read the file's own column
        }
      }
    }
    return java.util.Collections.unmodifiableMap(constants);
  }

  /**
   * Opens the scan: plans the files of the resolved snapshot and streams its rows as Arrow batches
   * allocated from {@code allocator}.
   *
   * @throws LakeException NOT_FOUND for an unknown snapshot, ref, time or column; INVALID_ARGUMENT
   *     for a filter that does not fit its column
   */
  public ScanBatches open(BufferAllocator allocator) {
    Table iceberg = table.loadForRead();
    Snapshot snapshot = resolve(iceberg);
    Schema schema = readSchema(iceberg, snapshot);
    Schema projected = project(schema, snapshot);
    Long from = checkedAppendedAfter(iceberg, snapshot);
    return ScanBatches.open(
        table.name(),
        snapshot == null ? iceberg : readTable(iceberg, snapshot, from),
        snapshot,
        from,
        projected,
        filters,
        allocator,
        batchSize);
  }

  /** The table to read a snapshot from: the live one, or a view of archived snapshots. */
  private Table readTable(Table iceberg, Snapshot snapshot, Long from) {
    return table.lake().history().readTable(table.name(), iceberg, snapshot, from);
  }

  private CloseableIterable<FileScanTask> planTasks(
      Table iceberg, Snapshot snapshot, Long from, Schema projected) {
    if (from == null) {
      org.apache.iceberg.TableScan scan =
          iceberg.newScan().useSnapshot(snapshot.snapshotId()).project(projected);
      for (Filter filter : filters) {
        scan = scan.filter(filter.toExpression());
      }
      return scan.planFiles();
    }
    org.apache.iceberg.IncrementalAppendScan scan =
        iceberg
            .newIncrementalAppendScan()
            .fromSnapshotExclusive(from)
            .toSnapshot(snapshot.snapshotId())
            .project(projected);
    for (Filter filter : filters) {
      scan = scan.filter(filter.toExpression());
    }
    return scan.planFiles();
  }

  /** Returns the exclusive start of an appended-rows scan, checked to be an ancestor. */
  private Long checkedAppendedAfter(Table iceberg, Snapshot snapshot) {
    if (appendedAfter == null) {
      return null;
    }
    TableHistory history = table.lake().history();
    if (history.snapshot(table.name(), iceberg, appendedAfter) == null) {
      throw LakeException.notFound("Table %s has no snapshot %d", table.name(), appendedAfter);
    }
    if (snapshot == null
        || !history.isAncestor(table.name(), iceberg, appendedAfter, snapshot.snapshotId())) {
      throw LakeException.invalid(
          "Table %s: snapshot %d is not an ancestor of %s, so no appended rows lie between them",
          table.name(),
          appendedAfter,
          snapshot == null ? "an empty table" : "snapshot " + snapshot.snapshotId());
    }
    return appendedAfter;
  }

  private Snapshot resolve(Table iceberg) {
    TableName name = table.name();
    if (version instanceof Current) {
      return iceberg.currentSnapshot();
    }
    if (version instanceof AtSnapshot at) {
      Snapshot s = table.lake().history().snapshot(name, iceberg, at.snapshotId());
      if (s == null) {
        throw LakeException.notFound("Table %s has no snapshot %d", name, at.snapshotId());
      }
      return s;
    }
    if (version instanceof AtRef at) {
      SnapshotRef ref = iceberg.refs().get(at.ref());
      if (ref == null) {
        if (LakeTable.MAIN.equals(at.ref())) {
          return null;
        }
        throw LakeException.notFound(
            "Table %s has no branch or tag '%s'; refs: %s",
            name, at.ref(), iceberg.refs().keySet().stream().sorted().toList());
      }
      return iceberg.snapshot(ref.snapshotId());
    }
    AsOf asOf = (AsOf) version;
    long millis = asOf.time().toEpochMilli();
    TableHistory history = table.lake().history();
    Snapshot found = history.mainAsOf(name, iceberg, millis);
    if (found != null) {
      return found;
    }
    Snapshot first = history.firstOnMain(name, iceberg);
    throw LakeException.notFound(
        "Table %s has no snapshot on main at or before %s%s",
        name,
        asOf.time(),
        first == null
            ? " (the table has no snapshots)"
            : "; its first snapshot was committed at "
                + Instant.ofEpochMilli(first.timestampMillis()));
  }

  private Schema readSchema(Table iceberg, Snapshot snapshot) {
    boolean pinned =
        version instanceof AtSnapshot
            || version instanceof AsOf
            || (version instanceof AtRef at
                && iceberg.refs().get(at.ref()) != null
                && iceberg.refs().get(at.ref()).isTag());
    if (pinned && snapshot != null && snapshot.schemaId() != null) {
      Schema s = iceberg.schemas().get(snapshot.schemaId());
      if (s != null) {
        return s;
      }
    }
    return iceberg.schema();
  }

  private Schema project(Schema schema, Snapshot snapshot) {
    if (columns == null) {
      return schema;
    }
    List<NestedField> fields = new ArrayList<>();
    for (String column : columns) {
      NestedField field = schema.findField(column);
      if (field == null
          || schema.columns().stream().noneMatch(c -> c.fieldId() == field.fieldId())) {
        throw LakeException.notFound(
            "Table %s has no column '%s'%s; columns: %s",
            table.name(),
            column,
            snapshot == null ? "" : " at snapshot " + snapshot.snapshotId(),
            schema.columns().stream().map(NestedField::name).toList());
      }
      fields.add(field);
    }
    return new Schema(fields);
  }
}
