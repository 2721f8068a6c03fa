package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RunVisibilityTest {
  private static final String LAKE = LineageOptions.DEFAULT_DATASET_NAMESPACE;
  private static final RunVisibility FRAUD_ONLY =
      new RunVisibility(LAKE, Set.of("fraud.features", "fraud.predictions")::contains);

  private static DatasetVersion table(String name, long snapshot) {
    return new DatasetVersion(LAKE, name, Long.toString(snapshot));
  }

  @Test
  void datasetsOfHiddenTablesAreLeftOutAndTheRestKeptInOrder() {
    DatasetVersion s3 = new DatasetVersion("s3://bucket", "raw/salaries.csv", null);
    // a dataset in another namespace that happens to carry a hidden table's name is not a table
    DatasetVersion elsewhere = new DatasetVersion("postgres://db:5432", "secret.salaries", "7");
    RunInfo run =
        RunInfo.builder("scoring-1")
            .job("ml", "scoring")
            .model("fraud", "v3")
            .input(table("secret.salaries", 11))
            .input(s3)
            .input(table("fraud.features", 12))
            .input(elsewhere)
            .output(table("fraud.predictions", 13))
            .output(table("secret.bonuses", 14))
            .build();

    RunInfo seen = FRAUD_ONLY.view(run).orElseThrow();

    assertThat(seen.inputs()).containsExactly(s3, table("fraud.features", 12), elsewhere);
    assertThat(seen.outputs()).containsExactly(table("fraud.predictions", 13));
    assertThat(seen.toString()).doesNotContain("secret.bonuses", "@11", "@14");
    // everything that is not a dataset stays
    assertThat(seen).usingRecursiveComparison().ignoringFields("inputs", "outputs").isEqualTo(run);
  }

  @Test
  void aRunOfOnlyHiddenTablesIsNotShownAndARunOfNoTableIs() {
    RunInfo hidden =
        RunInfo.builder("payroll-1")
            .input(new DatasetVersion("s3://bucket", "raw", null))
            .output(table("secret.salaries", 3))
            .build();
    RunInfo noTable =
        RunInfo.builder("airflow-1").input(new DatasetVersion("s3://bucket", "raw", null)).build();
    RunInfo bare = RunInfo.builder("started-1").build();

    assertThat(FRAUD_ONLY.view(hidden)).isEmpty();
    assertThat(FRAUD_ONLY.view(noTable)).contains(noTable);
    assertThat(FRAUD_ONLY.view(bare)).contains(bare);
  }

  @Test
  void aCallerWhoSeesEveryTableSeesTheRunUnchanged() {
    RunInfo run =
        RunInfo.builder("r")
            .input(table("secret.salaries", 1))
            .output(table("fraud.predictions", 2))
            .build();
    assertThat(new RunVisibility(LAKE, t -> true).view(run)).containsSame(run);
    // the dataset namespace is the lineage's, not a fixed "tracelake"
    assertThat(new RunVisibility("prod-lake", FRAUD_ONLY.seen()).view(run)).containsSame(run);
  }
}
