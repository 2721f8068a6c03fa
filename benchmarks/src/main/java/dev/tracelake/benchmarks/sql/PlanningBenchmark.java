package dev.tracelake.benchmarks.sql;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.query.QueryResult;
import dev.tracelake.query.SqlEngine;
import dev.tracelake.query.SqlEngineConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Planning over a long history ({@link HistoryTable}): how long lake-core takes to resolve a
 * version and list its data files, at the head and at an old snapshot, and what the SQL engine adds
 * end to end for {@code SELECT count(*)} over the same files compared with DuckDB reading them
 * directly. Cases run round-robin so drift on a busy machine spreads over all of them.
 */
final class PlanningBenchmark {
  /**
   * The timings of one case.
   *
   * @param name what was timed
   * @param files data files the case reads or lists
   * @param latencies wall times
   * @param cpuMillisMedian median CPU time of the whole JVM per repeat
   */
  record Case(String name, int files, Latencies latencies, double cpuMillisMedian) {}

  /**
   * The planning results.
   *
   * @param build how the table was built
   * @param metadataJsonBytes size of the table's current metadata file
   * @param plans lake-core planning cases
   * @param queries count(*) cases, Tracelake and DuckDB direct
   */
  record Report(
      HistoryTable.Build build, long metadataJsonBytes, List<Case> plans, List<Case> queries) {
    Report {
      plans = List.copyOf(plans);
      queries = List.copyOf(queries);
    }
  }

  private interface Timed {
    /** Runs once and returns how many files it saw or rows it counted, for a sanity check. */
    long run() throws Exception;
  }

  private PlanningBenchmark() {}

  static Report run(
      Lake lake,
      SqlEngine engine,
      SqlEngineConfig config,
      SqlBenchmarkOptions options,
      PrintStream out)
      throws Exception {
    HistoryTable.Build build =
        HistoryTable.buildOrExtend(
            lake, options.historySnapshots(), options.historyCommitSeconds(), options.seed(), out);
    List<SnapshotInfo> snapshots = lake.table(HistoryTable.NAME).snapshots();
    SnapshotInfo head = snapshots.get(snapshots.size() - 1);
    SnapshotInfo old = snapshots.get(snapshots.size() / 2 - 1);
    ScanPlan headPlan = lake.table(HistoryTable.NAME).scan().plan();
    ScanPlan oldPlan = lake.table(HistoryTable.NAME).scan().atSnapshot(old.snapshotId()).plan();
    int headFiles = headPlan.files().size();
    int oldFiles = oldPlan.files().size();
    out.printf(
        Locale.ROOT,
        "history: %,d snapshots (%,d through lake-core commits, %,d in bulk); head %d has %,d"
            + " files, old snapshot %d has %,d%n",
        snapshots.size(),
        build.committed(),
        build.bulk(),
        head.snapshotId(),
        headFiles,
        old.snapshotId(),
        oldFiles);

    Map<String, Timed> plans = new LinkedHashMap<>();
    plans.put(
        "resolve head (catalog + metadata file, no manifests)",
        () -> lake.table(HistoryTable.NAME).scan().snapshot().orElseThrow().snapshotId());
    plans.put("plan head", () -> lake.table(HistoryTable.NAME).scan().plan().files().size());
    plans.put(
        "plan old snapshot",
        () ->
            lake.table(HistoryTable.NAME)
                .scan()
                .atSnapshot(old.snapshotId())
                .plan()
                .files()
                .size());
    // Plans of whole snapshots are remembered (a snapshot never changes), so the cases above are
    // warm after their first run. This one plans a different snapshot every time: the cost of a
    // first query of a version (manifests read), with the table's metadata already loaded. The
    // k-th snapshot holds k files; the case returns the difference, expected 0.
    int[] position = {0};
    plans.put(
        "plan a snapshot not planned before (a different one each run)",
        () -> {
          int k = (int) ((position[0]++ * 4_999L + 17) % snapshots.size());
          return lake.table(HistoryTable.NAME)
                  .scan()
                  .atSnapshot(snapshots.get(k).snapshotId())
                  .plan()
                  .files()
                  .size()
              - (k + 1);
        });
    Map<String, Long> planExpect =
        Map.of(
            "resolve head (catalog + metadata file, no manifests)",
            head.snapshotId(),
            "plan head",
            (long) headFiles,
            "plan old snapshot",
            (long) oldFiles,
            "plan a snapshot not planned before (a different one each run)",
            0L);
    List<Case> planCases =
        measure(
            plans, planExpect, Math.min(10, options.planningRepeats()), options.planningRepeats());
    planCases =
        List.of(
            withFiles(planCases.get(0), 0),
            withFiles(planCases.get(1), headFiles),
            withFiles(planCases.get(2), oldFiles),
            withFiles(planCases.get(3), snapshots.size() / 2));
    for (Case c : planCases) {
      out.printf(Locale.ROOT, "  %-55s %s%n", c.name(), c.latencies().format());
    }

    List<Case> queryCases;
    try (Connection direct = DirectDuckDb.open(config)) {
      String headDirect = "SELECT count(*) FROM " + DirectDuckDb.readParquet(localPaths(headPlan));
      String oldDirect = "SELECT count(*) FROM " + DirectDuckDb.readParquet(localPaths(oldPlan));
      Map<String, Timed> queries = new LinkedHashMap<>();
      queries.put("tracelake head", () -> count(engine, "SELECT count(*) FROM history"));
      queries.put("duckdb-direct head", () -> count(direct, headDirect));
      queries.put(
          "tracelake old snapshot",
          () ->
              count(engine, "SELECT count(*) FROM history FOR VERSION AS OF " + old.snapshotId()));
      queries.put("duckdb-direct old snapshot", () -> count(direct, oldDirect));
      Map<String, Long> expect =
          Map.of(
              "tracelake head", head.totalRows(),
              "duckdb-direct head", head.totalRows(),
              "tracelake old snapshot", old.totalRows(),
              "duckdb-direct old snapshot", old.totalRows());
      List<Case> measured =
          measure(
              queries,
              expect,
              Math.min(3, options.historyQueryRepeats()),
              options.historyQueryRepeats());
      queryCases =
          List.of(
              withFiles(measured.get(0), headFiles),
              withFiles(measured.get(1), headFiles),
              withFiles(measured.get(2), oldFiles),
              withFiles(measured.get(3), oldFiles));
    }
    for (Case c : queryCases) {
      out.printf(Locale.ROOT, "  %-55s %s%n", c.name(), c.latencies().format());
    }
    return new Report(build, metadataJsonBytes(lake), planCases, queryCases);
  }

