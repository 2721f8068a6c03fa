package dev.tracelake.benchmarks.sql;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.query.QueryResult;
import dev.tracelake.query.SqlEngine;
import dev.tracelake.query.SqlEngineConfig;
import dev.tracelake.query.TableReference;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The time-travel aggregate, {@code SELECT country, count(*), avg(amount) ... GROUP BY country}, at
 * an old snapshot and at the current one, through Tracelake's SQL engine and through DuckDB's
 * {@code read_parquet} over exactly the same snapshot's files, alternating in pairs.
 *
 * <p>Targets: {@value #TRACELAKE} ({@code SqlEngine.execute}, answer drained from Arrow), {@value
 * #DIRECT} (one DuckDB connection kept open for the whole run, as a DuckDB user would), {@value
 * #DIRECT_NEW_DB} (a new DuckDB database per query, as the engine makes one: separates the cost of
 * the per-query database from the rest of Tracelake's overhead), {@value #DIRECT_FIELD_IDS} (the
 * kept connection running the engine's own form of the read: a subquery over every column mapped by
 * field id, see {@link FieldIdSql}; separates the cost of that read form).
 */
final class AggregateBenchmark {
  static final String TRACELAKE = "tracelake";
  static final String DIRECT = "duckdb-direct";
  static final String DIRECT_NEW_DB = "duckdb-direct-new-db";
  static final String DIRECT_FIELD_IDS = "duckdb-direct-field-ids";
  static final List<String> TARGETS = List.of(TRACELAKE, DIRECT, DIRECT_NEW_DB, DIRECT_FIELD_IDS);

  /**
   * One version of the events table the query reads.
   *
   * @param label {@code old} or {@code current}
   * @param snapshotId the snapshot it resolves to
   * @param rows rows at that snapshot
   * @param tracelakeSql the query through the engine
   * @param directSql the same query over that snapshot's files
   * @param fieldIdSql the same query over the engine's form of the read of those files
   * @param files data files of the snapshot
   */
  record Version(
      String label,
      long snapshotId,
      long rows,
      String tracelakeSql,
      String directSql,
      String fieldIdSql,
      int files) {}

  /**
   * One timed query.
   *
   * @param cpuNanos CPU time of the whole JVM meanwhile, DuckDB's threads included
   */
  record Sample(
      String target, String version, int pair, boolean warmup, long nanos, long cpuNanos) {}

  /**
   * Every sample, with the versions read and the answers that all targets agreed on.
   *
   * @param answers per version, in the order of {@code versions}
   */
  record Report(List<Version> versions, List<CountryAggregate> answers, List<Sample> samples) {
    Report {
      versions = List.copyOf(versions);
      answers = List.copyOf(answers);
      samples = List.copyOf(samples);
    }

    double[] measured(String target, String version, boolean cpu) {
      return samples.stream()
          .filter(s -> !s.warmup() && s.target().equals(target) && s.version().equals(version))
          .mapToDouble(s -> (cpu ? s.cpuNanos() : s.nanos()) / 1e6)
          .toArray();
    }

    /** Returns the ratio of Tracelake's median wall time over the baseline's, for one version. */
    double ratio(String version) {
      return Latencies.median(measured(TRACELAKE, version, false))
          / Latencies.median(measured(DIRECT, version, false));
    }
  }

  private final SqlEngine engine;
  private final SqlEngineConfig config;
  private final PrintStream out;

  private AggregateBenchmark(SqlEngine engine, SqlEngineConfig config, PrintStream out) {
    this.engine = engine;
    this.config = config;
    this.out = out;
  }

  /** Runs the comparison on the events table, whose snapshots are {@code snapshots}. */
  static Report run(
      Lake lake,
      SqlEngine engine,
      SqlEngineConfig config,
      List<SnapshotInfo> snapshots,
      SqlBenchmarkOptions options,
      PrintStream out)
      throws SQLException {
    LakeTable table = lake.table(EventsTable.NAME);
    SnapshotInfo old = snapshots.get(options.oldSnapshot() - 1);
    List<Version> versions =
        List.of(
            version(
                "old",
                table.scan().atSnapshot(old.snapshotId()).plan(),
                "events FOR VERSION AS OF " + old.snapshotId()),
            version("current", table.scan().plan(), "events"));
    return new AggregateBenchmark(engine, config, out).run(versions, options);
  }

  private static Version version(String label, ScanPlan plan, String relation) {
    SnapshotInfo snapshot = plan.snapshot().orElseThrow();
    List<String> files = plan.files().stream().map(f -> f.localPath()).toList();
    return new Version(
        label,
        snapshot.snapshotId(),
        snapshot.totalRows(),
        CountryAggregate.sql(relation),
        CountryAggregate.sql(DirectDuckDb.readParquet(files)),
        CountryAggregate.sql("(" + FieldIdSql.select(plan.columns(), files) + ")"),
        files.size());
  }

  private Report run(List<Version> versions, SqlBenchmarkOptions options) throws SQLException {
    List<Sample> samples = new ArrayList<>();
    List<CountryAggregate> answers = new ArrayList<>();
    try (Connection direct = DirectDuckDb.open(config)) {
      for (Version v : versions) {
        out.printf(
            Locale.ROOT,
            "version %-7s snapshot %d: %,d rows in %d files%n  tracelake: %s%n  direct:   %s%n",
            v.label(),
            v.snapshotId(),
            v.rows(),
            v.files(),
            v.tracelakeSql(),
            abbreviate(v.directSql()));
        answers.add(directAnswer(direct, v));
      }
      int rounds = options.warmups() + options.repeats();
      for (int round = 1; round <= rounds; round++) {
        boolean warmup = round <= options.warmups();
        int pair = warmup ? round : round - options.warmups();
        for (int i = 0; i < versions.size(); i++) {
          Version v = versions.get(i);
          for (String target : inPairOrder(round)) {
            Sample s = runOnce(target, v, answers.get(i), direct, pair, warmup);
            samples.add(s);
            out.printf(
                Locale.ROOT,
                "%s%-3d %-7s %-21s %9.1f ms (jvm cpu %8.1f ms)%n",
                warmup ? "w" : "r",
                pair,
                v.label(),
                target,
                s.nanos() / 1e6,
                s.cpuNanos() / 1e6);
          }
        }
      }
    }
    return new Report(versions, answers, samples);
  }

