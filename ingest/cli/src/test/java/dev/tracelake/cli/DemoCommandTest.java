package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void demoWritesLinkedTablesAndAppendsWhenRunAgain() {
    CliHarness cli = new CliHarness(dir.resolve("warehouse"));

    JsonNode first = cli.json("demo", "--rows", "5");
    JsonNode second = cli.json("demo", "--rows", "5");

    assertThat(first.get("appends").findValuesAsText("table"))
        .containsExactly("demo.features", "demo.predictions");
    assertThat(second.get("appends").get(0).get("rows").asLong()).isEqualTo(5);
    assertThat(second.get("appends").get(0).get("totalRows").asLong()).isEqualTo(10);
    assertThat(second.get("appends").get(1).get("totalRows").asLong()).isEqualTo(10);
    assertThat(first.get("tag").get("name").asText()).isEqualTo("demo-1");
    assertThat(second.get("tag").get("name").asText()).isEqualTo("demo-2");
    assertThat(second.get("next").get(0).asText())
        .isEqualTo("tracelake tables --warehouse " + cli.warehouse());
    assertThat(cli.snapshotCount("demo.features")).isEqualTo(2);
    assertThat(cli.snapshotCount("demo.predictions")).isEqualTo(2);
    JsonNode predictionSnapshot = cli.json("snapshots", "demo.predictions").get(1);
    assertThat(predictionSnapshot.get("modelName").asText()).isEqualTo("fraud");
    assertThat(predictionSnapshot.get("producer").asText()).isEqualTo("tracelake-demo");

    long featuresSnapshot = second.get("appends").get(0).get("snapshotId").asLong();
    long predictionsSnapshot = second.get("appends").get(1).get("snapshotId").asLong();
    Set<String> featureIds =
        LakeRows.read(
                cli.warehouse(),
                "demo.features",
                scan -> scan.atSnapshot(featuresSnapshot).select("_record_id"))
            .stream()
            .map(row -> (String) row.get("_record_id"))
            .collect(Collectors.toSet());
    List<Map<String, Object>> predictions =
        LakeRows.read(
            cli.warehouse(),
            "demo.predictions",
            scan ->
                scan.atSnapshot(predictionsSnapshot)
                    .select("entity_id", "_lineage")
                    .filter(dev.tracelake.lake.Filter.ge("entity_id", 5L)));
    assertThat(predictions).hasSize(5);
    for (Map<String, Object> prediction : predictions) {
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> lineage = (List<Map<String, Object>>) prediction.get("_lineage");
      assertThat(lineage).hasSize(1);
      assertThat(lineage.get(0))
          .containsEntry("table", "demo.features")
          .containsEntry("snapshot_id", featuresSnapshot);
      assertThat(featureIds).contains((String) lineage.get(0).get("record_id"));
    }
  }

  @Test
  void demoPrintsWhatItDidAndWhatToTryNext() {
    CliHarness cli = new CliHarness(dir.resolve("warehouse"));

    String out = cli.ok("demo", "--rows", "3");

    assertThat(out)
        .startsWith("Demo data written to the warehouse at " + cli.warehouse() + ":")
        .containsPattern("(?m)^demo\\.features     3           \\d+ +3$")
        .contains("Tagged snapshot ")
        .contains("Next, try:\n  tracelake tables --warehouse " + cli.warehouse() + "\n")
        .contains("  tracelake publish demo.features audit --warehouse " + cli.warehouse());
  }
}
