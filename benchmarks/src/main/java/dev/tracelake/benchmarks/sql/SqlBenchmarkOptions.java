package dev.tracelake.benchmarks.sql;

import java.nio.file.Path;

/**
 * What {@link SqlBenchmark} runs.
 *
 * @param warehouse the lake to build or reuse; null for a new directory under the temp directory
 * @param rows rows of the events table
 * @param appends appends (snapshots) the rows are written in
 * @param batchSize rows per Arrow batch while writing
 * @param oldSnapshot which snapshot of the events table (1-based, in commit order) the time-travel
 *     query reads
 * @param repeats measured queries per target and version
 * @param warmups unmeasured queries per target and version first
 * @param historySnapshots snapshots (of one small file each) of the planning table
 * @param historyCommitSeconds how long to build the planning table with real lake-core commits; the
 *     remaining snapshots are added in bulk through Iceberg (see {@link HistoryTable})
 * @param planningRepeats measured plans per case
 * @param historyQueryRepeats measured {@code count(*)} queries per target on the planning table
 * @param seed the data generator's seed
 * @param skipAggregate whether to skip the 10M-row aggregate
 * @param skipPlanning whether to skip the planning table
 */
record SqlBenchmarkOptions(
    Path warehouse,
    long rows,
    int appends,
    int batchSize,
    int oldSnapshot,
    int repeats,
    int warmups,
    int historySnapshots,
    int historyCommitSeconds,
    int planningRepeats,
    int historyQueryRepeats,
    long seed,
    boolean skipAggregate,
    boolean skipPlanning) {
  static final String USAGE =
      """
      Usage: SqlBenchmark [options]
        --warehouse DIR             lake to build or reuse (default: new temp directory); a rerun
                                    with the same DIR skips building what is already there
        --rows N                    rows in the events table (default 10000000)
        --appends N                 appends (snapshots) of the events table (default 22)
        --batch-size N              rows per Arrow batch while writing (default 65536)
        --old-snapshot K            time-travel to the K-th snapshot, 1-based (default appends/2)
        --repeats N                 measured queries per target and version (default 11)
        --warmups N                 warm-up queries per target and version (default 2)
        --history-snapshots N       snapshots of the planning table (default 10000)
        --history-commit-seconds S  build it with real commits for at most S seconds, then add
                                    the rest in bulk through Iceberg (default 300)
        --planning-repeats N        measured plans per case (default 200)
        --history-query-repeats N   measured count(*) queries per target (default 31)
        --seed N                    data generator seed (default 42)
        --skip-aggregate            skip the events aggregate
        --skip-planning             skip the planning table
      """;

  SqlBenchmarkOptions {
    if (rows <= 0 || appends <= 0 || batchSize <= 0 || repeats <= 0 || warmups < 0) {
      throw new IllegalArgumentException(
          String.format(
              "Rows, appends, batch size and repeats must be positive and warm-ups not negative;"
                  + " got rows=%d, appends=%d, batch size=%d, repeats=%d, warm-ups=%d",
              rows, appends, batchSize, repeats, warmups));
    }
    if (oldSnapshot < 1 || oldSnapshot > appends) {
      throw new IllegalArgumentException(
          "Old snapshot must be between 1 and " + appends + ", got " + oldSnapshot);
    }
    if (historySnapshots < 2
        || historyCommitSeconds < 0
        || planningRepeats <= 0
        || historyQueryRepeats <= 0) {
      throw new IllegalArgumentException(
          String.format(
              "History snapshots must be at least 2, commit seconds not negative and repeats"
                  + " positive; got snapshots=%d, commit seconds=%d, planning repeats=%d, query"
                  + " repeats=%d",
              historySnapshots, historyCommitSeconds, planningRepeats, historyQueryRepeats));
    }
  }

  /**
   * Parses command-line options.
   *
   * @throws IllegalArgumentException naming an unknown option or a bad value
   */
  static SqlBenchmarkOptions parse(String... args) {
    Path warehouse = null;
    long rows = 10_000_000;
    int appends = 22;
    int batchSize = 65_536;
    Integer oldSnapshot = null;
    int repeats = 11;
    int warmups = 2;
    int historySnapshots = 10_000;
    int historyCommitSeconds = 300;
    int planningRepeats = 200;
    int historyQueryRepeats = 31;
    long seed = 42;
    boolean skipAggregate = false;
    boolean skipPlanning = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--skip-aggregate" -> skipAggregate = true;
        case "--skip-planning" -> skipPlanning = true;
        default -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("Option " + arg + " needs a value or is unknown");
          }
          String value = args[++i];
          switch (arg) {
            case "--warehouse" -> warehouse = Path.of(value);
            case "--rows" -> rows = number(arg, value);
            case "--appends" -> appends = (int) number(arg, value);
            case "--batch-size" -> batchSize = (int) number(arg, value);
            case "--old-snapshot" -> oldSnapshot = (int) number(arg, value);
            case "--repeats" -> repeats = (int) number(arg, value);
            case "--warmups" -> warmups = (int) number(arg, value);
            case "--history-snapshots" -> historySnapshots = (int) number(arg, value);
            case "--history-commit-seconds" -> historyCommitSeconds = (int) number(arg, value);
            case "--planning-repeats" -> planningRepeats = (int) number(arg, value);
            case "--history-query-repeats" -> historyQueryRepeats = (int) number(arg, value);
            case "--seed" -> seed = number(arg, value);
            default -> throw new IllegalArgumentException("Unknown option " + arg);
          }
        }
      }
    }
    return new SqlBenchmarkOptions(
        warehouse,
        rows,
        appends,
        batchSize,
        oldSnapshot == null ? Math.max(1, appends / 2) : oldSnapshot,
        repeats,
        warmups,
        historySnapshots,
        historyCommitSeconds,
        planningRepeats,
        historyQueryRepeats,
        seed,
        skipAggregate,
        skipPlanning);
  }

  private static long number(String option, String value) {
    try {
      return Long.parseLong(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Option " + option + " needs a number, got " + value, e);
    }
  }
}
