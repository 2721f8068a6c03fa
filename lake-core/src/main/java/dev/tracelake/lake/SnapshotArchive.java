package dev.tracelake.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotAncestryValidator;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The archive of a lake's expired snapshots: one append-only Iceberg table per source table, named
 * {@code tracelake_archive.<namespace>.<name>}, holding one row per snapshot ever expired from the
 * source table's live metadata (every field of Iceberg's snapshot, so it can be rebuilt and read
 * through its manifest list, which is never deleted). Any Iceberg engine can read it as a table.
 *
 * <p>Rows are found by snapshot id through the Parquet bloom filter of {@code snapshot_id} and by
 * position through the {@code sequence_number} and {@code committed_at} bounds of each file. A
 * snapshot may appear in more than one row (a later row adds a checkpoint of carried summary
 * values); readers take the one with the checkpoint. Writes are idempotent: a writer appends only
 * rows the archive lacks, and only if the archive did not move since it looked (Iceberg's
 * optimistic commit), so replicas can archive the same table at once.
 */
final class SnapshotArchive {
  /** The namespace under which every archive table lives. */
  static final String NAMESPACE = "tracelake_archive";

  /** Archive-snapshot summary key (+ source table uuid): distinct snapshots archived so far. */
  static final String SUMMARY_TOTAL_PREFIX = "tracelake.archive.snapshots.";

  private static final int FOUND_CACHE = 16_384;
  private static final int DECODED_ROWS_CACHE = 50_000;

  /** One data file of an archive, with the bounds that let readers skip it. */
  record ArchiveFile(
      String location,
      long minSeq,
      long maxSeq,
      long minMillis,
      long maxMillis,
      long rows,
      long bytes) {}

  private record Planned(String metadataLocation, String uuid, List<ArchiveFile> files) {}

  private record Key(String uuid, long snapshotId) {}

  /** What a writer saw of the archive: its head and the rows it already holds. */
  record Seen(Long headId, long total, Map<Long, ArchivedSnapshot> rows) {}

