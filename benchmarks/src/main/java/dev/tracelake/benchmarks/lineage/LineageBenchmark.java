package dev.tracelake.benchmarks.lineage;

import dev.tracelake.benchmarks.sql.Latencies;
import dev.tracelake.benchmarks.sql.Machine;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lineage.ExplainNode;
import dev.tracelake.lineage.Explanation;
import dev.tracelake.lineage.ImpactQuery;
import dev.tracelake.lineage.ImpactResult;
import dev.tracelake.lineage.IndexStatus;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.lineage.PageIndexRowSource;
import dev.tracelake.lineage.RecordKey;
import dev.tracelake.lineage.TableRecords;
import dev.tracelake.lineage.TraceResult;
import dev.tracelake.query.DuckDbRowSource;
import dev.tracelake.query.SqlEngineConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Compares Tracelake's lineage index with PostgreSQL holding the same edges: upstream trace,
 * explain and the downstream impact of one model version, on the graph of {@link FraudGraph}, in
 * one run, alternating the two systems; every answer is checked against the other system's and
 * against the generator's. Then times how long the index takes to catch up after a commit of new
 * records. See README.md for the command line and RESULTS.md for numbers.
 */
public final class LineageBenchmark {
  private LineageBenchmark() {}

  /** Runs the benchmark with command-line options and prints the report. */
  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help")) {
      System.out.print(LineageBenchmarkOptions.USAGE);
      return;
    }
    LineageBenchmarkOptions options;
    try {
      options = LineageBenchmarkOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    run(options, System.out);
  }

  /**
   * What one comparison measured.
   *
   * @param name the question
   * @param tracelake Tracelake's timings
   * @param postgres PostgreSQL's timings
   */
  record Comparison(String name, Latencies tracelake, Latencies postgres) {
    double ratio() {
      return postgres.p50() / tracelake.p50();
    }
  }

  /**
   * The results.
   *
   * @param edges edges in the graph
   * @param index the index after the first catch-up
   * @param indexSeconds the first catch-up (indexing the whole graph)
   * @param comparisons trace, explain, impact
   * @param impactSeeds predictions of the model version
   * @param impactDerived records derived from them
   * @param lateRecords records in the commit after indexing
   * @param catchUpSeconds the catch-up after that commit
   */
  record Report(
      long edges,
      IndexStatus index,
      double indexSeconds,
      List<Comparison> comparisons,
      long impactSeeds,
      long impactDerived,
      int lateRecords,
      double catchUpSeconds) {
    Report {
      comparisons = List.copyOf(comparisons);
    }
  }

  /** Runs the benchmark, printing progress and the report to {@code out}. */
  static Report run(LineageBenchmarkOptions options, PrintStream out) throws Exception {
    Path warehouse =
        options.warehouse() != null
            ? options.warehouse()
            : Files.createTempDirectory("lineage-bench-");
    FraudGraph graph = new FraudGraph(options.features(), options.appendRows());
    out.printf(
        Locale.ROOT,
        "java %s, %d processors, max heap %d MB%nwarehouse %s%ngraph: %,d features, %,d"
            + " predictions, %,d decisions, %,d edges%nload average before: %s%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        warehouse,
        graph.size(FraudGraph.FEATURES),
        graph.size(FraudGraph.PREDICTIONS),
        graph.size(FraudGraph.DECISIONS),
        graph.edges(),
        Machine.loadAverage());
    try (BufferAllocator allocator = new RootAllocator();
        Lake lake = Lake.open(lakeConfig(warehouse, options.rowGroupBytes(), options.pageRows()));
        Lineage lineage = Lineage.open(lake, LineageOptions.defaults().withManualRefresh());
        // opened only if measured; explain reads through each reader asked for in turn
        DuckDbRowSource duckDb =
            options.explainReaders().contains("duckdb")
                ? DuckDbRowSource.open(lake, SqlEngineConfig.defaults())
                : null;
        PostgresLineage postgres =
            PostgresLineage.connect(
                options.pgUrl(), options.pgUser(), options.pgPassword(), options.pgSchema())) {
      if (!lake.tables().isEmpty()) {
        throw new IllegalStateException(
            "Warehouse " + warehouse + " already has tables " + lake.tables() + "; use a new one");
      }
      GraphLoader loader = new GraphLoader(lake, graph, allocator);
      loader.writeAll(out);
      long start = System.nanoTime();
      IndexStatus index = lineage.catchUp();
      double indexSeconds = (System.nanoTime() - start) / 1e9;
      out.printf(
          Locale.ROOT,
          "  index: %,d records, %,d edges, ~%,d MB heap, built in %.1f s%n",
          index.records(),
          index.edges(),
          index.heapBytes() >> 20,
          indexSeconds);
      if (index.edges() != graph.edges()) {
        throw new IllegalStateException(
            "Index has " + index.edges() + " edges, the graph " + graph.edges());
      }
      out.printf(
          Locale.ROOT,
          "PostgreSQL %s at %s, schema %s%n",
          postgres.version(),
          options.pgUrl(),
          options.pgSchema());
      postgres.load(graph, loader, out);
      out.printf(Locale.ROOT, "load average before measuring: %s%n", Machine.loadAverage());

      Questions q = new Questions(graph, loader, lineage, postgres);
      SplittableRandom random = new SplittableRandom(options.seed());
      List<Comparison> comparisons = new ArrayList<>();
      comparisons.add(q.traces(random, Math.min(100, options.traces()), options.traces()));
      // lake-core's scan reads when no reader is attached, and none can be detached: it goes first
      List<String> readers = new ArrayList<>(options.explainReaders());
      if (readers.remove("scan")) {
        readers.add(0, "scan");
      }
      for (String reader : readers) {
        switch (reader) {
          case "pages" -> lineage.readRowsWith(PageIndexRowSource.of(lake));
          case "duckdb" -> lineage.readRowsWith(duckDb);
          default -> {} // scan
        }
        String name = options.explainReaders().size() == 1 ? "explain" : "explain:" + reader;
        comparisons.add(
            q.explains(name, random, Math.min(20, options.explains()), options.explains()));
      }
      Comparison impact = q.impacts(options.impacts());
      comparisons.add(impact);
      for (Comparison c : comparisons) {
        out.printf(
            Locale.ROOT,
            "  %-8s tracelake %s%n  %-8s postgres  %s%n",
            c.name(),
            c.tracelake().format(),
            c.name(),
            c.postgres().format());
      }
      out.printf(Locale.ROOT, "load average after measuring: %s%n", Machine.loadAverage());

      long lateFrom = graph.size(FraudGraph.PREDICTIONS);
      start = System.nanoTime();
      loader.appendLatePredictions(lateFrom, lateFrom + options.lateRecords());
      double commitSeconds = (System.nanoTime() - start) / 1e9;
      start = System.nanoTime();
      IndexStatus after = lineage.catchUp();
      double catchUpSeconds = (System.nanoTime() - start) / 1e9;
      q.checkLate(lateFrom + options.lateRecords() - 1, after, index, options.lateRecords());
      out.printf(
          Locale.ROOT,
          "  late commit of %,d predictions (%,d edges): commit %.1f s, then catchUp() %.3f s%n",
          options.lateRecords(),
          (long) options.lateRecords() * FraudGraph.PREDICTION_INPUTS,
          commitSeconds,
          catchUpSeconds);

      Report report =
          new Report(
              graph.edges(),
              index,
              indexSeconds,
              comparisons,
              q.impactSeeds,
              q.impactDerived,
              options.lateRecords(),
              catchUpSeconds);
      out.println();
      out.println(format(report));
      return report;
    }
  }

  /** Asks both systems the same questions, alternating which goes first, and checks answers. */
  private static final class Questions {
    private final FraudGraph graph;
    private final GraphLoader snapshots;
    private final Lineage lineage;
    private final PostgresLineage postgres;
    long impactSeeds;
    long impactDerived;

    Questions(FraudGraph graph, GraphLoader snapshots, Lineage lineage, PostgresLineage postgres) {
      this.graph = graph;
      this.snapshots = snapshots;
      this.lineage = lineage;
      this.postgres = postgres;
    }

    Comparison traces(SplittableRandom random, int warmups, int repeats) throws Exception {
      long[] tl = new long[repeats];
      long[] pg = new long[repeats];
      for (int r = -warmups; r < repeats; r++) {
        long index = random.nextLong(graph.size(FraudGraph.DECISIONS));
        String table = FraudGraph.TABLES.get(FraudGraph.DECISIONS).toString();
        String id = FraudGraph.id(FraudGraph.DECISIONS, index);
        TraceResult trace = null;
        Set<String> pgEdges = null;
        long tlNanos = 0;
        long pgNanos = 0;
        for (int side = 0; side < 2; side++) {
          boolean tracelakeNow = (side == 0) == (Math.floorMod(r, 2) == 0);
          long start = System.nanoTime();
          if (tracelakeNow) {
            trace = lineage.traceUpstream(RecordKey.of(table, id));
            tlNanos = System.nanoTime() - start;
          } else {
            pgEdges = postgres.trace(table, id);
            pgNanos = System.nanoTime() - start;
          }
        }
        Set<String> expected = Edges.expected(graph, snapshots, FraudGraph.DECISIONS, index);
        Set<String> tlEdges = Edges.of(trace);
        if (!tlEdges.equals(expected) || !pgEdges.equals(expected) || !trace.problems().isEmpty()) {
          throw new IllegalStateException(
              String.format(
                  "Trace of %s/%s: Tracelake %d edges (problems %s), PostgreSQL %d, expected %d",
                  table, id, tlEdges.size(), trace.problems(), pgEdges.size(), expected.size()));
        }
        if (r >= 0) {
          tl[r] = tlNanos;
          pg[r] = pgNanos;
        }
      }
      return new Comparison("trace", Latencies.ofNanos(tl), Latencies.ofNanos(pg));
    }

    Comparison explains(String name, SplittableRandom random, int warmups, int repeats)
        throws Exception {
      long[] tl = new long[repeats];
      long[] pg = new long[repeats];
      for (int r = -warmups; r < repeats; r++) {
        long index = random.nextLong(graph.size(FraudGraph.DECISIONS));
        String table = FraudGraph.TABLES.get(FraudGraph.DECISIONS).toString();
        String id = FraudGraph.id(FraudGraph.DECISIONS, index);
        Explanation explanation = null;
        int pgRows = 0;
        long tlNanos = 0;
        long pgNanos = 0;
        for (int side = 0; side < 2; side++) {
          boolean tracelakeNow = (side == 0) == (Math.floorMod(r, 2) == 0);
          long start = System.nanoTime();
          if (tracelakeNow) {
            explanation = lineage.explain(RecordKey.of(table, id));
            tlNanos = System.nanoTime() - start;
          } else {
            pgRows = postgres.explain(table, id);
            pgNanos = System.nanoTime() - start;
          }
        }
        int expected = Edges.expected(graph, snapshots, FraudGraph.DECISIONS, index).size() + 1;
        int tlNodes = count(explanation.root());
        if (tlNodes != expected || pgRows != expected || !explanation.problems().isEmpty()) {
          throw new IllegalStateException(
              String.format(
                  "Explain of %s/%s: Tracelake %d nodes (problems %s), PostgreSQL %d rows,"
                      + " expected %d",
                  table, id, tlNodes, explanation.problems(), pgRows, expected));
        }
        if (r >= 0) {
          tl[r] = tlNanos;
          pg[r] = pgNanos;
        }
      }
      return new Comparison(name, Latencies.ofNanos(tl), Latencies.ofNanos(pg));
    }

    Comparison impacts(int repeats) throws Exception {
      long[] tl = new long[repeats];
      long[] pg = new long[repeats];
      String predictions = FraudGraph.TABLES.get(FraudGraph.PREDICTIONS).toString();
      String decisions = FraudGraph.TABLES.get(FraudGraph.DECISIONS).toString();
      Map<String, Long> expected = new HashMap<>();
      expected.put("seed " + predictions, graph.size(FraudGraph.PREDICTIONS));
      expected.put("derived " + decisions, graph.size(FraudGraph.DECISIONS));
      for (int r = -1; r < repeats; r++) {
        ImpactResult result = null;
        Map<String, Long> pgCounts = null;
        long tlNanos = 0;
        long pgNanos = 0;
        for (int side = 0; side < 2; side++) {
          boolean tracelakeNow = (side == 0) == (Math.floorMod(r, 2) == 0);
          long start = System.nanoTime();
          if (tracelakeNow) {
            result =
                lineage.impact(ImpactQuery.ofModel(FraudGraph.MODEL, FraudGraph.MODEL_VERSION));
            tlNanos = System.nanoTime() - start;
          } else {
            pgCounts = postgres.impact(FraudGraph.MODEL, FraudGraph.MODEL_VERSION);
            pgNanos = System.nanoTime() - start;
          }
        }
        Map<String, Long> tlCounts = new HashMap<>();
        for (TableRecords t : result.seeds()) {
          tlCounts.put("seed " + t.table(), t.count());
        }
        for (TableRecords t : result.derived()) {
          tlCounts.put("derived " + t.table(), t.count());
        }
        if (!tlCounts.equals(expected) || !pgCounts.equals(expected)) {
          throw new IllegalStateException(
              String.format(
                  "Impact of %s %s: Tracelake %s, PostgreSQL %s, expected %s",
                  FraudGraph.MODEL, FraudGraph.MODEL_VERSION, tlCounts, pgCounts, expected));
        }
        impactSeeds = result.seedCount();
        impactDerived = result.derivedCount();
        if (r >= 0) {
          tl[r] = tlNanos;
          pg[r] = pgNanos;
        }
      }
      return new Comparison("impact", Latencies.ofNanos(tl), Latencies.ofNanos(pg));
    }

    /** Checks that the index holds the late records and traces the last one fully. */
    void checkLate(long lastIndex, IndexStatus after, IndexStatus before, int late) {
      String table = FraudGraph.TABLES.get(FraudGraph.PREDICTIONS).toString();
      TraceResult trace =
          lineage.traceUpstream(
              RecordKey.of(table, FraudGraph.id(FraudGraph.PREDICTIONS, lastIndex)));
      long expectedEdges = 2L * FraudGraph.PREDICTION_INPUTS;
      if (after.records() != before.records() + late
          || trace.edges().size() != expectedEdges
          || !trace.problems().isEmpty()) {
        throw new IllegalStateException(
            String.format(
                "After the late commit the index has %d records (expected %d) and the last late"
                    + " prediction traces to %d edges (expected %d), problems %s",
                after.records(),
                before.records() + late,
                trace.edges().size(),
                expectedEdges,
                trace.problems()));
      }
    }

    private static int count(ExplainNode node) {
      int n = 1;
      for (ExplainNode input : node.inputs()) {
        n += count(input);
      }
      return n;
    }
  }

  /** Formats the results with the ratio lines. */
  static String format(Report report) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "graph: %,d edges; index %,d records, %,d edges, ~%,d MB heap, built by catchUp() in"
                + " %.1f s",
            report.edges(),
            report.index().records(),
            report.index().edges(),
            report.index().heapBytes() >> 20,
            report.indexSeconds()));
    lines.add(
        String.format(
            Locale.ROOT,
            "%-8s %-10s %6s %10s %10s %10s %10s",
            "question",
            "system",
            "runs",
            "p50 ms",
            "p99 ms",
            "min ms",
            "max ms"));
    for (Comparison c : report.comparisons()) {
      for (int s = 0; s < 2; s++) {
        Latencies l = s == 0 ? c.tracelake() : c.postgres();
        lines.add(
            String.format(
                Locale.ROOT,
                "%-8s %-10s %6d %10.3f %10.3f %10.3f %10.3f",
                c.name(),
                s == 0 ? "tracelake" : "postgres",
                l.count(),
                l.p50(),
                l.p99(),
                l.min(),
                l.max()));
      }
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "impact of one model version: %,d seed predictions, %,d derived records",
            report.impactSeeds(),
            report.impactDerived()));
    lines.add(
        String.format(
            Locale.ROOT,
            "catch-up after a %,d-record commit: %.3f s",
            report.lateRecords(),
            report.catchUpSeconds()));
    for (Comparison c : report.comparisons()) {
      lines.add(
          String.format(
              Locale.ROOT,
              "RATIO postgres/tracelake %s p50 = %.2f (tracelake p50 %.3f ms, p99 %.3f ms)",
              c.name(),
              c.ratio(),
              c.tracelake().p50(),
              c.tracelake().p99()));
    }
    return String.join(System.lineSeparator(), lines);
  }

  /** The lake's config; a positive row group size is set on every table created. */
  static LakeConfig lakeConfig(Path warehouse, long rowGroupBytes, int pageRows) {
    LakeConfig.Builder builder = LakeConfig.builder().warehouse(warehouse.toString());
    if (pageRows > 0) {
      builder.catalogProperty(
          "table-override.write.parquet.page-row-limit", Integer.toString(pageRows));
    }
    if (rowGroupBytes > 0) {
      builder.catalogProperty(
          "table-override.write.parquet.row-group-size-bytes", Long.toString(rowGroupBytes));
    }
    return builder.build();
  }
}
