package dev.tracelake.benchmarks.history;

import dev.tracelake.benchmarks.EventBatches;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.TableName;
import dev.tracelake.query.SqlEngine;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.arrow.memory.RootAllocator;

/**
 * The same figures for a table with a short history and one with a long history, measured in
 * interleaved rounds in one process: both see the same machine load, so the ratio of the long one
 * to the short one is the growth with history, undisturbed by what else runs. Run it on the
 * warehouse a {@link HistoryBenchmark} run kept ({@code --keep}): its table is the long history; a
 * short one is built next to it through the same real ingest path.
 */
public final class HistoryComparison {
  static final TableName SHORT = new TableName("bench", "short_history");

  private HistoryComparison() {}

  /** What one table's rounds collected. */
  private static final class Samples {
    final List<Long> commits = new ArrayList<>();
    final List<Long> plans = new ArrayList<>();
    final List<Long> countHead = new ArrayList<>();
    final List<Long> countFirst = new ArrayList<>();
    final List<Long> firstPage = new ArrayList<>();
    final List<Long> firstPageFresh = new ArrayList<>();
    final List<Long> travel = new ArrayList<>();
    final List<Long> sqlSnapshots = new ArrayList<>();
    long allSnapshotsNanos;
    long orphanScanNanos;
    long snapshots;
    long metadataBytes;
    long metadataJson;
    int headFiles;
  }