  /** Thrown when the archive moved between reading it and committing to it. */
  static final class ArchiveMoved extends RuntimeException {
    ArchiveMoved(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  private final Lake lake;
  // the shared read instance of each source table's archive, refreshed on demand
  private final ConcurrentMap<TableName, Table> readTables = new ConcurrentHashMap<>();
  // guarded by itself
  private final Map<TableName, Planned> planned = new HashMap<>();
  // guarded by itself
  private final Map<Key, ArchivedSnapshot> found = lru(FOUND_CACHE);
  // guarded by itself: archive file location + '\0' + table uuid -> its rows, newest first
  private final LinkedHashMap<String, List<ArchivedSnapshot>> decoded =
      new LinkedHashMap<>(16, 0.75f, true);
  // guarded by decoded
  private long decodedRows;

  SnapshotArchive(Lake lake) {
    this.lake = lake;
  }

  static TableIdentifier identifier(TableName source) {
    return TableIdentifier.of(Namespace.of(NAMESPACE, source.namespace()), source.name());
  }

  /** Returns the archive of a table as its own name reads in Spark or Trino. */
  static String describe(TableName source) {
    return NAMESPACE + "." + source.namespace() + "." + source.name();
  }

  // ---------------------------------------------------------------- reads

  /** Returns the archive's shared read instance, refreshed when asked; null when none exists. */
  private Table readTable(TableName source, boolean refresh) {
    Table cached = readTables.get(source);
    if (cached != null) {
      if (refresh) {
        try {
          cached.refresh();
        } catch (NoSuchTableException e) {
          readTables.remove(source, cached);
          return null;
        }
      }
      return cached;
    }
    try {
      Table fresh = lake.catalog().loadTable(identifier(source));
      Table raced = readTables.putIfAbsent(source, fresh);
      return raced == null ? fresh : raced;
    } catch (NoSuchTableException e) {
      return null;
    }
  }

  /** Lists the archive files of one source table (by uuid), newest rows first. */
  List<ArchiveFile> files(TableName source, String uuid, boolean refresh) {
    Table archive = readTable(source, refresh);
    if (archive == null || archive.currentSnapshot() == null) {
      return List.of();
    }
    String location = metadataLocation(archive);
    synchronized (planned) {
      Planned p = planned.get(source);
      if (p != null && p.metadataLocation().equals(location) && p.uuid().equals(uuid)) {
        return p.files();
      }
    }
    List<ArchiveFile> files = plan(archive, uuid);
    synchronized (planned) {
      planned.put(source, new Planned(location, uuid, files));
    }
    return files;
  }

  private static String metadataLocation(Table table) {
    return ((org.apache.iceberg.HasTableOperations) table)
        .operations()
        .current()
        .metadataFileLocation();
  }

  private static List<ArchiveFile> plan(Table archive, String uuid) {
    Schema schema = archive.schema();
    int seqId = schema.findField("sequence_number").fieldId();
    int timeId = schema.findField("committed_at").fieldId();
    List<ArchiveFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        archive
            .newScan()
            .filter(Expressions.equal("table_uuid", uuid))
            .includeColumnStats()
            .planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile f = task.file();
        files.add(
            new ArchiveFile(
                f.location(),
                bound(f.lowerBounds(), seqId, Types.LongType.get(), Long.MIN_VALUE),
                bound(f.upperBounds(), seqId, Types.LongType.get(), Long.MAX_VALUE),
                bound(f.lowerBounds(), timeId, Types.TimestampType.withZone(), Long.MIN_VALUE)
                    / 1000,
                bound(f.upperBounds(), timeId, Types.TimestampType.withZone(), Long.MAX_VALUE)
                    / 1000,
                f.recordCount(),
                f.fileSizeInBytes()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan archive " + archive.name(), e);
    }
    files.sort(Comparator.comparingLong(ArchiveFile::maxSeq).reversed());
    return List.copyOf(files);
  }

  private static long bound(Map<Integer, ByteBuffer> bounds, int fieldId, Type type, long absent) {
    ByteBuffer b = bounds == null ? null : bounds.get(fieldId);
    if (b == null) {
      return absent;
    }
    Object value = Conversions.fromByteBuffer(type, b);
    return ((Number) value).longValue();
  }

  /**
   * Finds an archived snapshot of a source table by id; looks again in a refreshed archive when the
   * cached view of it lacks the id (it may have been archived since).
   */
  Optional<ArchivedSnapshot> find(TableName source, String uuid, long snapshotId) {
    Key key = new Key(uuid, snapshotId);
    synchronized (found) {
      ArchivedSnapshot hit = found.get(key);
      if (hit != null) {
        return Optional.of(hit);
      }
    }
    Optional<ArchivedSnapshot> row = search(source, uuid, snapshotId, false);
    if (row.isEmpty()) {
      row = search(source, uuid, snapshotId, true);
    }
    row.ifPresent(
        r -> {
          synchronized (found) {
            found.put(key, r);
          }
        });
    return row;
  }

  private Optional<ArchivedSnapshot> search(
      TableName source, String uuid, long snapshotId, boolean refresh) {
    List<ArchiveFile> files = files(source, uuid, refresh);
    if (files.isEmpty()) {
      return Optional.empty();
    }
    Table archive = readTable(source, false);
    ArchivedSnapshot best = null;
    for (ArchiveFile file : files) {
      List<ArchivedSnapshot> rows;
      synchronized (decoded) {
        rows = decoded.get(file.location() + '\0' + uuid);
      }
      if (rows == null) {
        // the bloom filter of snapshot_id lets the reader skip every file but the one holding it
        rows =
            ArchiveRecords.read(
                archive,
                file.location(),
                Expressions.and(
                    Expressions.equal("table_uuid", uuid),
                    Expressions.equal("snapshot_id", snapshotId)),
                uuid);
      }
      for (ArchivedSnapshot r : rows) {
        if (r.snapshotId() == snapshotId) {
          best = better(best, r);
        }
      }
      if (best != null && best.carried() != null) {
        break;
      }
    }
    return Optional.ofNullable(best);
  }

  static ArchivedSnapshot better(ArchivedSnapshot a, ArchivedSnapshot b) {
    if (a == null) {
      return b;
    }
    return a.carried() != null ? a : b;
  }

  /** Returns every row of one file for one table, newest first, decoding it once. */
  private List<ArchivedSnapshot> decode(Table archive, String location, String uuid) {
    String key = location + '\0' + uuid;
    synchronized (decoded) {
      List<ArchivedSnapshot> rows = decoded.get(key);
      if (rows != null) {
        return rows;
      }
    }
    List<ArchivedSnapshot> rows =
        ArchiveRecords.read(archive, location, Expressions.equal("table_uuid", uuid), uuid);
    synchronized (decoded) {
      if (decoded.put(key, rows) == null) {
        decodedRows += rows.size();
      }
      var eldest = decoded.entrySet().iterator();
      while (decodedRows > DECODED_ROWS_CACHE && eldest.hasNext()) {
        var e = eldest.next();
        if (e.getKey().equals(key)) {
          continue;
        }
        decodedRows -= e.getValue().size();
        eldest.remove();
      }
    }
    return rows;
  }

  /**
   * Iterates the archived snapshots of a source table with a sequence number below {@code
   * beforeSeq}, newest first, one row per snapshot. Reads the archive as it is now.
   */
  ArchiveMerge descending(TableName source, String uuid, long beforeSeq) {
    return descending(source, uuid, beforeSeq, Long.MAX_VALUE);
  }

  /**
   * As {@link #descending(TableName, String, long)}, skipping files whose every row was committed
   * after {@code notAfterMillis} (such files hold no row a search for an earlier time wants).
   */
  ArchiveMerge descending(TableName source, String uuid, long beforeSeq, long notAfterMillis) {
    List<ArchiveFile> files = new ArrayList<>();
    for (ArchiveFile f : files(source, uuid, true)) {
      if (f.minSeq() < beforeSeq && f.minMillis() <= notAfterMillis) {
        files.add(f);
      }
    }
    Table archive = files.isEmpty() ? null : readTable(source, false);
    return new ArchiveMerge(files, beforeSeq, location -> decode(archive, location, uuid));
  }

  /**
   * Returns the newest archived snapshot that was on {@code main} and committed at or before a
   * time, if any.
   */
  Optional<ArchivedSnapshot> mainAsOf(TableName source, String uuid, long millis) {
    Iterator<ArchivedSnapshot> rows = descending(source, uuid, Long.MAX_VALUE, millis);
    while (rows.hasNext()) {
      ArchivedSnapshot r = rows.next();
      if (r.mainAncestor() && r.timestampMillis() <= millis) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** Returns how many distinct snapshots of a source table were archived. */
  long count(TableName source, String uuid) {
    Table archive = readTable(source, true);
    if (archive == null) {
      return 0;
    }
    return totalAt(archive.currentSnapshot(), uuid);
  }

  private static long totalAt(Snapshot head, String uuid) {
    if (head == null) {
      return 0;
    }
    String total = head.summary().get(SUMMARY_TOTAL_PREFIX + uuid);
    return total == null ? 0 : Long.parseLong(total);
  }

  // ---------------------------------------------------------------- writes

  /**
   * Reads which of the candidates the archive holds, straight from the archive's current head (no
   * caches): the archive writer decides from this what to append. Reads only the files whose
   * sequence-number range holds a candidate, and from a file holding few of them only the row
   * groups whose bloom filter may hold one.
   */
  Seen seen(TableName source, String uuid, List<Snapshot> candidates) {
    Table archive = loadForWrite(source, false);
    if (archive == null || archive.currentSnapshot() == null) {
      return new Seen(null, 0, Map.of());
    }
    Snapshot head = archive.currentSnapshot();
    Map<Long, ArchivedSnapshot> rows = new HashMap<>();
    java.util.Set<Long> wanted = new java.util.HashSet<>();
    candidates.forEach(c -> wanted.add(c.snapshotId()));
    for (ArchiveFile f : plan(archive, uuid)) {
      List<Long> inRange = new ArrayList<>();
      for (Snapshot c : candidates) {
        if (c.sequenceNumber() >= f.minSeq() && c.sequenceNumber() <= f.maxSeq()) {
          inRange.add(c.snapshotId());
        }
      }
      if (inRange.isEmpty()) {
        continue;
      }
      Expression filter = Expressions.equal("table_uuid", uuid);
      if (inRange.size() <= 64) {
        filter = Expressions.and(filter, Expressions.in("snapshot_id", inRange));
      }
      for (ArchivedSnapshot r : ArchiveRecords.read(archive, f.location(), filter, uuid)) {
        if (wanted.contains(r.snapshotId())) {
          rows.merge(r.snapshotId(), r, SnapshotArchive::better);
        }
      }
    }
    return new Seen(head.snapshotId(), totalAt(head, uuid), rows);
  }

  /**
   * Appends rows to a source table's archive, creating the archive on first use, provided its head
   * is still {@code seen.headId()}.
   *
   * @param newSnapshots how many of the rows archive a snapshot for the first time
   * @throws ArchiveMoved when another writer appended first; nothing was committed
   */
  void append(
      TableName source, String uuid, Seen seen, List<ArchivedSnapshot> rows, long newSnapshots) {
    if (rows.isEmpty()) {
      return;
    }
    Table archive = loadForWrite(source, true);
    Schema schema = archive.schema();
    String file = UUID.randomUUID() + "-00000.parquet";
    DataWriter<Record> writer;
    try {
      writer =
          Parquet.writeData(
                  archive.io().newOutputFile(archive.locationProvider().newDataLocation(file)))
              .forTable(archive)
              .schema(schema)
              .withSpec(archive.spec())
              .createWriterFunc(GenericParquetWriter::create)
              .build();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create archive file for " + source, e);
    }
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    try (writer) {
      List<ArchivedSnapshot> sorted = new ArrayList<>(rows);
      sorted.sort(Comparator.comparingLong(ArchivedSnapshot::sequenceNumber));
      for (ArchivedSnapshot row : sorted) {
        writer.write(ArchiveRecords.toRecord(schema, uuid, row, now));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write archive file for " + source, e);
    }
    DataFile dataFile = writer.toDataFile();
    Long expected = seen.headId();
    AppendFiles append = archive.newAppend().appendFile(dataFile);
    append.set(SUMMARY_TOTAL_PREFIX + uuid, Long.toString(seen.total() + newSnapshots));
    append.set(Provenance.SUMMARY_PRODUCER, "tracelake-archive");
    append.validateWith(new HeadIs(expected));
    try {
      append.commit();
    } catch (CommitStateUnknownException e) {
      throw e; // the file may be committed: never delete it
    } catch (RuntimeException e) {
      archive.io().deleteFile(dataFile.location());
      if (e instanceof org.apache.iceberg.exceptions.CommitFailedException
          || e instanceof org.apache.iceberg.exceptions.ValidationException) {
        throw new ArchiveMoved("Archive of " + source + " moved while appending to it", e);
      }
      throw e;
    }
  }

  /** Passes only when the archive's head is the one the writer read. */
  private record HeadIs(Long expected) implements SnapshotAncestryValidator {
    @Override
    public boolean validate(Iterable<Snapshot> ancestry) {
      Iterator<Snapshot> it = ancestry.iterator();
      Long head = it.hasNext() ? it.next().snapshotId() : null;
      return java.util.Objects.equals(head, expected);
    }

    @Override
    public String errorMessage() {
      return "the archive's head is no longer snapshot " + expected;
    }
  }

  /** Loads a private instance of the archive, creating it when asked; null when absent. */
  Table loadForWrite(TableName source, boolean create) {
    try {
      return lake.catalog().loadTable(identifier(source));
    } catch (NoSuchTableException e) {
      if (!create) {
        return null;
      }
    }
    Namespace namespace = identifier(source).namespace();
    try {
      if (!lake.catalog().namespaceExists(namespace)) {
        lake.catalog().createNamespace(namespace);
      }
    } catch (RuntimeException e) {
      // created concurrently (the JDBC catalog reports a duplicate as an SQL failure)
      if (!lake.catalog().namespaceExists(namespace)) {
        throw e;
      }
    }
    try {
      return lake.catalog()
          .buildTable(identifier(source), ArchiveRecords.SCHEMA)
          .withProperties(ArchiveRecords.properties(source))
          .create();
    } catch (AlreadyExistsException e) {
      return lake.catalog().loadTable(identifier(source));
    }
  }

  private static <K, V> Map<K, V> lru(int max) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
      }
    };
  }
}
