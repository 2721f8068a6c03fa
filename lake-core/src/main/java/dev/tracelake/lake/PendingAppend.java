package dev.tracelake.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.avro.util.Utf8;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types.NestedField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append in progress: Arrow batches become zstd Parquet data files as they are written, and
 * {@link #commit()} adds them all to the table in one Iceberg snapshot whose summary carries the
 * provenance. Closing without committing deletes the files written so far; they were never part of
 * any snapshot.
 *
 * <p>One thread writes and commits. To encode Parquet on more threads, each takes a {@link Part}
 * from {@link #newPart()}: a part writes its own data files, and the commit adds every part's files
 * to the one snapshot.
 */
public final class PendingAppend implements AutoCloseable {
  /** Summary key holding a unique id of the append, to find its snapshot after the commit. */
  public static final String SUMMARY_APPEND_ID = "tracelake.append-id";

  private static final Logger LOG = LoggerFactory.getLogger(PendingAppend.class);
  private static final int DEFAULT_MAX_ATTEMPTS = 30;

  private final TableName name;
  private final Table table;
  private final Schema schema;
  // the columns stored in the data files: the table's minus those kept as partition values
  private final Schema fileSchema;
  private final PartitionSpec spec;
  private final StructLike partition;
  private final String branch;
  private final Provenance provenance;
  private final String appendId = UUID.randomUUID().toString();
  private final long targetFileBytes;
  // guarded by itself: parts on other threads add their files
  private final List<DataFile> files = new ArrayList<>();
  // guarded by files
  private final List<Part> parts = new ArrayList<>();
  private final Map<String, String> extraSummary = new LinkedHashMap<>();
  private CommitCheck check = head -> {};
  private final Part main = new Part();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicInteger fileSeq = new AtomicInteger();
  private volatile State state = State.OPEN;

  private enum State {
    OPEN,
    FAILED,
    COMMITTED,
    CLOSED
  }

  PendingAppend(TableName name, Table table, String branch, Provenance provenance) {
    this.name = name;
    this.table = table;
    this.schema = table.schema();
    this.spec = table.spec();
    this.partition = partitionOf(name, schema, spec, provenance);
    Set<Integer> inPartition = new HashSet<>();
    spec.fields().forEach(f -> inPartition.add(f.sourceId()));
    this.fileSchema = inPartition.isEmpty() ? schema : TypeUtil.selectNot(schema, inPartition);
    this.branch = branch;
    this.provenance = provenance;
    this.targetFileBytes =
        Long.parseLong(
            table.properties().getOrDefault("write.target-file-size-bytes", "536870912"));
  }

  /** Returns the table this append writes to. */
  public TableName table() {
    return name;
  }

  /** Returns how many rows were written so far. */
  public long rows() {
    return rows.get();
  }

  /**
   * Adds an entry to the snapshot summary. Keys must start with {@code tracelake.} and must not be
   * one of the provenance keys.
   */
  public PendingAppend summary(String key, String value) {
    if (!key.startsWith("tracelake.")
        || Set.of(
                Provenance.SUMMARY_CODE_COMMIT,
                Provenance.SUMMARY_MODEL_NAME,
                Provenance.SUMMARY_MODEL_VERSION,
                Provenance.SUMMARY_RUN_ID,
                Provenance.SUMMARY_PRODUCER,
                SUMMARY_APPEND_ID)
            .contains(key)) {
      throw new IllegalArgumentException(
          "Summary key '" + key + "' must start with 'tracelake.' and not be a provenance key");
    }
    extraSummary.put(key, value);
    return this;
  }

  /** Sets a condition checked on the branch head before every commit attempt. */
  public PendingAppend check(CommitCheck commitCheck) {
    this.check = commitCheck;
    return this;
  }

  /**
   * Writes one Arrow batch into the append. Columns are matched by name; absent optional columns
   * are null. The batch may carry {@code _record_id} (kept where non-null) and {@code _lineage}.
   *
   * @return the record ids of the batch's rows, in row order
   * @throws LakeException INVALID_ARGUMENT when the batch does not fit the table; the append is
   *     then unusable and must be closed, which discards it
   */
  public RecordIdList write(VectorSchemaRoot batch) {
    return main.write(batch);
  }

  /**
   * Returns a new part of this append, to write batches on another thread into data files of its
   * own. Each part is confined to one thread at a time; {@link #commit()} must come after every
   * part's writes (e.g. after joining the threads) and adds the files of all of them.
   */
  public Part newPart() {
    requireState(State.OPEN);
    Part part = new Part();
    synchronized (files) {
      parts.add(part);
    }
    return part;
  }

  /**
   * A stream of data files within an append, written by one thread: {@link PendingAppend#write}
   * writes through the append's own part; {@link #newPart()} makes more.
   */
  public final class Part {
    private final ArrowRowWriter.Cursor cursor = new ArrowRowWriter.Cursor();
    private DataWriter<ArrowRowWriter.Cursor> writer;
    // the value writer of the current data file, bound to the batch being written
    private ArrowRowWriter rowWriter;

    private Part() {}

    /**
     * Writes one batch into this part's data files, as {@link PendingAppend#write} does.
     *
     * @return the record ids of the batch's rows, in row order
     * @throws LakeException INVALID_ARGUMENT when the batch does not fit the table; the whole
     *     append is then unusable and must be closed, which discards it
     */
    public RecordIdList write(VectorSchemaRoot batch) {
      requireState(State.OPEN);
      BatchBinding binding = BatchBinding.bind(name, schema, fileSchema, batch, provenance);
      // a second layer under the batch checker, and the only one for embedded writers
      BatchValues.check(name, batch);
      int count = batch.getRowCount();
      BatchIds ids = binding.ids(batch);
      long rowsBefore = rows.getAndAdd(count);
      boolean ok = false;
      try {
        if (writer == null) {
          newWriter();
        }
        ArrowValueReaders.ValueReader[] readers = binding.slotReaders();
        rowWriter.bind(name, batch, readers, binding.constants(), ids, rowsBefore);
        for (int i = 0; i < count; i++) {
          cursor.row = i;
          writer.write(cursor);
          if ((i & 1023) == 1023 && writer.length() >= targetFileBytes) {
            finish();
            newWriter();
            rowWriter.bind(name, batch, readers, binding.constants(), ids, rowsBefore);
          }
        }
        ok = true;
      } finally {
        if (!ok) {
          state = State.FAILED;
        }
      }
      return ids;
    }

    private void newWriter() {
      String file = String.format("%s-%05d.parquet", appendId, fileSeq.getAndIncrement());
      try {
        writer =
            Parquet.writeData(
                    table.io().newOutputFile(table.locationProvider().newDataLocation(file)))
                .forTable(table)
                .schema(fileSchema)
                .withSpec(spec)
                .withPartition(partition)
                .<ArrowRowWriter.Cursor>createWriterFunc(
                    message -> {
                      rowWriter = ArrowRowWriter.create(fileSchema, message);
                      return rowWriter;
                    })
                .build();
      } catch (IOException e) {
        throw new UncheckedIOException("Table " + name + ": cannot create data file " + file, e);
      }
    }

    /** Closes the data file being written, if any, and adds it to the append. */
    private void finish() {
      DataWriter<ArrowRowWriter.Cursor> current = writer;
      if (current == null) {
        return;
      }
      writer = null;
      try {
        current.close();
      } catch (IOException e) {
        state = State.FAILED;
        throw new UncheckedIOException("Table " + name + ": cannot finish data file", e);
      }
      DataFile file = current.toDataFile();
      if (file.recordCount() > 0) {
        synchronized (files) {
          files.add(file);
        }
      } else {
        table.io().deleteFile(file.location());
      }
    }

    /** Closes an abandoned data file, so that it can be deleted with the others. */
    private void abandon() {
      if (writer == null) {
        return;
      }
      try {
        writer.close();
        synchronized (files) {
          files.add(writer.toDataFile());
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("Table {}: cannot close an abandoned data file", name, e);
      }
      writer = null;
    }
  }

  /**
   * Commits every written row in one snapshot on the append's branch. Retries only when another
   * writer committed first ({@link CommitFailedException}), re-running the {@link CommitCheck} on
   * the new head each time; the data files are written once and added once.
   *
   * @return the new snapshot
   * @throws LakeException CONFLICT when every attempt lost its race (nothing committed),
   *     UNKNOWN_OUTCOME when the catalog did not say whether the commit landed (the data may be
   *     committed; find it by the append id in the message), or whatever the check throws
   */
  public AppendResult commit() {
    requireState(State.OPEN);
    main.finish();
    synchronized (files) {
      parts.forEach(Part::finish);
    }
    int maxAttempts =
        Integer.parseInt(
            table
                .properties()
                .getOrDefault("tracelake.commit.max-attempts", "" + DEFAULT_MAX_ATTEMPTS));
    for (int attempt = 1; ; attempt++) {
      table.refresh();
      Snapshot head = branchHead();
      check.check(new IcebergBranchHead(table, head));
      // a merge append keeps the manifest count small, so planning stays fast over long histories
      // on threads no shutdown hook stops, so a commit during a graceful shutdown completes
      AppendFiles append =
          table
              .newAppend()
              .scanManifestsWith(CommitPool.POOL)
              .writeManifestsWith(CommitPool.POOL, CommitPool.SIZE);
      files.forEach(append::appendFile);
      provenance.toSummary().forEach(append::set);
      extraSummary.forEach(append::set);
      append.set(SUMMARY_APPEND_ID, appendId);
      if (!LakeTable.MAIN.equals(branch)) {
        append.toBranch(branch);
      }
      try {
        append.commit();
      } catch (CommitFailedException e) {
        if (attempt >= maxAttempts) {
          state = State.FAILED;
          throw new LakeException(
              ErrorKind.CONFLICT,
              String.format(
                  "Table %s: append of %d rows to branch %s lost to concurrent commits %d times;"
                      + " nothing was committed",
                  name, rows.get(), branch, attempt),
              e);
        }
        LOG.debug("Table {}: commit attempt {} lost a race, retrying", name, attempt);
        backoff(attempt);
        continue;
      } catch (CommitStateUnknownException e) {
        // Never clean up here: the files may be referenced by a committed snapshot.
        state = State.COMMITTED;
        throw new LakeException(
            ErrorKind.UNKNOWN_OUTCOME,
            String.format(
                "Table %s: the catalog did not confirm the append of %d rows to branch %s; it may"
                    + " or may not be committed. Look for a snapshot whose summary has %s=%s",
                name, rows.get(), branch, SUMMARY_APPEND_ID, appendId),
            e);
      }
      state = State.COMMITTED;
      long snapshotId = findCommittedSnapshot();
      long bytes = files.stream().mapToLong(DataFile::fileSizeInBytes).sum();
      return new AppendResult(name, branch, snapshotId, rows.get(), files.size(), bytes, attempt);
    }
  }

  private Snapshot branchHead() {
    return table.snapshot(branch);
  }

  private long findCommittedSnapshot() {
    table.refresh();
    for (SnapshotInfo snapshot : new IcebergBranchHead(table, branchHead()).history()) {
      if (appendId.equals(snapshot.summary().get(SUMMARY_APPEND_ID))) {
        return snapshot.snapshotId();
      }
    }
    throw new IllegalStateException(
        "Table " + name + ": committed append " + appendId + " is not on branch " + branch);
  }

  private static void backoff(int attempt) {
    long cap = Math.min(1000L, 5L << Math.min(attempt, 8));
    long sleep = ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
    try {
      TimeUnit.MILLISECONDS.sleep(sleep);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakeException(ErrorKind.CONFLICT, "Interrupted while retrying a commit", e);
    }
  }

  /**
   * Returns the partition tuple of every file of an append: the provenance values of the
   * identity-partitioned metadata columns; null for an unpartitioned table (written before
   * provenance was partitioned: its files hold the provenance columns).
   *
   * @throws LakeException FAILED_PRECONDITION when the table is partitioned otherwise (by another
   *     engine): Tracelake cannot place rows in such partitions
   */
  private static StructLike partitionOf(
      TableName name, Schema schema, PartitionSpec spec, Provenance provenance) {
    if (spec.isUnpartitioned()) {
      return null;
    }
    GenericRecord partition = GenericRecord.create(spec.partitionType());
    List<PartitionField> fields = spec.fields();
    for (int i = 0; i < fields.size(); i++) {
      PartitionField field = fields.get(i);
      String source = schema.findColumnName(field.sourceId());
      if (!field.transform().isIdentity() || !MetadataColumns.PARTITION_COLUMNS.contains(source)) {
        throw new LakeException(
            ErrorKind.FAILED_PRECONDITION,
            String.format(
                "Table %s is partitioned by %s; Tracelake appends only to tables partitioned by"
                    + " identity on %s",
                name, spec, MetadataColumns.PARTITION_COLUMNS));
      }
      partition.set(
          i,
          switch (source) {
            case MetadataColumns.RUN_ID -> provenance.runId();
            case MetadataColumns.CODE_COMMIT -> provenance.codeCommit();
            case MetadataColumns.MODEL_NAME -> provenance.modelName();
            default -> provenance.modelVersion();
          });
    }
    return partition;
  }

  private void requireState(State expected) {
    if (state != expected) {
      throw new IllegalStateException(
          "Append to "
              + name
              + " is "
              + state.name().toLowerCase()
              + ", expected "
              + expected.name().toLowerCase());
    }
  }

  /** Discards the append unless it was committed: deletes the data files it wrote. */
  @Override
  public void close() {
    if (state == State.COMMITTED || state == State.CLOSED) {
      state = State.CLOSED;
      return;
    }
    state = State.CLOSED;
    main.abandon();
    synchronized (files) {
      parts.forEach(Part::abandon);
    }
    for (DataFile file : files) {
      // never committed: no snapshot references these files
      table.io().deleteFile(file.location());
    }
    files.clear();
  }

  /** Reads every value of a batch as {@link #write} would, without writing. */
  static void checkBatch(TableName name, Schema schema, VectorSchemaRoot batch) {
    BatchBinding.bind(name, schema, schema, batch, Provenance.none()).check(batch);
  }

  /** Binds a batch's vectors to the table's columns, once per batch. */
  private record BatchBinding(
      TableName table,
      ArrowValueReaders.ValueReader[] readers,
      boolean[] required,
      String[] names,
      int recordIdPos,
      ArrowValueReaders.ValueReader recordIdReader,
      Object[] constants,
      boolean[] nested) {

    /**
     * Binds {@code batch}, checked against the table's {@code schema}, to the columns of {@code
     * fileSchema} (those the data files store), in their order.
     */
    static BatchBinding bind(
        TableName table,
        Schema schema,
        Schema fileSchema,
        VectorSchemaRoot batch,
        Provenance provenance) {
      String tableName = table.toString();
      for (Field field : batch.getSchema().getFields()) {
        String column = field.getName();
        if (schema.findField(column) == null) {
          throw LakeException.invalid(
              "Table %s has no column '%s'; its columns are %s",
              table, column, userColumns(schema));
        }
        if (MetadataColumns.isReserved(column)
            && !MetadataColumns.WRITER_SUPPLIED.contains(column)) {
          throw LakeException.invalid(
              "Table %s: column '%s' is set by Tracelake and cannot be written", table, column);
        }
      }
      List<NestedField> columns = fileSchema.columns();
      int n = columns.size();
      ArrowValueReaders.ValueReader[] readers = new ArrowValueReaders.ValueReader[n];
      boolean[] required = new boolean[n];
      String[] names = new String[n];
      Object[] constants = new Object[n];
      int recordIdPos = -1;
      ArrowValueReaders.ValueReader recordIdReader = null;
      long nowMicros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
      for (int i = 0; i < n; i++) {
        NestedField column = columns.get(i);
        names[i] = column.name();
        required[i] = column.isRequired();
        ValueVector vector = batch.getVector(column.name());
        ArrowValueReaders.ValueReader reader =
            vector == null
                ? null
                : column.name().equals(MetadataColumns.RECORD_ID)
                    ? ArrowValueReaders.forVector(tableName, column.name(), column.type(), vector)
                    : ArrowValueReaders.forWrittenColumn(
                        tableName, column.name(), column.type(), vector);
        switch (column.name()) {
          case MetadataColumns.RECORD_ID -> {
            recordIdPos = i;
            recordIdReader = reader;
            continue;
          }
          case MetadataColumns.INGESTED_AT -> constants[i] = nowMicros;
          case MetadataColumns.RUN_ID -> constants[i] = utf8(provenance.runId());
          case MetadataColumns.CODE_COMMIT -> constants[i] = utf8(provenance.codeCommit());
          case MetadataColumns.MODEL_NAME -> constants[i] = utf8(provenance.modelName());
          case MetadataColumns.MODEL_VERSION -> constants[i] = utf8(provenance.modelVersion());
          default -> {
            if (reader == null && column.isRequired()) {
              throw LakeException.invalid(
                  "Table %s: required column '%s' (%s) is missing from the batch",
                  table, column.name(), column.type());
            }
            readers[i] = reader;
          }
        }
      }
      boolean[] nested = new boolean[n];
      for (int i = 0; i < n; i++) {
        nested[i] = columns.get(i).type().isNestedType();
      }
      return new BatchBinding(
          table, readers, required, names, recordIdPos, recordIdReader, constants, nested);
    }

    /**
     * Returns the value readers by column position, {@code _record_id}'s included (null where the
     * batch does not hold the column).
     */
    ArrowValueReaders.ValueReader[] slotReaders() {
      ArrowValueReaders.ValueReader[] all = readers.clone();
      if (recordIdPos >= 0) {
        all[recordIdPos] = recordIdReader;
      }
      return all;
    }

    /**
     * Returns the ids for a batch's rows: fresh ones unless the writer gave an id for every row in
     * a string column, which is then read without making any.
     */
    BatchIds ids(VectorSchemaRoot batch) {
      int count = batch.getRowCount();
      if (recordIdReader != null
          && batch.getVector(MetadataColumns.RECORD_ID) instanceof VarCharVector v
          && v.getNullCount() == 0) {
        return BatchIds.allGiven(count);
      }
      return BatchIds.fresh(count);
    }

    /**
     * Checks a batch as writing it would, without writing: fails on a null in a required column, a
     * bad nested value or a blank record id. Flat columns are checked by their null counts; only
     * nested columns and given record ids are read row by row.
     */
    void check(VectorSchemaRoot batch) {
      BatchValues.check(table, batch);
      int rowCount = batch.getRowCount();
      for (int c = 0; c < readers.length; c++) {
        if (readers[c] == null) {
          continue;
        }
        ValueVector vector = batch.getVector(names[c]);
        if (required[c]) {
          ArrowRowWriter.requireNoNulls(table, names[c], vector, 0);
        }
        if (nested[c]) {
          for (int i = 0; i < rowCount; i++) {
            readers[c].read(i); // throws on a null element of a required list, map or struct
          }
        }
      }
      if (recordIdReader != null) {
        ValueVector ids = batch.getVector(MetadataColumns.RECORD_ID);
        for (int i = 0; i < rowCount; i++) {
          boolean blank;
          if (ids instanceof VarCharVector v) {
            if (v.isNull(i)) {
              continue;
            }
            int start = v.getStartOffset(i);
            blank = RecordIds.isBlank(v.getDataBuffer(), start, v.getEndOffset(i) - start);
          } else {
            Object given = recordIdReader.read(i);
            blank = given != null && given.toString().isBlank();
          }
          if (blank) {
            throw LakeException.invalid(
                "Table %s: column '_record_id' is blank at row %d of the batch", table, i);
          }
        }
      }
    }

    private static Utf8 utf8(String value) {
      return value == null ? null : new Utf8(value);
    }

    private static List<String> userColumns(Schema schema) {
      return schema.columns().stream()
          .map(NestedField::name)
          .filter(c -> !MetadataColumns.isReserved(c))
          .toList();
    }
  }
}
