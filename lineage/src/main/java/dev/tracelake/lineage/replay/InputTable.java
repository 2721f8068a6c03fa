package dev.tracelake.lineage.replay;

import dev.tracelake.lake.Filter;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeScan;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.PlannedColumn;
import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One input table of a replay's stream: its rows' schema (the columns of the newest snapshot cited,
 * older snapshots' columns mapped to them by field id), and how to read its rows at each cited
 * snapshot.
 */
final class InputTable {
  static final String CASE = "_case";
  static final String SNAPSHOT_ID = "_snapshot_id";

  /** Plans kept per table: one per snapshot cited in the batches being read. */
  private static final int CACHED_PLANS = 64;

  private final String name;
  private final LakeTable table;
  private final String problem;
  private final Map<Long, SnapshotInfo> snapshots;
  private final Schema schema;
  private final Map<Integer, Integer> targetByFieldId;
  private final Map<Long, SnapshotRead> reads =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, SnapshotRead> eldest) {
          return size() > CACHED_PLANS;
        }
      };

  /**
   * How one snapshot is read: the plan of the files it added (where a record cited at the snapshot
   * that committed it is), and the scan of the whole snapshot for records cited later.
   *
   * @param snapshotId the snapshot
   * @param added the plan of the files the snapshot added; null when its parent is unknown
   * @param whole the scan of the whole snapshot, projected like {@code added}
   * @param targets for each planned column, its index in the staging schema ({@link #staging})
   */
  record SnapshotRead(long snapshotId, ScanPlan added, LakeScan whole, int[] targets) {}

  private InputTable(
      String name,
      LakeTable table,
      String problem,
      Map<Long, SnapshotInfo> snapshots,
      Schema schema,
      Map<Integer, Integer> targetByFieldId) {
    this.name = name;
    this.table = table;
    this.problem = problem;
    this.snapshots = snapshots;
    this.schema = schema;
    this.targetByFieldId = targetByFieldId;
  }

  /**
   * Opens an input table whose records were cited at {@code cited}; its columns are those of the
   * newest of them that exists.
   */
  static InputTable open(Lake lake, String name, Set<Long> cited) {
    TableName tableName;
    try {
      tableName = TableName.parse(name);
    } catch (LakeException e) {
      return missing(
          name, "input table '" + ReplayText.shown(name) + "' is not a valid table name");
    }
    if (!lake.exists(tableName)) {
      return missing(name, "input table " + name + " does not exist");
    }
    LakeTable table = lake.table(tableName);
    Map<Long, SnapshotInfo> snapshots = new HashMap<>();
    for (SnapshotInfo s : table.snapshots()) {
      snapshots.put(s.snapshotId(), s);
    }
    SnapshotInfo newest = null;
    for (long id : cited) {
      SnapshotInfo s = snapshots.get(id);
      if (s != null
          && (newest == null
              || s.committedAt().isAfter(newest.committedAt())
              || (s.committedAt().equals(newest.committedAt())
                  && s.snapshotId() > newest.snapshotId()))) {
        newest = s;
      }
    }
    List<Field> fields = new ArrayList<>(metadataFields());
    Map<Integer, Integer> targets = new HashMap<>();
    if (newest != null) {
      for (PlannedColumn c : table.scan().atSnapshot(newest.snapshotId()).plan().columns()) {
        if (c.name().equals(MetadataColumns.RECORD_ID)) {
          targets.put(c.fieldId(), 0);
        } else if (c.name().equals(MetadataColumns.INGESTED_AT)) {
          targets.put(c.fieldId(), 1);
        } else if (!MetadataColumns.isReserved(c.name())) {
          targets.put(c.fieldId(), fields.size() - 2);
          fields.add(nullable(c.arrowField()));
        }
      }
    }
    return new InputTable(name, table, null, snapshots, new Schema(fields), targets);
  }

  private static InputTable missing(String name, String problem) {
    return new InputTable(name, null, problem, Map.of(), new Schema(metadataFields()), Map.of());
  }

  private static List<Field> metadataFields() {
    return List.of(
        new Field(CASE, FieldType.notNullable(new ArrowType.Int(64, true)), null),
        new Field(MetadataColumns.RECORD_ID, FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
        new Field(SNAPSHOT_ID, FieldType.nullable(new ArrowType.Int(64, true)), null),
        new Field(
            MetadataColumns.INGESTED_AT,
            FieldType.nullable(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
            null));
  }

  private static Field nullable(Field f) {
    return new Field(
        f.getName(),
        new FieldType(true, f.getType(), f.getDictionary(), f.getMetadata()),
        f.getChildren());
  }

  String name() {
    return name;
  }

  /** Returns why no row of the table can be read, or null when it can be. */
  String problem() {
    return problem;
  }

  /** Returns the schema of the table's rows in a batch: _case, _record_id, _snapshot_id, ... */
  Schema schema() {
    return schema;
  }

  /** Returns the schema rows are staged in: the batch schema without _case and _snapshot_id. */
  Schema staging() {
    List<Field> fields = new ArrayList<>(schema.getFields());
    fields.remove(2); // _snapshot_id
    fields.remove(0); // _case
    return new Schema(fields);
  }

  /** Returns whether the table has the snapshot. */
  boolean hasSnapshot(long snapshotId) {
    return snapshots.containsKey(snapshotId);
  }

  /**
   * Returns how to read the table at a snapshot it has.
   *
   * @throws LakeException when the snapshot cannot be planned
   */
  synchronized SnapshotRead read(long snapshotId) {
    SnapshotRead known = reads.get(snapshotId);
    if (known != null) {
      return known;
    }
    // the columns of the snapshot that the replay's schema holds, by field id, in its own names
    List<String> select = new ArrayList<>();
    List<Integer> targets = new ArrayList<>();
    for (PlannedColumn c : table.scan().atSnapshot(snapshotId).plan().columns()) {
      Integer target = targetByFieldId.get(c.fieldId());
      if (target != null) {
        select.add(c.name());
        targets.add(target);
      }
    }
    LakeScan whole = table.scan().atSnapshot(snapshotId).select(select);
    ScanPlan added = null;
    Long parent = snapshots.get(snapshotId).parentId();
    try {
      added = parent == null ? whole.plan() : whole.appendedAfter(parent).plan();
    } catch (LakeException e) {
      // the parent is gone (expired): every file of the snapshot may hold the records
    }
    SnapshotRead read =
        new SnapshotRead(
            snapshotId, added, whole, targets.stream().mapToInt(Integer::intValue).toArray());
    reads.put(snapshotId, read);
    return read;
  }

  /**
   * Returns the plan of the files of a snapshot that can hold records with ids from {@code
   * smallest} to {@code largest} (by the files' column statistics), except those in {@code
   * excluded}.
   */
  static ScanPlan narrowed(SnapshotRead read, String smallest, String largest, ScanPlan excluded) {
    ScanPlan plan =
        read.whole()
            .filter(Filter.ge(MetadataColumns.RECORD_ID, smallest))
            .filter(Filter.le(MetadataColumns.RECORD_ID, largest))
            .plan();
    if (excluded == null) {
      return plan;
    }
    Set<String> skip = new java.util.HashSet<>();
    excluded.files().forEach(f -> skip.add(f.location()));
    return new ScanPlan(
        plan.table(),
        plan.snapshot(),
        plan.columns(),
        plan.files().stream().filter(f -> !skip.contains(f.location())).toList(),
        plan.deleteFiles(),
        plan.singleSchema());
  }
}
