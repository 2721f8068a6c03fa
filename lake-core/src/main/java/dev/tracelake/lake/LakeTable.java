package dev.tracelake.lake;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.ManageSnapshots;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * One versioned table. Every method reads the table's current state from the catalog, so a {@code
 * LakeTable} never goes stale and may be shared between threads.
 */
public final class LakeTable {
  /** The branch every table has once written to, and that unqualified reads use. */
  public static final String MAIN = SnapshotRef.MAIN_BRANCH;

  private static final Pattern REF_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-/]{0,254}");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final int REF_COMMIT_ATTEMPTS = 10;

  private final Lake lake;
  private final TableName name;

  LakeTable(Lake lake, TableName name) {
    this.lake = lake;
    this.name = name;
  }

  public TableName name() {
    return name;
  }

  Lake lake() {
    return lake;
  }

  /** Loads a private instance of the table, for operations that commit. */
  Table load() {
    return lake.load(name);
  }

  /** Returns the shared, refreshed instance of the table, for reads only. */
  Table loadForRead() {
    return lake.loadForRead(name);
  }

  /** Describes the table as it is now. */
  public TableDescription describe() {
    Table table = loadForRead();
    return describe(table, table.schema());
  }

  /**
   * Describes the table as read at a branch or tag: a tag reads with the columns the table had at
   * its snapshot, a branch with today's columns (as {@link LakeScan#atRef} does).
   *
   * @throws LakeException NOT_FOUND when the table has no such branch or tag
   */
  public TableVersion describeAt(String ref) {
    Table table = loadForRead();
    SnapshotRef found = table.refs().get(ref);
    if (found == null) {
      if (MAIN.equals(ref)) {
        // a table nobody has written to has no main yet: it reads empty with today's columns
        return new TableVersion(
            describe(table, table.schema()), Optional.empty(), Optional.empty());
      }
      throw LakeException.notFound(
          "Table %s has no branch or tag '%s'; refs: %s", name, ref, refNames(table, false));
    }
    // null for a branch made on a table nobody had written to
    Snapshot snapshot = table.snapshot(found.snapshotId());
    org.apache.iceberg.Schema schema =
        found.isTag() && snapshot != null ? schemaOf(table, snapshot) : table.schema();
    RefInfo info =
        new RefInfo(
            ref, found.isBranch() ? RefInfo.Type.BRANCH : RefInfo.Type.TAG, found.snapshotId());
    return new TableVersion(
        describe(table, schema),
        Optional.of(info),
        Optional.ofNullable(snapshot).map(SnapshotInfo::of));
  }

  /**
   * Describes the table as read at a snapshot, with the columns the table had then.
   *
   * @throws LakeException NOT_FOUND when the table has no such snapshot
   */
  public TableVersion describeAtSnapshot(long snapshotId) {
    Table table = loadForRead();
    requireSnapshot(table, snapshotId);
    Snapshot snapshot = table.snapshot(snapshotId);
    return new TableVersion(
        describe(table, schemaOf(table, snapshot)),
        Optional.empty(),
        Optional.of(SnapshotInfo.of(snapshot)));
  }

  private static org.apache.iceberg.Schema schemaOf(Table table, Snapshot snapshot) {
    if (snapshot.schemaId() != null && table.schemas().get(snapshot.schemaId()) != null) {
      return table.schemas().get(snapshot.schemaId());
    }
    return table.schema();
  }

  private TableDescription describe(Table table, org.apache.iceberg.Schema schema) {
    List<ColumnInfo> columns = new ArrayList<>();
    for (NestedField field : schema.columns()) {
      columns.add(
          new ColumnInfo(
              field.fieldId(),
              field.name(),
              ArrowSchemas.typeName(field.type()),
              field.isRequired(),
              MetadataColumns.isReserved(field.name()),
              field.doc()));
    }
    int formatVersion = Integer.parseInt(table.properties().getOrDefault("format-version", "2"));
    int snapshots = (int) Math.min(Integer.MAX_VALUE, lake.history().count(name, table));
    return new TableDescription(
        name,
        table.uuid().toString(),
        table.location(),
        formatVersion,
        columns,
        ArrowSchemas.toArrow(schema),
        Optional.ofNullable(table.currentSnapshot()).map(SnapshotInfo::of),
        snapshots,
        refs(table),
        table.properties());
  }

  /** Returns the table's current columns, user columns then metadata columns, as Arrow. */
  public org.apache.arrow.vector.types.pojo.Schema arrowSchema() {
    return ArrowSchemas.toArrow(loadForRead().schema());
  }

  /** Starts an append to {@code main}. */
  public PendingAppend newAppend(Provenance provenance) {
    return newAppend(provenance, MAIN);
  }

  /**
   * Starts an append to a branch; {@code main} is untouched unless the branch is {@code main}.
   *
   * @throws LakeException NOT_FOUND when the branch does not exist, FAILED_PRECONDITION when the
   *     name is a tag
   */
  public PendingAppend newAppend(Provenance provenance, String branch) {
    Table table = load();
    if (!MAIN.equals(branch)) {
      SnapshotRef ref = table.refs().get(branch);
      if (ref == null) {
        throw LakeException.notFound(
            "Table %s has no branch '%s'; branches: %s", name, branch, refNames(table, true));
      }
      if (ref.isTag()) {
        throw LakeException.precondition(
            "Table %s: '%s' is a tag, and tags cannot be appended to", name, branch);
      }
    }
    return new PendingAppend(lake, name, table, branch, provenance);
  }

  /**
   * Appends batches to {@code main} in one snapshot.
   *
   * @return the committed snapshot
   */
  public AppendResult append(Provenance provenance, VectorSchemaRoot... batches) {
    try (PendingAppend append = newAppend(provenance)) {
      for (VectorSchemaRoot batch : batches) {
        append.write(batch);
      }
      return append.commit();
    }
  }

  /**
   * Returns a checker of batches against the table's current schema, for writers that validate rows
   * before queueing them (a bad batch then never reaches a shared append).
   */
  public BatchChecker batchChecker() {
    return new BatchChecker(name, loadForRead().schema());
  }

  /** Starts a scan of the head of {@code main}; refine it to time-travel, project or filter. */
  public LakeScan scan() {
    return LakeScan.of(this);
  }

  /**
   * Lists every snapshot the table ever had, archived ones included, oldest first, with its
   * provenance. Reads the whole history: to show snapshots, prefer {@link #snapshotPage}.
   */
  public List<SnapshotInfo> snapshots() {
    return lake.history().all(name, loadForRead());
  }

  /**
   * Returns a page of the table's snapshots, newest first in commit order, archived ones included.
   * A page costs the snapshots it holds, not the length of the history.
   *
   * @param limit the most snapshots on the page (1 to 10,000)
   * @param pageToken null or empty for the first page, else the previous page's next-page token
   * @throws LakeException INVALID_ARGUMENT for a limit out of range or a token not made here
   */
  public SnapshotPage snapshotPage(int limit, String pageToken) {
    if (limit < 1 || limit > 10_000) {
      throw LakeException.invalid(
          "Table %s: a page holds 1 to 10000 snapshots, asked for %d", name, limit);
    }
    long before = SnapshotPage.beforeSequence(pageToken);
    return lake.history().page(name, loadForRead(), limit, before);
  }

  /**
   * Returns where the table's snapshots can be read: the live ones, and the archive's Parquet files
   * holding the rest, for an engine that reads those files itself (SQL's {@code "t$snapshots"}).
   */
  public SnapshotSources snapshotSources() {
    return lake.history().sources(name, loadForRead());
  }

  /**
   * Returns one snapshot, live or archived.
   *
   * @throws LakeException NOT_FOUND when the table never had such a snapshot
   */
  public SnapshotInfo snapshot(long snapshotId) {
    Snapshot snapshot = lake.history().snapshot(name, loadForRead(), snapshotId);
    if (snapshot == null) {
      throw LakeException.notFound("Table %s has no snapshot %d", name, snapshotId);
    }
    return SnapshotInfo.of(snapshot);
  }

  /**
   * Returns whether {@code ancestorId} is {@code snapshotId} or one of its ancestors, i.e. whether
   * the rows committed by {@code ancestorId} are visible at {@code snapshotId}. Archived snapshots
   * count.
   */
  public boolean isAncestor(long ancestorId, long snapshotId) {
    return lake.history().isAncestor(name, loadForRead(), ancestorId, snapshotId);
  }

  /** Returns the head of a branch and its ancestors, newest first. */
  public List<SnapshotInfo> history(String branch) {
    Table table = loadForRead();
    SnapshotRef ref = table.refs().get(branch);
    if (ref == null) {
      if (MAIN.equals(branch)) {
        return List.of();
      }
      throw LakeException.notFound(
          "Table %s has no ref '%s'; refs: %s", name, branch, refNames(table, false));
    }
    List<SnapshotInfo> out = new ArrayList<>();
    new IcebergBranchHead(lake.history(), name, table, table.snapshot(ref.snapshotId()))
        .history()
        .forEach(out::add);
    return out;
  }

  /**
   * Returns the current head of a branch with lazy access to its history, newest first; empty when
   * the branch does not exist or has no snapshot.
   */
  public BranchHead branchHead(String branch) {
    Table table = loadForRead();
    return new IcebergBranchHead(lake.history(), name, table, table.snapshot(branch));
  }

  /** Lists the table's branches and tags. */
  public List<RefInfo> refs() {
    return refs(loadForRead());
  }

  private static List<RefInfo> refs(Table table) {
    List<RefInfo> refs = new ArrayList<>();
    for (Map.Entry<String, SnapshotRef> e : table.refs().entrySet()) {
      refs.add(
          new RefInfo(
              e.getKey(),
              e.getValue().isBranch() ? RefInfo.Type.BRANCH : RefInfo.Type.TAG,
              e.getValue().snapshotId()));
    }
    refs.sort(Comparator.comparing(RefInfo::type).thenComparing(RefInfo::name));
    return refs;
  }

  private static List<String> refNames(Table table, boolean branchesOnly) {
    return table.refs().entrySet().stream()
        .filter(e -> !branchesOnly || e.getValue().isBranch())
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /**
   * Creates a branch at the head of {@code main} (an empty branch when the table has no snapshot).
   *
   * @throws LakeException ALREADY_EXISTS when a branch or tag has that name
   */
  public RefInfo createBranch(String branch) {
    Table table = load();
    Snapshot head = table.currentSnapshot();
    if (head == null) {
      checkNewRef(table, branch);
      commitRefs(m -> m.createBranch(branch));
      return findRef(branch);
    }
    return createBranch(branch, head.snapshotId());
  }

  /**
   * Creates a branch at a snapshot.
   *
   * @throws LakeException ALREADY_EXISTS when a branch or tag has that name, NOT_FOUND when the
   *     snapshot does not exist
   */
  public RefInfo createBranch(String branch, long snapshotId) {
    Table table = load();
    checkNewRef(table, branch);
    requireSnapshot(table, snapshotId);
    commitRefs(m -> m.createBranch(branch, snapshotId));
    return findRef(branch);
  }

  /**
   * Tags the head of {@code main}. Tags are immutable: only {@link TableAdmin} can move or drop
   * them.
   *
   * @throws LakeException INVALID_ARGUMENT for a malformed name, ALREADY_EXISTS when a branch or
   *     tag has that name, FAILED_PRECONDITION when {@code main} has no snapshot yet
   */
  public RefInfo createTag(String tag) {
    checkRefName(tag);
    Snapshot head = load().currentSnapshot();
    if (head == null) {
      throw LakeException.precondition(
          "Table %s has no snapshot on main yet to tag as '%s'; write to it first or name a"
              + " snapshot",
          name, tag);
    }
    return createTag(tag, head.snapshotId());
  }

  /**
   * Tags a snapshot. Tags are immutable: only {@link TableAdmin} can move or drop them.
   *
   * @throws LakeException ALREADY_EXISTS when a branch or tag has that name, NOT_FOUND when the
   *     snapshot does not exist
   */
  public RefInfo createTag(String tag, long snapshotId) {
    Table table = load();
    checkNewRef(table, tag);
    requireSnapshot(table, snapshotId);
    commitRefs(m -> m.createTag(tag, snapshotId));
    return findRef(tag);
  }

  /**
   * Moves branch {@code target} forward to the head of branch {@code source}, the publish step of
   * write-audit-publish. Nothing is copied: the target now points at the source's snapshot.
   *
   * @throws LakeException NOT_FOUND for an unknown branch, FAILED_PRECONDITION when the target's
   *     head is not an ancestor of the source's (the target moved on since the branch was made)
   */
  public RefInfo fastForward(String target, String source) {
    Table table = load();
    requireBranch(table, source);
    if (!MAIN.equals(target) || table.refs().containsKey(MAIN)) {
      requireBranch(table, target);
    }
    SnapshotRef targetRef = table.refs().get(target);
    long sourceHead = table.refs().get(source).snapshotId();
    if (targetRef != null
        && !SnapshotUtil.isAncestorOf(table, sourceHead, targetRef.snapshotId())) {
      throw LakeException.precondition(
          "Table %s: cannot fast-forward '%s' to '%s': the head of '%s' (snapshot %d) is not an"
              + " ancestor of the head of '%s' (snapshot %d); '%s' moved on since '%s' was made",
          name, target, source, target, targetRef.snapshotId(), source, sourceHead, target, source);
    }
    commitRefs(m -> m.fastForwardBranch(target, source));
    return findRef(target);
  }

  /** Returns the table's upkeep: archiving history, compaction, orphan files. */
  public TableMaintenance maintenance() {
    return new TableMaintenance(this);
  }

  /** Returns the name of the table's archive of expired snapshots, as other engines see it. */
  public String archiveTableName() {
    return SnapshotArchive.describe(name);
  }

  /** Returns administrative operations that can move or drop tags. Use with care. */
  public TableAdmin admin() {
    return new TableAdmin(this);
  }

  /** Starts a schema change; nothing happens until {@link SchemaChange#commit()}. */
  public SchemaChange updateSchema() {
    return new SchemaChange(this);
  }

  RefInfo findRef(String ref) {
    return refs().stream()
        .filter(r -> r.name().equals(ref))
        .findFirst()
        .orElseThrow(() -> LakeException.notFound("Table %s has no ref '%s'", name, ref));
  }

  void requireBranch(Table table, String branch) {
    SnapshotRef ref = table.refs().get(branch);
    if (ref == null) {
      throw LakeException.notFound(
          "Table %s has no branch '%s'; branches: %s", name, branch, refNames(table, true));
    }
    if (!ref.isBranch()) {
      throw LakeException.precondition("Table %s: '%s' is a tag, not a branch", name, branch);
    }
  }

  void requireTag(Table table, String tag) {
    SnapshotRef ref = table.refs().get(tag);
    if (ref == null || !ref.isTag()) {
      throw LakeException.notFound(
          "Table %s has no tag '%s'; refs: %s", name, tag, refNames(table, false));
    }
  }

  void requireSnapshot(Table table, long snapshotId) {
    if (table.snapshot(snapshotId) == null) {
      if (lake.history().archived(name, table, snapshotId).isPresent()) {
        throw LakeException.precondition(
            "Table %s: snapshot %d is archived (read it by id or time); branches and tags point"
                + " only at snapshots in the live metadata",
            name, snapshotId);
      }
      throw LakeException.notFound("Table %s has no snapshot %d", name, snapshotId);
    }
  }

  private void checkNewRef(Table table, String ref) {
    checkRefName(ref);
    SnapshotRef existing = table.refs().get(ref);
    if (existing != null) {
      throw new LakeException(
          ErrorKind.ALREADY_EXISTS,
          String.format(
              "Table %s already has a %s '%s' (at snapshot %d)%s",
              name,
              existing.isTag() ? "tag" : "branch",
              ref,
              existing.snapshotId(),
              existing.isTag() ? "; tags are immutable" : ""));
    }
  }

  static void checkRefName(String ref) {
    if (ref == null || !REF_NAME.matcher(ref).matches()) {
      throw LakeException.invalid(
          "Invalid ref name '%s': use letters, digits, '.', '_', '-' and '/', starting with a"
              + " letter or digit",
          ref);
    }
    if (DIGITS.matcher(ref).matches()) {
      // Spark and Trino read a ref name made only of digits as a snapshot id.
      throw LakeException.invalid(
          "Invalid ref name '%s': a name made only of digits reads as a snapshot id", ref);
    }
  }

  /** Commits a change to the refs, retrying when another writer committed first. */
  void commitRefs(Consumer<ManageSnapshots> change) {
    for (int attempt = 1; ; attempt++) {
      ManageSnapshots manage = load().manageSnapshots();
      change.accept(manage);
      try {
        manage.commit();
        return;
      } catch (CommitFailedException e) {
        if (attempt >= REF_COMMIT_ATTEMPTS) {
          throw new LakeException(
              ErrorKind.CONFLICT,
              "Table " + name + ": ref change lost to concurrent commits " + attempt + " times",
              e);
        }
      }
    }
  }
}