  /** Rotates the targets by one each round, so no target always runs first. */
  private static List<String> inPairOrder(int round) {
    List<String> order = new ArrayList<>(TARGETS);
    Collections.rotate(order, -((round - 1) % order.size()));
    return order;
  }

  private Sample runOnce(
      String target,
      Version v,
      CountryAggregate expected,
      Connection direct,
      int pair,
      boolean warmup)
      throws SQLException {
    long cpu = Machine.processCpuNanos();
    long start = System.nanoTime();
    CountryAggregate answer =
        switch (target) {
          case TRACELAKE -> tracelakeAnswer(v);
          case DIRECT -> directAnswer(direct, v);
          case DIRECT_FIELD_IDS -> answer(direct, v.fieldIdSql());
          case DIRECT_NEW_DB -> {
            try (Connection fresh = DirectDuckDb.open(config)) {
              yield directAnswer(fresh, v);
            }
          }
          default -> throw new IllegalArgumentException("Unknown target " + target);
        };
    long nanos = System.nanoTime() - start;
    long cpuNanos = Machine.processCpuNanos() - cpu;
    if (!answer.agreesWith(expected)) {
      throw new IllegalStateException(
          String.format(
              "Target %s answered %s at version %s, but DuckDB over the snapshot's files answered"
                  + " %s",
              target, answer, v.label(), expected));
    }
    return new Sample(target, v.label(), pair, warmup, nanos, cpuNanos);
  }

  private CountryAggregate tracelakeAnswer(Version v) {
    try (QueryResult result = engine.execute(v.tracelakeSql())) {
      CountryAggregate answer = CountryAggregate.of(result);
      TableReference ref = result.references().get(0);
      if (ref.snapshotId().orElse(-1) != v.snapshotId()) {
        throw new IllegalStateException(
            "Query " + v.tracelakeSql() + " read " + ref + ", expected snapshot " + v.snapshotId());
      }
      return answer;
    }
  }

  private static CountryAggregate directAnswer(Connection connection, Version v)
      throws SQLException {
    return answer(connection, v.directSql());
  }

  private static CountryAggregate answer(Connection connection, String sql) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return CountryAggregate.of(rs);
    }
  }

  /** Formats the medians and the ratio lines. */
  static String format(Report report) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "%-8s %-23s %4s %10s %10s %10s %12s %10s",
            "version",
            "target",
            "runs",
            "median ms",
            "min ms",
            "max ms",
            "jvm cpu ms",
            "rows"));
    for (Version v : report.versions()) {
      for (String target : TARGETS) {
        double[] wall = report.measured(target, v.label(), false);
        double[] cpu = report.measured(target, v.label(), true);
        Latencies l = Latencies.ofNanos(toNanos(wall));
        lines.add(
            String.format(
                Locale.ROOT,
                "%-8s %-23s %4d %10.1f %10.1f %10.1f %12.1f %,10d",
                v.label(),
                target,
                wall.length,
                l.p50(),
                l.min(),
                l.max(),
                Latencies.median(cpu),
                v.rows()));
      }
    }
    for (Version v : report.versions()) {
      double[] tl = report.measured(TRACELAKE, v.label(), false);
      double[] dd = report.measured(DIRECT, v.label(), false);
      double[] perPair = new double[Math.min(tl.length, dd.length)];
      for (int i = 0; i < perPair.length; i++) {
        perPair[i] = tl[i] / dd[i];
      }
      double cpuRatio =
          Latencies.median(report.measured(TRACELAKE, v.label(), true))
              / Latencies.median(report.measured(DIRECT, v.label(), true));
      double tracelake = Latencies.median(report.measured(TRACELAKE, v.label(), false));
      lines.add(
          String.format(
              Locale.ROOT,
              "%s: tracelake/duckdb-direct median per-pair %.3f, jvm cpu %.3f;"
                  + " tracelake/duckdb-direct-new-db %.3f; tracelake/duckdb-direct-field-ids %.3f",
              v.label(),
              Latencies.median(perPair),
              cpuRatio,
              tracelake / Latencies.median(report.measured(DIRECT_NEW_DB, v.label(), false)),
              tracelake / Latencies.median(report.measured(DIRECT_FIELD_IDS, v.label(), false))));
    }
    for (Version v : report.versions()) {
      lines.add(
          String.format(
              Locale.ROOT,
              "RATIO tracelake/duckdb-direct [%s snapshot %d, %,d rows] = %.2f",
              v.label(),
              v.snapshotId(),
              v.rows(),
              report.ratio(v.label())));
    }
    return String.join(System.lineSeparator(), lines);
  }

  private static long[] toNanos(double[] millis) {
    long[] nanos = new long[millis.length];
    for (int i = 0; i < millis.length; i++) {
      nanos[i] = Math.round(millis[i] * 1e6);
    }
    return nanos;
  }

  private static String abbreviate(String sql) {
    return sql.length() <= 160 ? sql : sql.substring(0, 120) + " ... (" + sql.length() + " chars)";
  }
}
