package dev.tracelake.benchmarks.sql;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.query.SqlEngine;
import dev.tracelake.query.SqlEngineConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Compares SQL through Tracelake's engine with DuckDB reading the same Parquet files directly, and
 * times planning over a long history.
 *
 * <ol>
 *   <li>A time-travel aggregate ({@code count(*)}, {@code avg(amount)}, {@code GROUP BY country})
 *       over a table of 12-column events written in many appends, at an old snapshot and at the
 *       current one: Tracelake ({@code FOR VERSION AS OF}) against DuckDB {@code read_parquet} over
 *       the exact file list of that snapshot, same memory limit and threads, alternating, answers
 *       checked equal. See {@link AggregateBenchmark}.
 *   <li>Planning on a table with thousands of one-file snapshots: {@code scan().plan()} at the head
 *       and at an old snapshot, and the engine's end-to-end {@code count(*)} against DuckDB direct.
 *       See {@link PlanningBenchmark}.
 * </ol>
 *
 * <p>The lake is built once per {@code --warehouse} and reused by later runs. See README.md for the
 * command line and RESULTS.md for numbers.
 */
public final class SqlBenchmark {
  private SqlBenchmark() {}

  /** Runs the benchmark with command-line options and prints the report. */
  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help")) {
      System.out.print(SqlBenchmarkOptions.USAGE);
      return;
    }
    SqlBenchmarkOptions options;
    try {
      options = SqlBenchmarkOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    run(options, System.out);
  }

  /**
   * The results of one invocation.
   *
   * @param warehouse the lake used
   * @param aggregate the aggregate comparison, null when skipped
   * @param planning the planning results, null when skipped
   */
  record Report(
      Path warehouse, AggregateBenchmark.Report aggregate, PlanningBenchmark.Report planning) {}

  /** Runs the benchmark, printing progress and the report to {@code out}. */
  static Report run(SqlBenchmarkOptions options, PrintStream out) throws Exception {
    Path warehouse =
        options.warehouse() != null ? options.warehouse() : Files.createTempDirectory("sql-bench-");
    SqlEngineConfig config = SqlEngineConfig.defaults();
    Runtime runtime = Runtime.getRuntime();
    out.printf(
        Locale.ROOT,
        "java %s, %d processors, max heap %d MB; engine and baseline: memory limit %d MiB,"
            + " %d threads%nwarehouse %s%nload average before: %s%n",
        System.getProperty("java.version"),
        runtime.availableProcessors(),
        runtime.maxMemory() >> 20,
        config.memoryLimitBytes() >> 20,
        config.threads(),
        warehouse,
        Machine.loadAverage());
    AggregateBenchmark.Report aggregate = null;
    PlanningBenchmark.Report planning = null;
    try (Lake lake = Lake.open(LakeConfig.embedded(warehouse));
        SqlEngine engine = SqlEngine.create(lake, config)) {
      if (!options.skipAggregate()) {
        List<SnapshotInfo> snapshots = EventsTable.buildOrReuse(lake, options, out);
        out.printf(Locale.ROOT, "load average before queries: %s%n", Machine.loadAverage());
        aggregate = AggregateBenchmark.run(lake, engine, config, snapshots, options, out);
        out.printf(Locale.ROOT, "load average after queries: %s%n", Machine.loadAverage());
      }
      if (!options.skipPlanning()) {
        planning = PlanningBenchmark.run(lake, engine, config, options, out);
        out.printf(Locale.ROOT, "load average after planning: %s%n", Machine.loadAverage());
      }
    }
    out.println();
    if (aggregate != null) {
      out.println(AggregateBenchmark.format(aggregate));
    }
    if (planning != null) {
      out.println(PlanningBenchmark.format(planning));
    }
    return new Report(warehouse, aggregate, planning);
  }
}
