package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracelake explain --bundle} and {@code tracelake verify}: an auditor exports the evidence
 * about a prediction, then proves later that it still matches the lake, or sees what changed.
 */
class EvidenceCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private CliHarness cli;
  private String predictionId;
  private String featureId;
  private Path bundle;

  @BeforeEach
  void writeDemoData() {
    cli = new CliHarness(dir.resolve("warehouse"));
    cli.json("demo", "--rows", "3");
    JsonNode first =
        cli.json(
                "sql",
                "-e",
                "SELECT _record_id, _lineage[1].record_id AS input FROM demo.predictions"
                    + " WHERE entity_id = 0")
            .get(0);
    predictionId = first.get("_record_id").asText();
    featureId = first.get("input").asText();
    bundle = dir.resolve("evidence.json");
  }

  private JsonNode export() throws Exception {
    Path html = dir.resolve("evidence.html");
    CliHarness.Result result =
        cli.run(
            "explain",
            "demo.predictions",
            predictionId,
            "--embedded",
            "--bundle",
            bundle.toString(),
            "--bundle-html",
            html.toString());
    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
    assertThat(result.err()).contains("evidence: ").contains("written to " + bundle);
    assertThat(Files.readString(html)).contains(predictionId).contains(featureId);
    return JSON.readTree(bundle.toFile());
  }

  @Test
  void anExportedBundleNamesTheRecordItsInputsFilesAndWhoExportedIt() throws Exception {
    JsonNode doc = export();

    assertThat(doc.get("format").asText()).isEqualTo("tracelake-evidence");
    JsonNode evidence = doc.get("evidence");
    assertThat(evidence.at("/subject/recordId").asText()).isEqualTo(predictionId);
    assertThat(evidence.get("exportedBy").asText())
        .isEqualTo("local:" + System.getProperty("user.name"));
    assertThat(evidence.get("rows").findValuesAsText("recordId")).contains(predictionId, featureId);
    assertThat(evidence.get("files")).isNotEmpty();
    for (JsonNode file : evidence.get("files")) {
      assertThat(file.get("sha256").asText()).matches("[0-9a-f]{64}");
    }
  }

  @Test
  void verifyFindsThatUntouchedEvidenceStillMatches() throws Exception {
    export();

    CliHarness.Result result = cli.run("verify", bundle.toString());

    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
    assertThat(result.out())
        .contains("Evidence about demo.predictions/" + predictionId)
        .contains("MATCHES: the evidence still matches the lake's history");
    JsonNode json = cli.json("verify", bundle.toString());
    assertThat(json.get("matches").asBoolean()).isTrue();
    assertThat(json.get("rowsChecked").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(json.get("filesChecked").asInt()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void verifyReportsAnEditedBundle() throws Exception {
    ObjectNode doc = (ObjectNode) export();
    ObjectNode row = (ObjectNode) doc.at("/evidence/rows/0");
    row.put("recordId", "forged-" + row.get("recordId").asText());
    JSON.writeValue(bundle.toFile(), doc);

    CliHarness.Result result = cli.run("verify", bundle.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).contains("DIFFERS BUNDLE_EDITED").contains("DOES NOT MATCH");
  }

  @Test
  void verifyReportsADataFileChangedUnderneath() throws Exception {
    JsonNode doc = export();
    JsonNode file = doc.at("/evidence/files/0");
    Path data = Path.of(URI.create(file.get("location").asText()).getPath());
    byte[] bytes = Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(data, bytes);

    CliHarness.Result result = cli.run("verify", bundle.toString(), "--format", "json");

    assertThat(result.exitCode())
        .as("stdout: %s%nstderr: %s", result.out(), result.err())
        .isEqualTo(1);
    JsonNode report = result.json();
    assertThat(report.has("matches"))
        .as("stdout: %s%nstderr: %s", result.out(), result.err())
        .isTrue();
    assertThat(report.get("matches").asBoolean()).isFalse();
    assertThat(report.get("differences").findValuesAsText("kind")).contains("FILE_CHANGED");
    assertThat(report.get("differences").findValuesAsText("subject"))
        .contains(file.get("location").asText());
  }

  @Test
  void verifyRefusesWhatIsNotABundleAndSaysWhich() throws Exception {
    CliHarness.Result missing = cli.run("verify", dir.resolve("nope.json").toString());
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.err()).contains("nope.json").contains("does not exist");

    Path garbage = dir.resolve("garbage.json");
    Files.write(garbage, new byte[] {(byte) 0xff, (byte) 0xfe, '{', '"', 0, 1});
    CliHarness.Result notJson = cli.run("verify", garbage.toString());
    assertThat(notJson.exitCode()).isNotZero();
    assertThat(notJson.err()).contains("garbage.json").contains("not valid JSON");

    Path other = dir.resolve("other.json");
    Files.writeString(other, "{\"format\": \"something-else\"}", StandardCharsets.UTF_8);
    CliHarness.Result wrongFormat = cli.run("verify", other.toString());
    assertThat(wrongFormat.exitCode()).isNotZero();
    assertThat(wrongFormat.err()).contains("Not an evidence bundle");

    Path deep = dir.resolve("deep.json");
    Files.writeString(deep, "[".repeat(100_000) + "]".repeat(100_000), StandardCharsets.UTF_8);
    CliHarness.Result nested = cli.run("verify", deep.toString());
    assertThat(nested.exitCode()).isNotZero();
    assertThat(nested.err()).contains("deep.json");
  }

  @Test
  void bundleOptionsAreCheckedBeforeAnythingIsRead() {
    CliHarness.Result htmlAlone =
        cli.run(
            "explain",
            "demo.predictions",
            predictionId,
            "--bundle-html",
            dir.resolve("x.html").toString());
    assertThat(htmlAlone.exitCode()).isNotZero();
    assertThat(htmlAlone.err()).contains("--bundle-html needs --bundle");

    CliHarness.Result unknown =
        cli.run(
            "explain",
            "demo.predictions",
            "no-such-record",
            "--embedded",
            "--bundle",
            bundle.toString());
    assertThat(unknown.exitCode()).isNotZero();
    assertThat(unknown.err()).contains("no-such-record");
    assertThat(bundle).doesNotExist();
  }
}
