package dev.tracelake.benchmarks.history;

import dev.tracelake.benchmarks.EventBatches;
import dev.tracelake.benchmarks.sql.UnsyncedLocalFileIO;
import dev.tracelake.ingest.AppendBatch;
import dev.tracelake.ingest.BackgroundCompaction;
import dev.tracelake.ingest.IngestConfig;
import dev.tracelake.ingest.Ingestor;
import dev.tracelake.ingest.ServerMetrics;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;

/**
 * Grows one table's history the way a production table grows: one writer, small appends of {@code
 * rowsPerAppend} rows, each its own snapshot.
 *
 * <p><b>The real path</b> is the ingest server's commit path in-process (no gRPC): {@link
 * Ingestor#submit} with a writer id and consecutive offsets, so every commit runs the writer-offset
 * check, records the offsets in the summary, and lake-core archives history by itself in the
 * background; {@link BackgroundCompaction} compacts the head as {@code serve} does. A commit's time
 * is submit to acknowledgement.
 *
 * <p><b>The bulk path</b> adds snapshots faster with the same shape: Iceberg merge appends (the
 * operation lake-core commits with) of one data file each, with lake-core's summary (provenance,
 * append id, the writer's next offset range), {@value #BULK_PER_TRANSACTION} per metadata write
 * inside an Iceberg transaction, through a file IO that does not fsync; between transactions the
 * real archiver and the real compaction run, as they would between commits. Each data file is a
 * byte copy of one real append's file (the rows, record ids included, repeat; counts do not care).
 * Only the commit path differs: the metadata files, manifests, archive and compacted files are the
 * ones a real history of that length has.
 */
final class HistoryBuilder implements AutoCloseable {
  static final TableName TABLE = new TableName("bench", "history");
  static final String WRITER = "bench-writer";
  static final int BULK_PER_TRANSACTION = 200;
  static final Provenance PROVENANCE =
      Provenance.builder()
          .codeCommit("4f1c2a9e0b7d6c5e3a2f1e0d9c8b7a6f5e4d3c2b")
          .model("fraud", "v3")
          .runId("history-bench")
          .producer("tracelake-benchmarks")
          .build();

  private final Lake lake;
  private final TableName name;
  private final BufferAllocator allocator;
  private final int rowsPerAppend;
  private final SplittableRandom random;
  private final PrintStream out;
  private final Duration compactionInterval;
  private Ingestor ingestor;
  private BackgroundCompaction compaction;
  private long nextOffset;
  private long nextEventId;

  HistoryBuilder(
      Lake lake,
      TableName name,
      BufferAllocator allocator,
      int rowsPerAppend,
      long seed,
      Duration compactionInterval,
      PrintStream out) {
    this.lake = lake;
    this.name = name;
    this.allocator = allocator;
    this.rowsPerAppend = rowsPerAppend;
    this.random = new SplittableRandom(seed);
    this.compactionInterval = compactionInterval;
    this.out = out;
  }

  LakeTable table() {
    return lake.table(name);
  }

  long snapshots() {
    return table().describe().snapshotCount();
  }

  /** Starts the in-process ingest path (a fresh one folds the writer's offset from the table). */
  void startIngest(boolean compact) {
    ingestor =
        new Ingestor(
            lake,
            IngestConfig.defaults().withCommitInterval(Duration.ofMillis(1)),
            ServerMetrics.create());
    nextOffset = ingestor.writerOffset(name, "main", WRITER).map(c -> c.offset() + 1).orElse(0L);
    if (compact && compaction == null) {
      compaction =
          BackgroundCompaction.start(
              lake,
              () -> Set.of(name),
              compactionInterval,
              BackgroundCompaction.DEFAULT_OPTIONS,
              ServerMetrics.create().registry());
    }
  }

  void stopIngest() {
    if (compaction != null) {
      compaction.close();
      compaction = null;
    }
    if (ingestor != null) {
      ingestor.close();
      ingestor = null;
    }
  }

  /** Commits one append through the ingest path; returns its submit-to-ack time in nanos. */
  long commit() throws Exception {
    VectorSchemaRoot batch = EventBatches.batch(allocator, random, nextEventId, rowsPerAppend);
    nextEventId += rowsPerAppend;
    long bytes = batch.getFieldVectors().stream().mapToLong(v -> v.getBufferSize()).sum();
    long started = System.nanoTime();
    var ack =
        ingestor
            .submit(
                new AppendBatch(
                    name, "main", WRITER, nextOffset, PROVENANCE, List.of(batch), bytes))
            .get(60, TimeUnit.SECONDS);
    long took = System.nanoTime() - started;
    if (ack.alreadyCommitted() || ack.offset() != nextOffset) {
      throw new IllegalStateException("Offset " + nextOffset + " acknowledged as " + ack);
    }
    nextOffset++;
    return took;
  }

