package dev.tracelake.benchmarks.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lineage.ImpactQuery;
import dev.tracelake.lineage.ImpactResult;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.lineage.RecordKey;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineageBenchmarkTest {
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @TempDir Path dir;

  @Test
  void indexAnswersEqualTheGeneratedGraph() {
    FraudGraph graph = new FraudGraph(400, 150);
    try (RootAllocator allocator = new RootAllocator();
        Lake lake = Lake.open(LakeConfig.embedded(dir));
        Lineage lineage = Lineage.open(lake, LineageOptions.defaults().withManualRefresh())) {
      GraphLoader loader = new GraphLoader(lake, graph, allocator);
      loader.writeAll(QUIET);

      assertThat(lineage.catchUp().edges()).isEqualTo(graph.edges()).isEqualTo(4_000);
      String decisions = FraudGraph.TABLES.get(FraudGraph.DECISIONS).toString();
      for (long d = 0; d < graph.size(FraudGraph.DECISIONS); d += 37) {
        var trace =
            lineage.traceUpstream(RecordKey.of(decisions, FraudGraph.id(FraudGraph.DECISIONS, d)));
        assertThat(Edges.of(trace))
            .hasSize(21)
            .isEqualTo(Edges.expected(graph, loader, FraudGraph.DECISIONS, d));
      }
      ImpactResult impact =
          lineage.impact(ImpactQuery.ofModel(FraudGraph.MODEL, FraudGraph.MODEL_VERSION));
      assertThat(impact.seedCount()).isEqualTo(graph.size(FraudGraph.PREDICTIONS));
      assertThat(impact.derivedCount()).isEqualTo(graph.size(FraudGraph.DECISIONS));
    }
  }

  /** Needs PostgreSQL (benchmarks/scripts/start-postgres.sh); skipped when none answers. */
  @Test
  void tracelakeAndPostgresAgreeOnEveryQuestion() throws Exception {
    LineageBenchmarkOptions options =
        LineageBenchmarkOptions.parse(
            "--warehouse",
            dir.resolve("lake").toString(),
            "--features",
            "1000",
            "--append-rows",
            "300",
            "--traces",
            "20",
            "--explains",
            "3",
            "--impacts",
            "1",
            "--late-records",
            "200",
            // its own schema: a benchmark run may be using the default one in the same database
            "--pg-schema",
            "lineage_bench_test_" + ProcessHandle.current().pid());
    assumeTrue(
        postgresAnswers(options), "no PostgreSQL at " + options.pgUrl() + ", comparison skipped");

    // every question checks Tracelake, PostgreSQL and the generator against each other
    LineageBenchmark.Report report;
    try {
      report = LineageBenchmark.run(options, QUIET);
    } finally {
      try (PostgresLineage pg =
          PostgresLineage.connect(
              options.pgUrl(), options.pgUser(), options.pgPassword(), options.pgSchema())) {
        pg.dropSchema(options.pgSchema());
      }
    }

    assertThat(report.edges()).isEqualTo(10_000);
    assertThat(report.comparisons())
        .extracting(LineageBenchmark.Comparison::name)
        .containsExactly("trace", "explain", "impact");
    assertThat(report.impactSeeds()).isEqualTo(850);
    assertThat(report.impactDerived()).isEqualTo(500);
    assertThat(LineageBenchmark.format(report)).contains("RATIO postgres/tracelake trace p50 = ");
  }

  @Test
  void optionsNameTheBadValue() {
    assertThatThrownBy(() -> LineageBenchmarkOptions.parse("--features", "10"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("features=10");
    assertThatThrownBy(() -> LineageBenchmarkOptions.parse("--edges", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unknown option --edges");
  }

  private static boolean postgresAnswers(LineageBenchmarkOptions options) {
    try (var c =
        DriverManager.getConnection(options.pgUrl(), options.pgUser(), options.pgPassword())) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }
}
