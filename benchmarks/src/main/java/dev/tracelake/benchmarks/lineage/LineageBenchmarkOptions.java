package dev.tracelake.benchmarks.lineage;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link LineageBenchmark} runs.
 *
 * @param warehouse a new or empty lake directory; null for a new temp directory
 * @param features N: raw events and features; the graph has 10 N edges
 * @param appendRows records per append (snapshot)
 * @param traces measured upstream traces per system
 * @param explains measured explanations per system
 * @param impacts measured impact queries per system
 * @param lateRecords predictions committed after indexing, to time the catch-up
 * @param pgUrl PostgreSQL JDBC URL
 * @param pgUser PostgreSQL user
 * @param pgPassword PostgreSQL password
 * @param pgSchema the PostgreSQL schema the tables go to (dropped and reloaded each run)
 * @param seed picks the records traced
 * @param rowGroupBytes when positive, the Parquet row group size of the tables written (Iceberg's
 *     {@code write.parquet.row-group-size-bytes}, through the catalog's {@code table-override.})
 * @param pageRows when positive, the most rows per Parquet page of the tables written (Iceberg's
 *     {@code write.parquet.page-row-limit}, through the catalog's {@code table-override.})
 * @param explainReaders how explain reads records, each measured in turn: {@code pages} (the
 *     Parquet page index, as the server does), {@code duckdb} or {@code scan} (lake-core's row
 *     reader)
 */
record LineageBenchmarkOptions(
    Path warehouse,
    long features,
    int appendRows,
    int traces,
    int explains,
    int impacts,
    int lateRecords,
    String pgUrl,
    String pgUser,
    String pgPassword,
    String pgSchema,
    long seed,
    long rowGroupBytes,
    int pageRows,
    List<String> explainReaders) {
  /** The ways explain can read records. */
  static final List<String> EXPLAIN_READERS = List.of("pages", "duckdb", "scan");

  static final String USAGE =
      """
      Usage: LineageBenchmark [options]
        --warehouse DIR     new or empty lake directory (default: new temp directory)
        --features N        raw events and features; 10 N edges in all (default 1000000)
        --append-rows N     records per snapshot (default 100000)
        --traces N          measured upstream traces per system (default 1000)
        --explains N        measured explanations per system (default 200)
        --impacts N         measured impact queries per system (default 5)
        --late-records N    predictions committed after indexing, for the catch-up (default 100000)
        --pg-url URL        (default jdbc:postgresql://localhost:5432/tracelake_bench)
        --pg-user USER      (default postgres)
        --pg-password PW    (default from PGPASSWORD, else 'bench')
        --pg-schema NAME    schema of the benchmark's tables (default lineage_bench)
        --seed N            picks the traced records (default 42)
        --row-group-bytes N Parquet row group size of the tables written (default: Tracelake's)
        --page-rows N       most rows per Parquet page of the tables written (default: Tracelake's)
        --explain-reader R  pages (the page index, as the server reads explained records), duckdb
                            or scan; a comma-separated list measures each (default pages)
      """;

  LineageBenchmarkOptions {
    if (features < 100 || appendRows <= 0 || traces <= 0 || explains <= 0 || impacts <= 0) {
      throw new IllegalArgumentException(
          String.format(
              "Features must be at least 100 and the other sizes positive; got features=%d,"
                  + " append rows=%d, traces=%d, explains=%d, impacts=%d",
              features, appendRows, traces, explains, impacts));
    }
    explainReaders = List.copyOf(explainReaders);
    if (explainReaders.isEmpty()
        || !EXPLAIN_READERS.containsAll(explainReaders)
        || new java.util.HashSet<>(explainReaders).size() != explainReaders.size()) {
      throw new IllegalArgumentException(
          "Explain readers must be distinct ones of "
              + EXPLAIN_READERS
              + ", got "
              + explainReaders);
    }
    if (lateRecords <= 0) {
      throw new IllegalArgumentException("Late records must be positive, got " + lateRecords);
    }
  }

  /**
   * Parses command-line options.
   *
   * @throws IllegalArgumentException naming an unknown option or a bad value
   */
  static LineageBenchmarkOptions parse(String... args) {
    Path warehouse = null;
    long features = 1_000_000;
    int appendRows = 100_000;
    int traces = 1_000;
    int explains = 200;
    int impacts = 5;
    int late = 100_000;
    String url = "jdbc:postgresql://localhost:5432/tracelake_bench";
    String user = "postgres";
    String env = System.getenv("PGPASSWORD");
    String password = env != null ? env : "bench";
    String schema = "lineage_bench";
    long seed = 42;
    String explainReader = "pages";
    long rowGroupBytes = 0;
    int pageRows = 0;
    for (int i = 0; i < args.length; i += 2) {
      String arg = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("Option " + arg + " needs a value or is unknown");
      }
      String value = args[i + 1];
      switch (arg) {
        case "--warehouse" -> warehouse = Path.of(value);
        case "--features" -> features = number(arg, value);
        case "--append-rows" -> appendRows = (int) number(arg, value);
        case "--traces" -> traces = (int) number(arg, value);
        case "--explains" -> explains = (int) number(arg, value);
        case "--impacts" -> impacts = (int) number(arg, value);
        case "--late-records" -> late = (int) number(arg, value);
        case "--pg-url" -> url = value;
        case "--pg-user" -> user = value;
        case "--pg-password" -> password = value;
        case "--pg-schema" -> schema = value;
        case "--seed" -> seed = number(arg, value);
        case "--explain-reader" -> explainReader = value;
        case "--row-group-bytes" -> rowGroupBytes = number(arg, value);
        case "--page-rows" -> pageRows = (int) number(arg, value);
        default -> throw new IllegalArgumentException("Unknown option " + arg);
      }
    }
    return new LineageBenchmarkOptions(
        warehouse,
        features,
        appendRows,
        traces,
        explains,
        impacts,
        late,
        url,
        user,
        password,
        schema,
        seed,
        rowGroupBytes,
        pageRows,
        List.of(explainReader.split(",", -1)));
  }

  private static long number(String option, String value) {
    try {
      return Long.parseLong(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Option " + option + " needs a number, got " + value, e);
    }
  }
}
