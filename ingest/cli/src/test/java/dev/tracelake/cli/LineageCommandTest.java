package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineageCommandTest {
  @TempDir Path dir;

  private CliHarness cli;

  @BeforeEach
  void writeDemoData() {
    cli = new CliHarness(dir.resolve("warehouse"));
    cli.json("demo", "--rows", "4");
  }

  @Test
  void impactOfAModelCountsWhatItProducedAndWhatWasDerived() {
    String feature =
        cli.json("sql", "-e", "SELECT _record_id FROM demo.features WHERE entity_id = 2")
            .get(0)
            .get("_record_id")
            .asText();
    LineageFixtures.appendDecision(cli.warehouse(), "d-1", "demo.predictions", prediction(2));

    JsonNode model = cli.json("lineage", "impact", "--model", "fraud:v1");
    JsonNode anyVersion = cli.json("lineage", "impact", "--model", "fraud", "--ids", "1");
    JsonNode record = cli.json("lineage", "impact", "--record", "demo.features:" + feature);

    assertThat(model.get("query").asText()).isEqualTo("model fraud v1");
    assertThat(model.get("producedCount").asLong()).isEqualTo(4);
    assertThat(model.at("/produced/0/table").asText()).isEqualTo("demo.predictions");
    assertThat(model.at("/produced/0/recordIds")).hasSize(4);
    assertThat(model.at("/derived/0/table").asText()).isEqualTo("audit.decisions");
    assertThat(model.at("/derived/0/recordIds/0").asText()).isEqualTo("d-1");
    assertThat(anyVersion.at("/produced/0/count").asLong()).isEqualTo(4);
    assertThat(anyVersion.at("/produced/0/recordIds")).hasSize(1);
    assertThat(record.get("derivedCount").asLong()).isEqualTo(2);
  }

  @Test
  void impactTextListsCountsThenCappedIds() {
    String out = cli.ok("lineage", "impact", "--model", "fraud:v1", "--ids", "2");

    assertThat(out)
        .startsWith("Impact of model fraud v1: 4 record(s) to start from, 0 derived from them.")
        .contains("demo.predictions  produced  4")
        .contains("... and 2 more (raise --ids to list them)");
  }

  @Test
  void impactOfAnUnknownRecordFailsNamingIt() {
    CliHarness.Result result = cli.run("lineage", "impact", "--record", "demo.features:nope");

    assertThat(result.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(result.err())
        .contains("Record demo.features/nope was never ingested")
        .contains("no record with id nope");
  }

  @Test
  void impactNeedsExactlyOneStartingPoint() {
    CliHarness.Result none = cli.run("lineage", "impact");
    CliHarness.Result two = cli.run("lineage", "impact", "--run", "r", "--commit", "c");
    CliHarness.Result malformed = cli.run("lineage", "impact", "--record", "demo.features");

    assertThat(none.exitCode()).isEqualTo(TracelakeCli.EXIT_USAGE);
    assertThat(none.err()).contains("Missing required argument");
    assertThat(two.exitCode()).isEqualTo(TracelakeCli.EXIT_USAGE);
    assertThat(two.err()).contains("mutually exclusive");
    assertThat(malformed.exitCode()).isEqualTo(TracelakeCli.EXIT_USAGE);
    assertThat(malformed.err())
        .contains("--record must be <table>:<id>")
        .contains("got 'demo.features'");
  }

  @Test
  void reindexRebuildsAndPrintsTheIndexPerTable() {
    JsonNode status = cli.json("lineage", "reindex");
    String text = cli.ok("lineage", "reindex");

    assertThat(status.get("records").asLong()).isEqualTo(8);
    assertThat(status.get("edges").asLong()).isEqualTo(4);
    assertThat(status.get("tables").findValuesAsText("table"))
        .containsExactly("demo.features", "demo.predictions");
    JsonNode features = status.get("tables").get(0);
    assertThat(features.get("indexedSnapshotId").asLong()).isEqualTo(cli.mainHead("demo.features"));
    assertThat(features.get("records").asLong()).isEqualTo(4);
    assertThat(text)
        .contains("TABLE             INDEXED SNAPSHOT")
        .contains("demo.features     " + cli.mainHead("demo.features"))
        .contains("Lineage index rebuilt: 2 table(s), 8 record(s), 4 edge(s)");
  }

  private String prediction(long entityId) {
    return cli.json(
            "sql", "-e", "SELECT _record_id FROM demo.predictions WHERE entity_id = " + entityId)
        .get(0)
        .get("_record_id")
        .asText();
  }
}
