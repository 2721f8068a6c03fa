package dev.tracelake.benchmarks.sql;

import dev.tracelake.benchmarks.EventBatches;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
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
 * The planning benchmark's table: a long history of tiny appends, one small data file per snapshot,
 * all on {@code main}.
 *
 * <p>Snapshots are first committed through lake-core ({@code newAppend} + {@code write} + {@code
 * commit} of {@value #ROWS_PER_APPEND} rows) for at most a time budget, timing each commit. Every
 * commit rewrites the table's metadata file, which grows with each snapshot, so commits slow down
 * as the history grows. When the budget runs out, the rest of the snapshots are added in bulk:
 * copies of the first data file, each appended as its own snapshot by Iceberg's merge append (the
 * operation lake-core commits with), with lake-core's provenance summary, many per metadata write
 * inside Iceberg transactions, written without syncing each file to disk. The result has the shape
 * of a lake-core history (one snapshot and one file per append, manifests merged the same way);
 * only the commit path differs. A table that already has snapshots is extended, not rebuilt.
 */
final class HistoryTable {
  static final TableName NAME = new TableName(TableName.DEFAULT_NAMESPACE, "history");
  static final int ROWS_PER_APPEND = 10;
  private static final int SNAPSHOTS_PER_TRANSACTION = 500;

  /**
   * How the table was built.
   *
   * @param committed snapshots committed through lake-core, by this run and earlier ones
   * @param bulk snapshots added in bulk through Iceberg, by this run and earlier ones
   * @param commitNanos each commit of this run, in order
   * @param firstCommitted how many snapshots the table had before this run's first commit
   */
  record Build(int committed, int bulk, long[] commitNanos, int firstCommitted) {
    int snapshots() {
      return committed + bulk;
    }
  }

  private HistoryTable() {}

  /** Builds or extends the table to {@code snapshots} snapshots. */
  static Build buildOrExtend(
      Lake lake, int snapshots, int commitSeconds, long seed, PrintStream out) {
    LakeTable table =
        lake.exists(NAME) ? lake.table(NAME) : lake.createTable(NAME, EventBatches.SCHEMA);
    int existing = table.snapshots().size();
    int bulkBefore =
        (int)
            table.snapshots().stream()
                .filter(s -> "true".equals(s.summary().get(BULK_KEY)))
                .count();
    long deadline = System.nanoTime() + commitSeconds * 1_000_000_000L;
    List<Long> commits = new ArrayList<>();
    int count = existing;
    if (bulkBefore == 0) {
      try (BufferAllocator allocator = new RootAllocator();
          VectorSchemaRoot batch =
              EventBatches.batch(allocator, new SplittableRandom(seed), 0, ROWS_PER_APPEND)) {
        long lastReport = System.nanoTime();
        while (count < snapshots && (count == 0 || System.nanoTime() < deadline)) {
          long start = System.nanoTime();
          try (PendingAppend append = table.newAppend(provenance(count))) {
            append.write(batch);
            append.commit();
          }
          commits.add(System.nanoTime() - start);
          count++;
          if (System.nanoTime() - lastReport > 10_000_000_000L || count == snapshots) {
            lastReport = System.nanoTime();
            out.printf(
                Locale.ROOT,
                "  %,d snapshots committed through lake-core; last commit %.1f ms%n",
                count,
                commits.get(commits.size() - 1) / 1e6);
          }
        }
      }
    }
    int bulk = bulkBefore;
    if (count < snapshots) {
      bulk += addInBulk(lake.config(), snapshots - count, out);
    }
    return new Build(
        snapshots - bulk,
        bulk,
        commits.stream().mapToLong(Long::longValue).toArray(),
        existing - bulkBefore);
  }

  /** The summary key that marks a snapshot added in bulk. */
  static final String BULK_KEY = "tracelake-benchmarks.bulk";

  private static int addInBulk(LakeConfig config, int snapshots, PrintStream out) {
    JdbcCatalog catalog = new JdbcCatalog();
    catalog.initialize(config.catalogName(), catalogProperties(config));
    try {
      TableIdentifier id = TableIdentifier.of(NAME.namespace(), NAME.name());
      Table table = catalog.loadTable(id);
      DataFile template;
      try (CloseableIterable<FileScanTask> tasks =
          table.newScan().includeColumnStats().planFiles()) {
        template = tasks.iterator().next().file();
      }
      Path source = localPath(template.location());
      long start = System.nanoTime();
      int added = 0;
      while (added < snapshots) {
        Transaction transaction = table.newTransaction();
        int n = Math.min(SNAPSHOTS_PER_TRANSACTION, snapshots - added);
        for (int i = 0; i < n; i++) {
          Path copy = source.resolveSibling("bulk-" + UUID.randomUUID() + ".parquet");
          Files.copy(source, copy);
          AppendFiles append = transaction.newAppend();
          append.appendFile(
              DataFiles.builder(table.spec())
                  .copy(template)
                  .withPath("file:" + copy)
                  .withFileSizeInBytes(template.fileSizeInBytes())
                  .build());
          provenance(added + i).toSummary().forEach(append::set);
          append.set(PendingAppend.SUMMARY_APPEND_ID, UUID.randomUUID().toString());
          append.set(BULK_KEY, "true");
          append.commit();
        }
        transaction.commitTransaction();
        table.refresh();
        added += n;
        out.printf(
            Locale.ROOT,
            "  %,d snapshots added in bulk through Iceberg (%.0f s)%n",
            added,
            (System.nanoTime() - start) / 1e9);
      }
      return added;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy a data file of " + NAME, e);
    } finally {
      catalog.close();
    }
  }

  /**
   * The catalog properties {@code Lake.open} uses for an embedded warehouse, but with a file IO
   * that does not sync each metadata file.
   */
  private static Map<String, String> catalogProperties(LakeConfig config) {
    Map<String, String> props = new HashMap<>();
    props.put(CatalogProperties.URI, config.effectiveCatalogUri());
    props.put("jdbc.schema-version", "V1");
    props.put(CatalogProperties.WAREHOUSE_LOCATION, "file:" + config.warehousePath());
    props.put(CatalogProperties.FILE_IO_IMPL, UnsyncedLocalFileIO.class.getName());
    props.put("jdbc.busy_timeout", "30000");
    props.put("jdbc.journal_mode", "WAL");
    return props;
  }

  private static Path localPath(String location) {
    return Path.of(location.replaceFirst("^file:(//)?", ""));
  }

  private static Provenance provenance(int index) {
    return Provenance.builder()
        .codeCommit("4f1c2a9e0b7d6c5e3a2f1e0d9c8b7a6f5e4d3c2b")
        .model("fraud", "v3")
        .runId("history-" + index)
        .producer("tracelake-benchmarks")
        .build();
  }
}