  private static List<String> localPaths(ScanPlan plan) {
    return plan.files().stream().map(f -> f.localPath()).toList();
  }

  private static Case withFiles(Case c, int files) {
    return new Case(c.name(), files, c.latencies(), c.cpuMillisMedian());
  }

  /** Runs the cases round-robin, checking each result, and summarizes the measured repeats. */
  private static List<Case> measure(
      Map<String, Timed> cases, Map<String, Long> expected, int warmups, int repeats)
      throws Exception {
    List<String> names = new ArrayList<>(cases.keySet());
    Map<String, long[]> wall = new LinkedHashMap<>();
    Map<String, double[]> cpu = new LinkedHashMap<>();
    for (String name : names) {
      wall.put(name, new long[repeats]);
      cpu.put(name, new double[repeats]);
    }
    for (int round = 0; round < warmups + repeats; round++) {
      for (int k = 0; k < names.size(); k++) {
        // rotate the order each round
        String name = names.get((k + round) % names.size());
        long cpuStart = Machine.processCpuNanos();
        long start = System.nanoTime();
        long result = cases.get(name).run();
        long nanos = System.nanoTime() - start;
        long cpuNanos = Machine.processCpuNanos() - cpuStart;
        if (result != expected.get(name)) {
          throw new IllegalStateException(
              String.format(
                  "Case '%s' returned %d, expected %d", name, result, expected.get(name)));
        }
        if (round >= warmups) {
          wall.get(name)[round - warmups] = nanos;
          cpu.get(name)[round - warmups] = cpuNanos / 1e6;
        }
      }
    }
    List<Case> result = new ArrayList<>();
    for (String name : names) {
      result.add(
          new Case(name, 0, Latencies.ofNanos(wall.get(name)), Latencies.median(cpu.get(name))));
    }
    return result;
  }

