package dev.tracelake.benchmarks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.SnapshotInfo;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlBenchmarkTest {
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @TempDir Path dir;

  private SqlBenchmarkOptions tiny(String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--warehouse",
                dir.resolve("lake").toString(),
                "--rows",
                "6000",
                "--appends",
                "4",
                "--batch-size",
                "1000",
                "--repeats",
                "1",
                "--warmups",
                "0",
                "--history-snapshots",
                "12",
                "--history-commit-seconds",
                "0",
                "--planning-repeats",
                "2",
                "--history-query-repeats",
                "1"));
    args.addAll(List.of(more));
    return SqlBenchmarkOptions.parse(args.toArray(String[]::new));
  }

  @Test
  void tracelakeAndDuckDbDirectAgreeAtBothVersions() throws Exception {
    SqlBenchmark.Report report = SqlBenchmark.run(tiny("--skip-planning"), QUIET);

    AggregateBenchmark.Report aggregate = report.aggregate();
    assertThat(aggregate.versions())
        .extracting(AggregateBenchmark.Version::rows)
        .containsExactly(3000L, 6000L);
    // the run itself fails when a target's answer differs from DuckDB direct's; the answers
    // must also add up to the rows of each version
    assertThat(aggregate.answers())
        .extracting(CountryAggregate::totalRows)
        .containsExactly(3000L, 6000L);
    assertThat(aggregate.answers().get(1).groups()).hasSizeGreaterThan(10);
    // one sample per target and version; their times are the benchmark's business, not a test's
    assertThat(aggregate.samples()).hasSize(2 * AggregateBenchmark.TARGETS.size());
    assertThat(AggregateBenchmark.format(aggregate))
        .contains("RATIO tracelake/duckdb-direct [old snapshot")
        .contains("RATIO tracelake/duckdb-direct [current snapshot");
  }

  @Test
  void rerunReusesTheEventsTable() throws Exception {
    SqlBenchmark.run(tiny("--skip-planning"), QUIET);
    SqlBenchmark.Report again = SqlBenchmark.run(tiny("--skip-planning"), QUIET);

    try (Lake lake = Lake.open(LakeConfig.embedded(again.warehouse()))) {
      assertThat(lake.table(EventsTable.NAME).snapshots()).hasSize(4);
    }
  }

  @Test
  void reuseRefusesATableOfAnotherSize() throws Exception {
    SqlBenchmark.run(tiny("--skip-planning"), QUIET);

    assertThatThrownBy(() -> SqlBenchmark.run(tiny("--skip-planning", "--rows", "7000"), QUIET))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exists with 4 snapshots and 6000 rows");
  }

  @Test
  void historyHasOneFilePerSnapshotAndQueriesCountItsRows() throws Exception {
    SqlBenchmark.Report report =
        SqlBenchmark.run(tiny("--skip-aggregate", "--history-commit-seconds", "1"), QUIET);

    PlanningBenchmark.Report planning = report.planning();
    assertThat(planning.build().snapshots()).isEqualTo(12);
    try (Lake lake = Lake.open(LakeConfig.embedded(report.warehouse()))) {
      List<SnapshotInfo> snapshots = lake.table(HistoryTable.NAME).snapshots();
      assertThat(snapshots).hasSize(12);
      assertThat(snapshots.get(11).totalRows()).isEqualTo(12L * HistoryTable.ROWS_PER_APPEND);
      assertThat(lake.table(HistoryTable.NAME).scan().plan().files()).hasSize(12);
    }
    // each case checked its answer (file count or row count) against the snapshot while timing;
    // the last plans a different, never-planned snapshot each run (half the history's files shown)
    assertThat(planning.plans())
        .extracting(PlanningBenchmark.Case::files)
        .containsExactly(0, 12, 6, 6);
    assertThat(planning.plans().get(3).name()).startsWith("plan a snapshot not planned before");
    assertThat(planning.queries())
        .extracting(PlanningBenchmark.Case::name)
        .containsExactly(
            "tracelake head",
            "duckdb-direct head",
            "tracelake old snapshot",
            "duckdb-direct old snapshot");
    assertThat(PlanningBenchmark.format(planning)).contains("PLANNING plan head");
  }

  @Test
  void optionsNameTheBadValue() {
    assertThatThrownBy(() -> SqlBenchmarkOptions.parse("--appends", "3", "--old-snapshot", "4"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 1 and 3, got 4");
    assertThatThrownBy(() -> SqlBenchmarkOptions.parse("--frobnicate", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unknown option --frobnicate");
  }
}