  public static void main(String[] args) throws Exception {
    Path warehouse = Path.of(System.getProperty("java.io.tmpdir"), "history-bench");
    TableName longTable = HistoryBuilder.TABLE;
    long shortSnapshots = 1_000;
    int rounds = 6;
    int block = 50;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--warehouse" -> warehouse = Path.of(args[++i]);
        case "--short-snapshots" -> shortSnapshots = Long.parseLong(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--block" -> block = Integer.parseInt(args[++i]);
        default -> {
          System.err.println(
              "usage: HistoryComparison [--warehouse DIR] [--short-snapshots 1000] [--rounds 6]"
                  + " [--block 50]");
          System.exit(2);
        }
      }
    }
    PrintStream out = System.out;
    LakeConfig config = LakeConfig.embedded(warehouse);
    Duration interval = Duration.ofSeconds(6);
    try (RootAllocator allocator = new RootAllocator();
        Lake lake = Lake.open(config);
        SqlEngine engine = SqlEngine.create(lake);
        HistoryBuilder shortHistory =
            new HistoryBuilder(lake, SHORT, allocator, 10, 7, interval, out);
        HistoryBuilder longHistory =
            new HistoryBuilder(lake, longTable, allocator, 10, 11, interval, out)) {
      if (!lake.exists(SHORT)) {
        lake.createTable(SHORT, EventBatches.SCHEMA);
      }
      shortHistory.startIngest(true);
      if (shortHistory.snapshots() < shortSnapshots) {
        out.printf(Locale.ROOT, "Real commits to %,d snapshots of %s...%n", shortSnapshots, SHORT);
        shortHistory.commitUntil(shortSnapshots);
      }
      longHistory.startIngest(true);
      Samples s = new Samples();
      Samples l = new Samples();
      List<Long> shortEarly = HistoryFigures.earlySnapshots(shortHistory.table(), 1000);
      List<Long> longEarly = HistoryFigures.earlySnapshots(longHistory.table(), 1000);
      long shortFirst = shortEarly.get(0);
      long longFirst = longEarly.get(0);
      SplittableRandom random = new SplittableRandom(3);
      for (int r = 0; r < rounds; r++) {
        boolean shortFirstInRound = r % 2 == 0;
        for (int k = 0; k < 2; k++) {
          boolean isShort = (k == 0) == shortFirstInRound;
          HistoryBuilder b = isShort ? shortHistory : longHistory;
          Samples into = isShort ? s : l;
          round(
              lake,
              config,
              engine,
              b.table(),
              b,
              block,
              isShort ? shortFirst : longFirst,
              isShort ? shortEarly : longEarly,
              random,
              into);
        }
        out.printf(Locale.ROOT, "  round %d of %d done%n", r + 1, rounds);
      }
      for (var pair : List.of(List.of(shortHistory, s), List.of(longHistory, l))) {
        HistoryBuilder b = (HistoryBuilder) pair.get(0);
        Samples into = (Samples) pair.get(1);
        into.snapshots = b.snapshots();
        into.metadataBytes =
            HistoryFigures.bytesUnder(
                    HistoryFigures.tableDir(warehouse, b.table().name()).resolve("metadata"))
                + HistoryFigures.bytesUnder(HistoryFigures.archiveDir(warehouse, b.table().name()));
        into.metadataJson =
            HistoryFigures.newestMetadataJson(
                HistoryFigures.tableDir(warehouse, b.table().name()).resolve("metadata"));
        into.headFiles = b.table().scan().plan().files().size();
        // the costs that read the whole history, once each: listing every snapshot as objects,
        // and the orphan cleaner's walk of every manifest list and manifest
        into.allSnapshotsNanos = timed(() -> b.table().snapshots());
        into.orphanScanNanos =
            timed(() -> b.table().maintenance().findOrphanFiles(java.time.Duration.ofDays(1)));
      }
      report(out, s, l);
    }
  }

  private static void round(
      Lake lake,
      LakeConfig config,
      SqlEngine engine,
      LakeTable table,
      HistoryBuilder builder,
      int block,
      long first,
      List<Long> early,
      SplittableRandom random,
      Samples into)
      throws Exception {
    for (int i = 0; i < block; i++) {
      into.commits.add(builder.commit());
      long p = System.nanoTime();
      lake.table(table.name()).scan().plan();
      into.plans.add(System.nanoTime() - p);
    }
    String name = table.name().toString();
    for (int i = 0; i < 3; i++) {
      into.countHead.add(timed(() -> HistoryFigures.count(engine, "SELECT count(*) FROM " + name)));
      into.countFirst.add(
          timed(
              () ->
                  HistoryFigures.count(
                      engine, "SELECT count(*) FROM " + name + " FOR VERSION AS OF " + first)));
    }
    for (int i = 0; i < 5; i++) {
      into.firstPage.add(timed(() -> table.snapshotPage(100, null)));
      long id = early.get(random.nextInt(early.size()));
      into.travel.add(timed(() -> table.scan().atSnapshot(id).plan()));
    }
    String newest =
        "SELECT snapshot_id, committed_at, code_commit FROM \""
            + table.name().namespace()
            + "\".\""
            + table.name().name()
            + "$snapshots\" ORDER BY committed_at DESC LIMIT 10";
    for (int i = 0; i < 3; i++) {
      into.sqlSnapshots.add(timed(() -> HistoryFigures.rows(engine, newest)));
    }
    into.firstPageFresh.add(
        timed(
            () -> {
              try (Lake fresh = Lake.open(config)) {
                fresh.table(table.name()).snapshotPage(100, null);
              }
            }));
  }

  private static long timed(Runnable r) {
    long t = System.nanoTime();
    r.run();
    return System.nanoTime() - t;
  }

  private static double p(List<Long> nanos, double q) {
    return HistoryFigures.percentile(nanos.stream().mapToLong(Long::longValue).toArray(), q);
  }

  private static void report(PrintStream out, Samples s, Samples l) {
    out.println();
    out.printf(
        Locale.ROOT,
        "%-40s%16s%16s%10s%n",
        "figure (interleaved rounds)",
        String.format(Locale.ROOT, "%,d snaps", s.snapshots),
        String.format(Locale.ROOT, "%,d snaps", l.snapshots),
        "ratio");
    line(out, "commit p50 ms (" + s.commits.size() + " each)", s, l, x -> p(x.commits, 0.5));
    line(out, "commit p99 ms", s, l, x -> p(x.commits, 0.99));
    line(out, "plan head after each commit p50 ms", s, l, x -> p(x.plans, 0.5));
    line(out, "count(*) head p50 ms", s, l, x -> p(x.countHead, 0.5));
    line(out, "count(*) first snapshot p50 ms", s, l, x -> p(x.countFirst, 0.5));
    line(out, "snapshots first page p50 ms", s, l, x -> p(x.firstPage, 0.5));
    line(out, "  through a fresh lake p50 ms", s, l, x -> p(x.firstPageFresh, 0.5));
    line(out, "time travel plan (first 1000) p50 ms", s, l, x -> p(x.travel, 0.5));
    line(out, "SQL \"t$snapshots\" newest 10 p50 ms", s, l, x -> p(x.sqlSnapshots, 0.5));
    line(out, "metadata KB per snapshot", s, l, x -> x.metadataBytes / 1024.0 / x.snapshots);
    line(out, "rewritten metadata.json KB", s, l, x -> x.metadataJson / 1024.0);
    line(out, "head data files", s, l, x -> (double) x.headFiles);
    line(out, "every snapshot as objects (once) ms", s, l, x -> x.allSnapshotsNanos / 1e6);
    line(out, "orphan scan, dry run (once) ms", s, l, x -> x.orphanScanNanos / 1e6);
  }

  private static void line(
      PrintStream out, String name, Samples s, Samples l, Function<Samples, Double> figure) {
    double a = figure.apply(s);
    double b = figure.apply(l);
    out.printf(Locale.ROOT, "%-40s%16.1f%16.1f%9.2fx%n", name, a, b, b / a);
  }
}
