package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.TableName;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Runs: registered, finished, implicit from snapshot summaries, kept in a versioned table. */
class RunsTest extends LineageTestBase {
  private static final Instant START = Instant.parse("2026-05-01T10:00:00Z");
  private static final Instant END = Instant.parse("2026-05-01T10:30:00Z");

  private RunInfo scoringRun() {
    return RunInfo.builder("scoring-run-3")
        .job("ml", "fraud-scoring")
        .code("https://git.example.com/fraud.git", "abc123")
        .model("fraud", "v3")
        .parameter("threshold", "0.7")
        .startedAt(START)
        .build();
  }

  @Test
  void registeredRunIsKeptInTheRunsTableAndFinished() {
    RunInfo registered = lineage.registerRun(scoringRun());

    assertThat(registered.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(registered.source()).isEqualTo(RunSource.REGISTERED);
    assertThat(registered.parameters()).containsEntry("threshold", "0.7");
    assertThat(lake.exists(TableName.parse("tracelake.runs"))).isTrue();
    assertThat(lake.table(TableName.parse("tracelake.runs")).snapshots()).hasSize(1);

    RunInfo finished = lineage.finishRun("scoring-run-3", RunStatus.COMPLETED, END);
    assertThat(finished.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(finished.endedAt()).isEqualTo(END);
    assertThat(finished.startedAt()).isEqualTo(START);
    assertThat(finished.codeCommit()).isEqualTo("abc123");
    assertThat(lineage.runs()).containsExactly(finished);

    // the runs table is the truth: another Lineage over the same lake sees the same run
    try (Lineage other = Lineage.open(lake, LineageOptions.defaults().withManualRefresh())) {
      other.catchUp();
      assertThat(other.run("scoring-run-3")).contains(finished);
    }
    lineage.reindex();
    assertThat(lineage.run("scoring-run-3")).contains(finished);
  }

  @Test
  void runDatasetsComeFromItsRecordsAndSnapshots() {
    lineage.registerRun(scoringRun());
    Committed f = append(features(), FEATURE_JOB, feature("u1", 1.0));
    Committed p =
        append(predictions(), FRAUD_V3, prediction(0.3, ref(f.key("features", 0), f.snapshotId())));
    lineage.catchUp();

    RunInfo run = lineage.run("scoring-run-3").orElseThrow();
    assertThat(run.inputs())
        .containsExactly(
            new DatasetVersion("tracelake", "default.features", Long.toString(f.snapshotId())));
    assertThat(run.outputs())
        .containsExactly(
            new DatasetVersion("tracelake", "default.predictions", Long.toString(p.snapshotId())));
  }

  @Test
  void runSeenOnlyInSnapshotSummariesIsARun() {
    Committed f = append(features(), FEATURE_JOB, feature("u1", 1.0));
    lineage.catchUp();

    RunInfo implicit = lineage.run("feature-run-1").orElseThrow();
    assertThat(implicit.source()).isEqualTo(RunSource.INGEST);
    assertThat(implicit.status()).isEqualTo(RunStatus.UNKNOWN);
    assertThat(implicit.codeCommit()).isEqualTo("f00d123");
    assertThat(implicit.jobName()).isEqualTo("feature-job");
    assertThat(implicit.startedAt())
        .isEqualTo(lake.table(TableName.parse("features")).snapshot(f.snapshotId()).committedAt());
    assertThat(implicit.outputs())
        .containsExactly(
            new DatasetVersion("tracelake", "default.features", Long.toString(f.snapshotId())));

    RunInfo finished = lineage.finishRun("feature-run-1", RunStatus.FAILED, null);
    assertThat(finished.status()).isEqualTo(RunStatus.FAILED);
    assertThat(finished.source()).isEqualTo(RunSource.REGISTERED);
    assertThat(finished.codeCommit()).isEqualTo("f00d123");
  }

  @Test
  void badRunChangesThrowWithTheValue() {
    assertThatThrownBy(() -> lineage.finishRun("nope", RunStatus.COMPLETED, END))
        .isInstanceOf(LineageException.class)
        .hasMessage(
            "Run nope is not known: it was never registered and no snapshot summary names it")
        .extracting(e -> ((LineageException) e).kind())
        .isEqualTo(LineageException.Kind.NOT_FOUND);
    assertThatThrownBy(() -> lineage.finishRun("nope", RunStatus.RUNNING, END))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("A run ends COMPLETED, FAILED or ABORTED; cannot finish run nope as RUNNING");
    assertThatThrownBy(
            () ->
                lineage.registerRun(
                    scoringRun().toBuilder().endedAt(START.minusSeconds(1)).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Run scoring-run-3 ends at 2026-05-01T09:59:59Z, before it starts at"
                + " 2026-05-01T10:00:00Z");
    lineage.registerRun(scoringRun());
    assertThatThrownBy(
            () -> lineage.finishRun("scoring-run-3", RunStatus.ABORTED, START.minusSeconds(60)))
        .isInstanceOf(LineageException.class)
        .hasMessage(
            "Run scoring-run-3 started at 2026-05-01T10:00:00Z; it cannot end at"
                + " 2026-05-01T09:59:00Z, before it started")
        .extracting(e -> ((LineageException) e).kind())
        .isEqualTo(LineageException.Kind.FAILED_PRECONDITION);
    assertThatThrownBy(() -> RunInfo.builder(" ").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Run id must not be blank");
  }
}