  /** Commits real appends until the table has {@code snapshots}; returns each commit's time. */
  long[] commitUntil(long snapshots) throws Exception {
    long have = snapshots();
    long[] times = new long[(int) Math.max(0, snapshots - have)];
    long lastReport = System.nanoTime();
    for (int i = 0; i < times.length; i++) {
      times[i] = commit();
      if (System.nanoTime() - lastReport > 30_000_000_000L) {
        lastReport = System.nanoTime();
        out.printf(
            Locale.ROOT,
            "  %,d snapshots (real commits); last commit %.1f ms%n",
            have + i + 1,
            times[i] / 1e6);
      }
    }
    return times;
  }

  /** Adds snapshots in bulk (the documented faster path) until the table has {@code snapshots}. */
  void bulkUntil(long snapshots, LakeConfig config) {
    stopIngest();
    JdbcCatalog catalog = new JdbcCatalog();
    catalog.initialize(config.catalogName(), unsyncedCatalog(config));
    long start = System.nanoTime();
    long lastReport = start;
    try {
      TableIdentifier id = TableIdentifier.of(name.namespace(), name.name());
      Table table = catalog.loadTable(id);
      DataFile template = smallestHeadFile(table);
      Path source = Path.of(template.location().replaceFirst("^file:(//)?", ""));
      long have = snapshots();
      long[] bulkNanos = new long[3];
      long tStart = System.nanoTime();
      while (have < snapshots) {
        int n = (int) Math.min(BULK_PER_TRANSACTION, snapshots - have);
        table.refresh();
        Transaction transaction = table.newTransaction();
        for (int i = 0; i < n; i++) {
          String appendId = UUID.randomUUID().toString();
          Path copy = source.resolveSibling(appendId + "-00000.parquet");
          Files.copy(source, copy);
          AppendFiles append = transaction.newAppend();
          append.appendFile(
              DataFiles.builder(table.spec())
                  .copy(template)
                  .withPath("file:" + copy)
                  .withFileSizeInBytes(template.fileSizeInBytes())
                  .build());
          PROVENANCE.toSummary().forEach(append::set);
          append.set(PendingAppend.SUMMARY_APPEND_ID, appendId);
          append.set("tracelake.writer." + WRITER, nextOffset + "-" + nextOffset);
          nextOffset++;
          append.commit();
        }
        transaction.commitTransaction();
        have += n;
        long t1 = System.nanoTime();
        // what the server does between commits: compaction each minute, archiving when due
        table().maintenance().compact(BackgroundCompaction.DEFAULT_OPTIONS);
        long t2 = System.nanoTime();
        table().maintenance().archiveHistory();
        long t3 = System.nanoTime();
        bulkNanos[0] += t1 - tStart;
        bulkNanos[1] += t2 - t1;
        bulkNanos[2] += t3 - t2;
        tStart = t3;
        if (System.nanoTime() - lastReport > 30_000_000_000L || have >= snapshots) {
          lastReport = System.nanoTime();
          out.printf(
              Locale.ROOT,
              "  %,d snapshots (bulk; %.0f s so far: appends %.0f s, compaction %.0f s, archiving"
                  + " %.0f s)%n",
              have,
              (System.nanoTime() - start) / 1e9,
              bulkNanos[0] / 1e9,
              bulkNanos[1] / 1e9,
              bulkNanos[2] / 1e9);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy a data file of " + name, e);
    } finally {
      catalog.close();
    }
  }

  private DataFile smallestHeadFile(Table table) throws IOException {
    DataFile smallest = null;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().includeColumnStats().planFiles()) {
      for (FileScanTask t : tasks) {
        if (smallest == null || t.file().recordCount() < smallest.recordCount()) {
          smallest = t.file().copy();
        }
      }
    }
    if (smallest == null) {
      throw new IllegalStateException("Table " + name + " has no data file to copy");
    }
    return smallest;
  }

  /** The catalog properties {@code Lake.open} uses, with a file IO that does not fsync. */
  private static Map<String, String> unsyncedCatalog(LakeConfig config) {
    Map<String, String> props = new HashMap<>();
    props.put(CatalogProperties.URI, config.effectiveCatalogUri());
    props.put("jdbc.schema-version", "V1");
    props.put(CatalogProperties.WAREHOUSE_LOCATION, "file:" + config.warehousePath());
    props.put(CatalogProperties.FILE_IO_IMPL, UnsyncedLocalFileIO.class.getName());
    props.put("jdbc.busy_timeout", "30000");
    props.put("jdbc.journal_mode", "WAL");
    return props;
  }

  @Override
  public void close() {
    stopIngest();
  }
}