  private static long count(SqlEngine engine, String sql) throws IOException {
    try (QueryResult result = engine.execute(sql)) {
      ArrowReader reader = result.reader();
      long count = -1;
      while (reader.loadNextBatch()) {
        VectorSchemaRoot batch = reader.getVectorSchemaRoot();
        if (batch.getRowCount() > 0) {
          count = ((Number) batch.getVector(0).getObject(0)).longValue();
        }
      }
      return count;
    }
  }

  private static long count(Connection connection, String sql) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Returns the size of the newest metadata file of the history table. */
  private static long metadataJsonBytes(Lake lake) {
    String location = lake.table(HistoryTable.NAME).describe().location();
    Path metadata = Path.of(location.replaceFirst("^file:(//)?", "")).resolve("metadata");
    try (Stream<Path> files = Files.list(metadata)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".metadata.json"))
          .max(Comparator.comparing(PlanningBenchmark::modified))
          .map(PlanningBenchmark::size)
          .orElse(-1L);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + metadata, e);
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stat " + p, e);
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stat " + p, e);
    }
  }

  /** Formats the results as a table with the targets' verdicts. */
  static String format(Report report) {
    List<String> lines = new ArrayList<>();
    HistoryTable.Build b = report.build();
    lines.add(
        String.format(
            Locale.ROOT,
            "history table: %,d snapshots, %,d through lake-core commits, %,d added in bulk;"
                + " metadata file %.1f MB",
            b.snapshots(),
            b.committed(),
            b.bulk(),
            report.metadataJsonBytes() / 1e6));
    if (b.commitNanos().length > 0) {
      lines.add(commitLine(b));
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "%-55s %7s %6s %10s %10s %10s %10s %12s",
            "case",
            "files",
            "runs",
            "p50 ms",
            "p99 ms",
            "min ms",
            "max ms",
            "jvm cpu ms"));
    List<Case> all = new ArrayList<>(report.plans());
    all.addAll(report.queries());
    for (Case c : all) {
      Latencies l = c.latencies();
      lines.add(
          String.format(
              Locale.ROOT,
              "%-55s %,7d %6d %10.2f %10.2f %10.2f %10.2f %12.2f",
              c.name(),
              c.files(),
              l.count(),
              l.p50(),
              l.p99(),
              l.min(),
              l.max(),
              c.cpuMillisMedian()));
    }
    List<Case> q = report.queries();
    for (int i = 0; i + 1 < q.size(); i += 2) {
      Case tl = q.get(i);
      Case dd = q.get(i + 1);
      lines.add(
          String.format(
              Locale.ROOT,
              "%s: engine overhead over duckdb-direct p50 %+.1f ms, ratio %.2f",
              tl.name(),
              tl.latencies().p50() - dd.latencies().p50(),
              tl.latencies().p50() / dd.latencies().p50()));
    }
    for (Case c : report.plans()) {
      if (c.name().startsWith("plan")) {
        lines.add(
            String.format(
                Locale.ROOT,
                "PLANNING %s: p50 %.1f ms, p99 %.1f ms (target p50 <= 50 ms: %s)",
                c.name(),
                c.latencies().p50(),
                c.latencies().p99(),
                c.latencies().p50() <= 50 ? "met" : "missed"));
      }
    }
    return String.join(System.lineSeparator(), lines);
  }

  private static String commitLine(HistoryTable.Build b) {
    long[] nanos = b.commitNanos();
    int n = nanos.length;
    int head = Math.min(100, n);
    long[] first = java.util.Arrays.copyOfRange(nanos, 0, head);
    long[] last = java.util.Arrays.copyOfRange(nanos, n - head, n);
    return String.format(
        Locale.ROOT,
        "lake-core commits this run: %,d (snapshots %,d to %,d); first %d: p50 %.1f ms;"
            + " last %d: p50 %.1f ms",
        n,
        b.firstCommitted() + 1,
        b.firstCommitted() + n,
        head,
        Latencies.ofNanos(first).p50(),
        head,
        Latencies.ofNanos(last).p50());
  }
}
