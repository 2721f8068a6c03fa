package dev.tracelake.benchmarks.history;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.SnapshotPage;
import dev.tracelake.query.QueryOptions;
import dev.tracelake.query.QueryResult;
import dev.tracelake.query.SqlEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.arrow.vector.BigIntVector;

/**
 * The figures of one checkpoint of the history benchmark, and how they are measured.
 *
 * @param snapshots the table's snapshots when the checkpoint's commits started
 * @param commitP50 submit-to-ack time of the checkpoint's real commits, ms
 * @param commitP99 the same, 99th percentile (nearest rank)
 * @param planHeadP50 planning the head right after each of those commits (a new head each time), ms
 * @param metadataJsonBytes the metadata file every commit rewrites, bytes
 * @param metadataBytes every metadata file the table keeps (metadata files, manifest lists,
 *     manifests) plus its whole archive table (its metadata and its data), bytes
 * @param dataBytes the table's data files, every one ever committed, bytes
 * @param headFiles data files in the head
 * @param countHeadP50 {@code SELECT count(*)} at the head through the SQL engine, ms
 * @param countFirstP50 the same at the table's first snapshot (archived by then), ms
 * @param firstPageP50 the first page (100) of {@code snapshots}, on an open lake, ms
 * @param firstPageColdP50 the same through a freshly opened lake (what the CLI does), ms
 * @param travelPlanP50 planning a random snapshot of the first 1,000 (cold, archived at 10k), ms
 * @param rowsHead rows at the head (check)
 * @param rowsFirst rows at the first snapshot (check)
 */
record HistoryFigures(
    long snapshots,
    double commitP50,
    double commitP99,
    double planHeadP50,
    long metadataJsonBytes,
    long metadataBytes,
    long dataBytes,
    int headFiles,
    double countHeadP50,
    double countFirstP50,
    double firstPageP50,
    double firstPageColdP50,
    double travelPlanP50,
    long rowsHead,
    long rowsFirst) {

  /** Returns the metadata bytes kept per snapshot, everything included. */
  double metadataPerSnapshot() {
    return (double) metadataBytes / snapshots;
  }

  static double p50(long[] nanos) {
    return percentile(nanos, 0.50);
  }

  static double p99(long[] nanos) {
    return percentile(nanos, 0.99);
  }

  /** Nearest-rank percentile, in ms. */
  static double percentile(long[] nanos, double p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }

  /** Times {@code runs} calls. */
  static long[] time(int runs, Runnable call) {
    long[] out = new long[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      call.run();
      out[i] = System.nanoTime() - start;
    }
    return out;
  }

  static long bytesUnder(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0; // deleted while walking (an old metadata file)
                }
              })
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot walk " + dir, e);
    }
  }

  static long newestMetadataJson(Path metadataDir) {
    try (Stream<Path> files = Files.list(metadataDir)) {
      return files
          .filter(p -> p.toString().endsWith(".metadata.json"))
          .max(
              (a, b) -> {
                try {
                  return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
                } catch (IOException e) {
                  return 0;
                }
              })
          .map(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0L;
                }
              })
          .orElse(0L);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + metadataDir, e);
    }
  }

  /** Runs {@code SELECT count(*)} and returns the count. */
  static long count(SqlEngine engine, String sql) {
    try (QueryResult result = engine.execute(sql, QueryOptions.defaults())) {
      long n = -1;
      while (result.reader().loadNextBatch()) {
        var root = result.reader().getVectorSchemaRoot();
        if (root.getRowCount() > 0) {
          n = ((BigIntVector) root.getVector(0)).get(0);
        }
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a query and returns how many rows it gave. */
  static long rows(SqlEngine engine, String sql) {
    try (QueryResult result = engine.execute(sql, QueryOptions.defaults())) {
      long n = 0;
      while (result.reader().loadNextBatch()) {
        n += result.reader().getVectorSchemaRoot().getRowCount();
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Measures the read-side figures of a checkpoint. */
  static HistoryFigures measure(
      long snapshots,
      long[] commits,
      long[] plans,
      LakeTable table,
      SqlEngine engine,
      Path warehouse,
      LongSupplier freshLakeFirstPage,
      long seed) {
    Path tableDir = tableDir(warehouse, table.name());
    Path archiveDir = archiveDir(warehouse, table.name());
    long metadataBytes = bytesUnder(tableDir.resolve("metadata")) + bytesUnder(archiveDir);
    long json = newestMetadataJson(tableDir.resolve("metadata"));
    int headFiles = table.scan().plan().files().size();
    String name = table.name().toString();
    // the oldest snapshot: the last page of one, walked from the archive's oldest file
    long firstId = oldestSnapshot(table);
    long[] countHead = time(7, () -> count(engine, "SELECT count(*) FROM " + name));
    long rowsHead = count(engine, "SELECT count(*) FROM " + name);
    String atFirst = "SELECT count(*) FROM " + name + " FOR VERSION AS OF " + firstId;
    long[] countFirst = time(7, () -> count(engine, atFirst));
    long rowsFirst = count(engine, atFirst);
    long[] page = time(21, () -> table.snapshotPage(100, null));
    long[] cold = new long[5];
    for (int i = 0; i < cold.length; i++) {
      cold[i] = freshLakeFirstPage.getAsLong();
    }
    List<Long> early = earlySnapshots(table, 1000);
    SplittableRandom random = new SplittableRandom(seed);
    long[] travel = new long[20];
    for (int i = 0; i < travel.length; i++) {
      long id = early.get(random.nextInt(early.size()));
      long start = System.nanoTime();
      table.scan().atSnapshot(id).plan();
      travel[i] = System.nanoTime() - start;
    }
    return new HistoryFigures(
        snapshots,
        p50(commits),
        p99(commits),
        p50(plans),
        json,
        metadataBytes,
        bytesUnder(tableDir.resolve("data")),
        headFiles,
        p50(countHead),
        p50(countFirst),
        p50(page),
        p50(cold),
        p50(travel),
        rowsHead,
        rowsFirst);
  }

  static Path tableDir(Path warehouse, dev.tracelake.lake.TableName name) {
    return warehouse.resolve(name.namespace()).resolve(name.name());
  }

  static Path archiveDir(Path warehouse, dev.tracelake.lake.TableName name) {
    return warehouse.resolve(Lake.ARCHIVE_NAMESPACE).resolve(name.namespace()).resolve(name.name());
  }

  /** The first snapshot of main: the end of its history. */
  static long oldestSnapshot(LakeTable table) {
    SnapshotInfo oldest = null;
    for (SnapshotInfo s : table.branchHead(LakeTable.MAIN).history()) {
      oldest = s;
    }
    return oldest.snapshotId();
  }

  /** The ids of the first {@code n} snapshots, read through the pages from the newest. */
  static List<Long> earlySnapshots(LakeTable table, int n) {
    List<SnapshotInfo> all = new ArrayList<>();
    String token = null;
    do {
      SnapshotPage page = table.snapshotPage(10_000, token);
      all.addAll(page.snapshots());
      token = page.nextPageToken().orElse(null);
    } while (token != null);
    List<Long> ids = new ArrayList<>();
    for (int i = all.size() - 1; i >= Math.max(0, all.size() - n); i--) {
      ids.add(all.get(i).snapshotId());
    }
    return ids;
  }
}
