package dev.tracelake.benchmarks.history;

import dev.tracelake.benchmarks.EventBatches;
import dev.tracelake.lake.CompactionOptions;
import dev.tracelake.lake.CompactionResult;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.query.SqlEngine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;

/**
 * How one table's costs grow with its history, from 1,000 to 100,000 snapshots: commit latency,
 * metadata kept per snapshot, the metadata file each commit rewrites, planning and counting at the
 * head and at the first snapshot, the first page of {@code snapshots}, time travel to early
 * snapshots. Each figure is printed per checkpoint with its growth from the first checkpoint to the
 * last (the ratio the targets are stated in). See README.md, "History growth".
 */
public final class HistoryBenchmark {
  private HistoryBenchmark() {}

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    PrintStream out = System.out;
    Files.createDirectories(o.warehouse());
    out.printf(
        Locale.ROOT,
        "History growth: checkpoints %s, real commits up to %,d then bulk, %d rows per append,"
            + " %d measured commits per checkpoint, warehouse %s%n",
        Arrays.toString(o.checkpoints()),
        o.realUntil(),
        o.rows(),
        o.measured(),
        o.warehouse());
    List<HistoryFigures> figures = new ArrayList<>();
    LakeConfig config = LakeConfig.embedded(o.warehouse());
    try (RootAllocator allocator = new RootAllocator();
        Lake lake = Lake.open(config);
        SqlEngine engine = SqlEngine.create(lake);
        HistoryBuilder builder =
            new HistoryBuilder(
                lake, HistoryBuilder.TABLE, allocator, o.rows(), 42, o.compactionInterval(), out)) {
      if (!lake.exists(HistoryBuilder.TABLE)) {
        lake.createTable(HistoryBuilder.TABLE, EventBatches.SCHEMA);
      }
      boolean compacting = false;
      for (long checkpoint : o.checkpoints()) {
        long realTarget = Math.min(checkpoint, o.realUntil());
        if (builder.snapshots() < realTarget) {
          out.printf(Locale.ROOT, "Real commits to %,d snapshots...%n", realTarget);
          builder.startIngest(compacting);
          builder.commitUntil(realTarget);
          builder.stopIngest();
        }
        if (builder.snapshots() < checkpoint) {
          out.printf(Locale.ROOT, "Bulk path to %,d snapshots...%n", checkpoint);
          builder.bulkUntil(checkpoint, config);
        }
        if (!compacting) {
          headBeforeAndAfterCompaction(lake, builder.table(), engine, allocator, out);
          compacting = true;
        }
        // a fresh ingest path: it folds the writer's offset from the table, archive included
        builder.startIngest(true);
        long snapshots = builder.snapshots();
        out.printf(Locale.ROOT, "Measuring at %,d snapshots...%n", snapshots);
        long[] commits = new long[o.measured()];
        long[] plans = new long[o.measured()];
        for (int i = 0; i < commits.length; i++) {
          commits[i] = builder.commit();
          long p = System.nanoTime();
          lake.table(HistoryBuilder.TABLE).scan().plan();
          plans[i] = System.nanoTime() - p;
        }
        HistoryFigures f =
            HistoryFigures.measure(
                snapshots,
                commits,
                plans,
                builder.table(),
                engine,
                o.warehouse(),
                () -> {
                  long t = System.nanoTime();
                  try (Lake fresh = Lake.open(config)) {
                    fresh.table(HistoryBuilder.TABLE).snapshotPage(100, null);
                  }
                  return System.nanoTime() - t;
                },
                checkpoint);
        figures.add(f);
        print(out, f);
        builder.stopIngest();
      }
    }
    report(out, figures);
    if (!o.keep()) {
      deleteTree(o.warehouse());
      out.println("Deleted " + o.warehouse());
    }
  }

  /** At the first checkpoint the head was never compacted: read it, compact it, read it again. */
  private static void headBeforeAndAfterCompaction(
      Lake lake, LakeTable table, SqlEngine engine, RootAllocator allocator, PrintStream out) {
    String name = table.name().toString();
    int filesBefore = table.scan().plan().files().size();
    long[] countBefore =
        HistoryFigures.time(5, () -> HistoryFigures.count(engine, "SELECT count(*) FROM " + name));
    long[] scanBefore = HistoryFigures.time(3, () -> scanAll(table, allocator));
    long start = System.nanoTime();
    int rounds = 0;
    while (true) {
      CompactionResult r = table.maintenance().compact(CompactionOptions.defaults());
      if (r.snapshotId().isEmpty()) {
        break;
      }
      rounds++;
    }
    double compactMs = (System.nanoTime() - start) / 1e6;
    int filesAfter = table.scan().plan().files().size();
    long[] countAfter =
        HistoryFigures.time(5, () -> HistoryFigures.count(engine, "SELECT count(*) FROM " + name));
    long[] scanAfter = HistoryFigures.time(3, () -> scanAll(table, allocator));
    out.printf(
        Locale.ROOT,
        "HEAD before compaction: %d files, SQL count(*) p50 %.1f ms, lake-core full scan p50 %.1f"
            + " ms%n",
        filesBefore,
        HistoryFigures.p50(countBefore),
        HistoryFigures.p50(scanBefore));
    out.printf(
        Locale.ROOT,
        "HEAD after compaction (%d rounds, %.0f ms): %d files, SQL count(*) p50 %.1f ms,"
            + " lake-core full scan p50 %.1f ms%n",
        rounds,
        compactMs,
        filesAfter,
        HistoryFigures.p50(countAfter),
        HistoryFigures.p50(scanAfter));
  }

  private static void scanAll(LakeTable table, RootAllocator allocator) {
    try (ScanBatches batches = table.scan().open(allocator)) {
      while (batches.loadNextBatch()) {
        // read every row
      }
    }
  }

  private static void print(PrintStream out, HistoryFigures f) {
    out.printf(
        Locale.ROOT,
        "AT %,d snapshots: commit p50 %.1f ms p99 %.1f ms; plan head p50 %.1f ms; metadata %s"
            + " (%.1f KB/snapshot), metadata.json %s, data %s, head %d files; count(*) head p50"
            + " %.1f ms (%,d rows), first snapshot p50 %.1f ms (%,d rows); snapshots first page"
            + " p50 %.1f ms (fresh lake %.1f ms); time travel plan p50 %.1f ms%n",
        f.snapshots(),
        f.commitP50(),
        f.commitP99(),
        f.planHeadP50(),
        mb(f.metadataBytes()),
        f.metadataPerSnapshot() / 1024,
        mb(f.metadataJsonBytes()),
        mb(f.dataBytes()),
        f.headFiles(),
        f.countHeadP50(),
        f.rowsHead(),
        f.countFirstP50(),
        f.rowsFirst(),
        f.firstPageP50(),
        f.firstPageColdP50(),
        f.travelPlanP50());
  }

  private static void report(PrintStream out, List<HistoryFigures> all) {
    out.println();
    out.printf(
        Locale.ROOT,
        "%-34s%s%n",
        "figure",
        all.stream()
                .map(f -> String.format(Locale.ROOT, "%14s", String.format("%,d", f.snapshots())))
                .reduce("", String::concat)
            + String.format("%14s", "growth"));
    row(out, all, "commit p50 ms", HistoryFigures::commitP50);
    row(out, all, "commit p99 ms", HistoryFigures::commitP99);
    row(out, all, "metadata KB per snapshot", f -> f.metadataPerSnapshot() / 1024);
    row(out, all, "rewritten metadata.json KB", f -> f.metadataJsonBytes() / 1024.0);
    row(out, all, "plan head p50 ms", HistoryFigures::planHeadP50);
    row(out, all, "count(*) head p50 ms", HistoryFigures::countHeadP50);
    row(out, all, "count(*) first snapshot p50 ms", HistoryFigures::countFirstP50);
    row(out, all, "snapshots first page p50 ms", HistoryFigures::firstPageP50);
    row(out, all, "  through a fresh lake p50 ms", HistoryFigures::firstPageColdP50);
    row(out, all, "time travel plan p50 ms", HistoryFigures::travelPlanP50);
    row(out, all, "head data files", f -> f.headFiles());
    for (int i = 1; i < all.size(); i++) {
      HistoryFigures a = all.get(i - 1);
      HistoryFigures b = all.get(i);
      out.printf(
          Locale.ROOT,
          "MARGINAL metadata per snapshot from %,d to %,d: %.1f KB%n",
          a.snapshots(),
          b.snapshots(),
          (b.metadataBytes() - a.metadataBytes()) / 1024.0 / (b.snapshots() - a.snapshots()));
    }
  }

  private static void row(
      PrintStream out,
      List<HistoryFigures> all,
      String name,
      java.util.function.ToDoubleFunction<HistoryFigures> figure) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-34s", name));
    for (HistoryFigures f : all) {
      line.append(String.format(Locale.ROOT, "%14.1f", figure.applyAsDouble(f)));
    }
    double first = figure.applyAsDouble(all.get(0));
    double last = figure.applyAsDouble(all.get(all.size() - 1));
    line.append(String.format(Locale.ROOT, "%13.2fx", first == 0 ? Double.NaN : last / first));
    out.println(line);
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Command line options. */
  record Options(
      Path warehouse,
      long[] checkpoints,
      long realUntil,
      int rows,
      int measured,
      Duration compactionInterval,
      boolean keep) {
    static Options parse(String[] args) {
      Path warehouse = Path.of(System.getProperty("java.io.tmpdir"), "history-bench");
      long[] checkpoints = {1_000, 10_000, 100_000};
      long realUntil = 10_000;
      int rows = 10;
      int measured = 300;
      Duration interval = Duration.ofSeconds(6);
      boolean keep = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--warehouse" -> warehouse = Path.of(args[++i]);
          case "--checkpoints" ->
              checkpoints =
                  Arrays.stream(args[++i].split(",")).mapToLong(Long::parseLong).sorted().toArray();
          case "--real-until" -> realUntil = Long.parseLong(args[++i]);
          case "--rows-per-append" -> rows = Integer.parseInt(args[++i]);
          case "--measured-commits" -> measured = Integer.parseInt(args[++i]);
          case "--compaction-interval-ms" ->
              interval = Duration.ofMillis(Long.parseLong(args[++i]));
          case "--keep" -> keep = true;
          default -> {
            System.err.println(
                "usage: HistoryBenchmark [--warehouse DIR] [--checkpoints 1000,10000,100000]"
                    + " [--real-until 10000] [--rows-per-append 10] [--measured-commits 300]"
                    + " [--compaction-interval-ms 6000] [--keep]");
            System.exit(2);
          }
        }
      }
      return new Options(warehouse, checkpoints, realUntil, rows, measured, interval, keep);
    }
  }
}
