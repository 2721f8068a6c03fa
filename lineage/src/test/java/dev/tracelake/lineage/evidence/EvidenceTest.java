package dev.tracelake.lineage.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.ExplainOptions;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.LineageException;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.lineage.RecordKey;
import dev.tracelake.lineage.RunInfo;
import dev.tracelake.lineage.RunStatus;
import dev.tracelake.lineage.ValueAccess;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evidence bundles exported from a real lake, verified against it, and tampered with. */
class EvidenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema EVENTS =
      new Schema(List.of(new Field("note", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
  private static final Schema FEATURES =
      new Schema(
          List.of(
              new Field("entity", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
              new Field(
                  "amount",
                  FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                  null)));
  private static final Schema PREDICTIONS =
      new Schema(
          List.of(
              new Field(
                  "score",
                  FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                  null)));
  private static final Provenance SCORING =
      Provenance.builder()
          .codeCommit("abc123")
          .model("fraud", "v3")
          .runId("scoring-run-3")
          .producer("scoring-service")
          .build();
  private static final Provenance FEATURE_JOB =
      Provenance.builder().codeCommit("f00d").runId("feature-run-1").producer("job").build();
  private static final Instant EXPORTED = Instant.parse("2026-12-07T10:15:30Z");

  @TempDir Path warehouse;
  @TempDir Path other;
  RootAllocator allocator;
  Lake lake;
  Lineage lineage;
  String event;
  long eventSnapshot;
  String feature;
  long featureSnapshot;
  String prediction;

  @BeforeEach
  void fill() {
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    lineage = Lineage.open(lake, LineageOptions.defaults().withManualRefresh());
    lineage.startRun(
        RunInfo.builder("scoring-run-3")
            .job("fraud", "scoring")
            .code("https://git.example.com/fraud.git", "abc123")
            .model("fraud", "v3")
            .build());
    LakeTable events = lake.createTable(TableName.parse("raw.events"), EVENTS);
    List<String> ids =
        append(events, FEATURE_JOB, "{\"note\": \"<script>alert(1)</script>\\u202e\\u0007 שלום\"}");
    event = ids.get(0);
    eventSnapshot = events.snapshots().get(0).snapshotId();
    LakeTable features = lake.createTable(TableName.parse("fraud.features"), FEATURES);
    feature =
        append(
                features,
                FEATURE_JOB,
                "{\"entity\": \"u-1\", \"amount\": 12.5, \"_lineage\": [{\"table\": \"raw.events\","
                    + " \"record_id\": \""
                    + event
                    + "\", \"snapshot_id\": "
                    + eventSnapshot
                    + "}]}")
            .get(0);
    featureSnapshot = features.snapshots().get(0).snapshotId();
    LakeTable predictions = lake.createTable(TableName.parse("fraud.predictions"), PREDICTIONS);
    prediction =
        append(
                predictions,
                SCORING,
                "{\"_record_id\": \"pred-1\", \"score\": 0.91, \"_lineage\": [{\"table\":"
                    + " \"fraud.features\", \"record_id\": \""
                    + feature
                    + "\", \"snapshot_id\": "
                    + featureSnapshot
                    + "}]}")
            .get(0);
  }

  @AfterEach
  void close() {
    lineage.close();
    lake.close();
    allocator.close();
  }

  private List<String> append(LakeTable table, Provenance provenance, String... rows) {
    try (VectorSchemaRoot batch = table.batchChecker().fromJson(List.of(rows), allocator);
        PendingAppend append = table.newAppend(provenance)) {
      List<String> ids = append.write(batch);
      append.commit();
      return ids;
    }
  }

  private EvidenceBundle export(ExplainOptions options) {
    return EvidenceExporter.of(lake, lineage)
        .clock(Clock.fixed(EXPORTED, ZoneOffset.UTC))
        .export(RecordKey.of("fraud.predictions", prediction), options, "local");
  }

  private EvidenceBundle export() {
    return export(ExplainOptions.defaults().catchUpFirst());
  }

  private VerificationReport verify(EvidenceBundle bundle) {
    return EvidenceVerifier.of(lake, lineage).verify(bundle);
  }

  @Test
  void aBundleHoldsEveryInputRowItsFilesChecksumsSnapshotsAndRun() throws Exception {
    EvidenceBundle bundle = export();

    JsonNode e = JSON.readTree(bundle.toJson()).get("evidence");
    assertThat(e.get("exportedBy").asText()).isEqualTo("local");
    assertThat(e.get("exportedAt").asText()).isEqualTo("2026-12-07T10:15:30Z");
    assertThat(e.get("subject").get("table").asText()).isEqualTo("fraud.predictions");
    List<String> records = new ArrayList<>();
    e.get("records").forEach(r -> records.add(r.get("table").asText() + ":" + r.get("state")));
    assertThat(records)
        .containsExactly(
            "fraud.predictions:\"PRESENT\"",
            "fraud.features:\"PRESENT\"",
            "raw.events:\"PRESENT\"");
    assertThat(e.get("rows")).hasSize(3);
    JsonNode featureRow = rowOf(e, feature);
    assertThat(featureRow.get("snapshotId").asText()).isEqualTo(Long.toString(featureSnapshot));
    assertThat(featureRow.get("values").get("amount").asDouble()).isEqualTo(12.5);
    assertThat(featureRow.get("values").get("entity").asText()).isEqualTo("u-1");
    assertThat(rowOf(e, event).get("values").get("note").asText())
        .isEqualTo("<script>alert(1)</script>\u202e\u0007 שלום");
    // every file's checksum is the SHA-256 of its bytes, computed here independently
    for (JsonNode f : e.get("files")) {
      byte[] bytes = Files.readAllBytes(Path.of(URI.create(f.get("location").asText())));
      assertThat(f.get("sha256").asText())
          .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
      assertThat(f.get("sizeBytes").asLong()).isEqualTo(bytes.length);
    }
    assertThat(e.get("files")).hasSize(3);
    List<String> snapshots = new ArrayList<>();
    e.get("snapshots").forEach(s -> snapshots.add(s.get("table").asText()));
    assertThat(snapshots).containsExactly("fraud.predictions", "fraud.features", "raw.events");
    JsonNode run = e.get("runs").get(0);
    assertThat(run.get("runId").asText()).isEqualTo("scoring-run-3");
    assertThat(run.get("codeRepository").asText()).isEqualTo("https://git.example.com/fraud.git");
    assertThat(run.get("status").asText()).isEqualTo("RUNNING");
    assertThat(bundle.contentSha256()).hasSize(64).isEqualTo(bundle.computedSha256());
  }

  private static JsonNode rowOf(JsonNode evidence, String recordId) {
    for (JsonNode r : evidence.get("rows")) {
      if (r.get("recordId").asText().equals(recordId)) {
        return r;
      }
    }
    throw new AssertionError("no row of " + recordId);
  }

  @Test
  void anUntouchedBundleVerifiesAndARunThatEndedSinceIsANoteNotAMismatch() {
    EvidenceBundle bundle = export();
    lineage.finishRun("scoring-run-3", RunStatus.COMPLETED, null);

    VerificationReport report = verify(EvidenceBundle.parse(bundle.toJsonBytes()));

    assertThat(report.mismatches()).isEmpty();
    assertThat(report.matches()).isTrue();
    assertThat(report.rowsChecked()).isEqualTo(3);
    assertThat(report.filesChecked()).isEqualTo(3);
    assertThat(report.snapshotsChecked()).isEqualTo(3);
    assertThat(report.differences(Difference.Kind.RUN_PROGRESSED))
        .singleElement()
        .extracting(Difference::message)
        .isEqualTo("Run scoring-run-3 was RUNNING at export and is COMPLETED now");
  }

  @Test
  void aReindentedBundleStillVerifies() throws Exception {
    EvidenceBundle bundle = export();
    String compact = JSON.writeValueAsString(JSON.readTree(bundle.toJsonBytes()));

    VerificationReport report =
        verify(EvidenceBundle.parse(compact.getBytes(StandardCharsets.UTF_8)));

    assertThat(report.differences()).isEmpty();
  }

  @Test
  void aDataFileRewrittenWithAnotherValueIsReportedAsChangedFileAndDifferentRow() throws Exception {
    EvidenceBundle bundle = export();
    Path predictionFile = fileOf(bundle, "fraud.predictions");
    // the same record, written by the same code into another lake, with another score
    try (Lake forged = Lake.open(LakeConfig.embedded(other))) {
      LakeTable t = forged.createTable(TableName.parse("fraud.predictions"), PREDICTIONS);
      try (VectorSchemaRoot batch =
              t.batchChecker()
                  .fromJson(
                      List.of(
                          "{\"_record_id\": \"pred-1\", \"score\": 0.11, \"_lineage\":"
                              + " [{\"table\": \"fraud.features\", \"record_id\": \""
                              + feature
                              + "\", \"snapshot_id\": "
                              + featureSnapshot
                              + "}]}"),
                      allocator);
          PendingAppend append = t.newAppend(SCORING)) {
        append.write(batch);
        append.commit();
      }
      String forgedFile = t.scan().plan().files().get(0).location().replaceFirst("^file:", "");
      Files.copy(Path.of(forgedFile), predictionFile, StandardCopyOption.REPLACE_EXISTING);
    }

    VerificationReport report = verify(bundle);

    assertThat(report.matches()).isFalse();
    assertThat(report.differences(Difference.Kind.FILE_CHANGED))
        .singleElement()
        .extracting(Difference::message)
        .asString()
        .startsWith("Data file " + predictionFile.toUri().toString().replace("file:///", "file:/"))
        .contains("changed: SHA-256 ");
    assertThat(report.differences(Difference.Kind.ROW_DIFFERS))
        .singleElement()
        .extracting(Difference::message)
        .asString()
        .contains("Record pred-1 of table fraud.predictions")
        .contains("score: 0.91 -> 0.11");
  }

  private static Path fileOf(EvidenceBundle bundle, String table) {
    for (JsonNode f : bundle.evidence().get("files")) {
      if (f.get("table").asText().equals(table)) {
        return Path.of(URI.create(f.get("location").asText()));
      }
    }
    throw new AssertionError("no file of " + table);
  }

  @Test
  void aDeletedDataFileIsReportedMissing() throws Exception {
    EvidenceBundle bundle = export();
    Files.delete(fileOf(bundle, "fraud.features"));

    VerificationReport report = verify(bundle);

    assertThat(report.differences(Difference.Kind.FILE_MISSING))
        .singleElement()
        .extracting(Difference::message)
        .asString()
        .contains("cannot be read");
    assertThat(report.matches()).isFalse();
  }

  @Test
  void anEditedValueInTheBundleBreaksItsDigestAndDiffersFromTheLake() throws Exception {
    ObjectNode doc = (ObjectNode) JSON.readTree(export().toJsonBytes());
    for (JsonNode r : doc.get("evidence").get("rows")) {
      if (r.get("table").asText().equals("fraud.predictions")) {
        ((ObjectNode) r.get("values")).put("score", 0.05);
      }
    }

    VerificationReport report = verify(EvidenceBundle.parse(JSON.writeValueAsBytes(doc)));

    assertThat(report.differences(Difference.Kind.BUNDLE_EDITED)).hasSize(1);
    assertThat(report.differences(Difference.Kind.ROW_DIFFERS))
        .singleElement()
        .extracting(Difference::message)
        .asString()
        .contains("score: 0.05 -> 0.91");
  }

  @Test
  void aForgedSnapshotAndAForgedInputAreReported() throws Exception {
    ObjectNode doc = (ObjectNode) JSON.readTree(export().toJsonBytes());
    ObjectNode evidence = (ObjectNode) doc.get("evidence");
    ((ObjectNode) evidence.get("snapshots").get(0)).put("committedAt", "2020-01-01T00:00:00Z");
    ((ObjectNode) evidence.get("records").get(1)).put("recordId", "someone-else");
    ArrayNode snapshots = (ArrayNode) evidence.get("snapshots");
    ((ObjectNode) snapshots.addObject())
        .put("table", "fraud.features")
        .put("snapshotId", "42")
        .put("exists", true);

    VerificationReport report = verify(EvidenceBundle.parse(JSON.writeValueAsBytes(doc)));

    assertThat(report.differences(Difference.Kind.SNAPSHOT_DIFFERS))
        .singleElement()
        .extracting(Difference::message)
        .asString()
        .contains("committedAt \"2020-01-01T00:00:00Z\" -> ");
    assertThat(report.differences(Difference.Kind.SNAPSHOT_MISSING))
        .singleElement()
        .extracting(Difference::subject)
        .isEqualTo("fraud.features@42");
    assertThat(report.differences(Difference.Kind.LINEAGE_DIFFERS))
        .singleElement()
        .extracting(Difference::message)
        .asString()
        .contains("fraud.features/someone-else@" + featureSnapshot);
  }

  @Test
  void aBundleNamingAFileOutsideTheSnapshotNeverOpensIt() throws Exception {
    ObjectNode doc = (ObjectNode) JSON.readTree(export().toJsonBytes());
    ((ObjectNode) doc.get("evidence").get("files").get(0)).put("location", "file:/etc/passwd");

    VerificationReport report = verify(EvidenceBundle.parse(JSON.writeValueAsBytes(doc)));

    assertThat(report.differences(Difference.Kind.FILE_NOT_IN_SNAPSHOT))
        .singleElement()
        .extracting(Difference::message)
        .asString()
        .startsWith("Data file file:/etc/passwd is not part of snapshot ");
    assertThat(report.filesChecked()).isEqualTo(2);
  }

  @Test
  void withheldValuesAreLeftOutOfTheBundleAndNotedAsUnchecked() {
    EvidenceBundle bundle =
        export(
            ExplainOptions.defaults()
                .catchUpFirst()
                .valueAccess(ValueAccess.of(t -> !t.equals("fraud.features"))));

    JsonNode e = bundle.evidence();
    assertThat(e.get("records").get(1).get("state").asText()).isEqualTo("WITHHELD");
    assertThat(e.get("records").get(1).get("row").isNull()).isTrue();
    assertThat(e.get("rows")).hasSize(2);
    assertThat(bundle.toJson()).doesNotContain("u-1");
    VerificationReport report = verify(bundle);
    assertThat(report.matches()).isTrue();
    assertThat(report.differences(Difference.Kind.NOT_CHECKED)).hasSize(1);
  }

  @Test
  void anUnknownRecordIsNotFound() {
    assertThatThrownBy(
            () ->
                EvidenceExporter.of(lake, lineage)
                    .export(
                        RecordKey.of("fraud.predictions", "nope"),
                        ExplainOptions.defaults().catchUpFirst(),
                        "local"))
        .isInstanceOf(LineageException.class)
        .hasMessageContaining("nope")
        .extracting(ex -> ((LineageException) ex).kind())
        .isEqualTo(LineageException.Kind.NOT_FOUND);
  }

  @Test
  void rowValuesBeyondTheLimitAreRefusedWithTheRecordNamed() {
    assertThatThrownBy(
            () ->
                EvidenceExporter.of(lake, lineage)
                    .maxValueBytes(10)
                    .export(
                        RecordKey.of("fraud.predictions", prediction),
                        ExplainOptions.defaults().catchUpFirst(),
                        "local"))
        .isInstanceOf(LineageException.class)
        .hasMessageContaining("fraud.predictions/pred-1 holds more than 10 bytes");
  }

  @Test
  void malformedBundlesAreRefusedWithWhatIsWrong() {
    assertThatThrownBy(() -> EvidenceBundle.parse("{".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Not an evidence bundle: the file is not valid JSON");
    assertThatThrownBy(() -> EvidenceBundle.parse("[]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no \"format\": \"tracelake-evidence\"");
    assertThatThrownBy(
            () ->
                EvidenceBundle.parse(
                    "{\"format\": \"tracelake-evidence\", \"formatVersion\": 99}"
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Evidence bundle format version 99 is not supported; this Tracelake reads version 1");
    ObjectNode doc = (ObjectNode) JSON.valueToTree(Map.of());
    doc.put("format", "tracelake-evidence").put("formatVersion", 1).put("contentSha256", "x");
    ObjectNode e = doc.putObject("evidence");
    for (String part :
        List.of("subject", "records", "rows", "files", "snapshots", "runs", "schemas")) {
      e.putArray(part);
    }
    e.putArray("rows").addObject().put("table", "fraud.predictions");
    e.putObject("subject").put("table", "t").put("recordId", "r");
    assertThatThrownBy(
            () ->
                verify(
                    EvidenceBundle.parse(
                        JSON.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Evidence bundle part \"rows\" has an entry without \"snapshotId\"");
  }

  @Test
  void theHtmlRenderingEscapesEveryValueAndRunsNoScript() {
    String html = EvidenceHtml.render(export());

    assertThat(html)
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("<span class=\"esc\">\\u202e</span>")
        .contains("<span class=\"esc\">\\u0007</span>")
        .contains("שלום")
        .contains("Content-Security-Policy")
        .contains("default-src &#39;none&#39;; style-src &#39;sha256-")
        .doesNotContain("<script")
        .doesNotContain("\u202e")
        .contains("scoring-run-3");
    // the policy allows exactly the page's own style sheet, by its hash
    String style = html.substring(html.indexOf("<style>") + 7, html.indexOf("</style>"));
    assertThat(EvidenceHtml.contentSecurityPolicy())
        .contains(
            "'sha256-"
                + java.util.Base64.getEncoder()
                    .encodeToString(sha256(style.getBytes(StandardCharsets.UTF_8)))
                + "'");
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
