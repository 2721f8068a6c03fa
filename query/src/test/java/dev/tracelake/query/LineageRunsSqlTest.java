package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.Explanation;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.lineage.RecordKey;
import dev.tracelake.lineage.RunInfo;
import dev.tracelake.lineage.RunStatus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * The lineage relations tell what the lineage service tells (issue 16): {@code runs} shows each
 * run's state as started, finished or received over OpenLineage, registered runs without snapshots
 * included and Tracelake's own bookkeeping left out; {@code lineage_upstream} lists each edge once,
 * so a cycle stops it; an input cited without a snapshot is NULL there and in explain alike.
 */
class LineageRunsSqlTest extends QueryTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema SCORES =
      new Schema(
          List.of(new Field("score", FieldType.nullable(new ArrowType.Int(64, true)), null)));

  @Test
  void runsShowTheStateOfEveryRun() throws Exception {
    LakeTable scores = lake.createTable(TableName.parse("scores"), SCORES);
    try (Lineage lineage = Lineage.open(lake, LineageOptions.defaults().withManualRefresh())) {
      lineage.startRun(
          RunInfo.builder("nightly")
              .job("ml", "scoring")
              .code("https://git.example.com/fraud.git", "abc123")
              .build());
      append(
          scores,
          Provenance.builder().runId("nightly").codeCommit("abc123").build(),
          "{\"score\": 1}");
      lineage.finishRun("nightly", RunStatus.FAILED, null, "out of memory");
      lineage.startRun(RunInfo.builder("waiting").build());
      append(scores, Provenance.builder().runId("implicit").build(), "{\"score\": 2}");
      var response =
          lineage
              .openLineageHandler()
              .handle(
                  ("{\"eventType\":\"COMPLETE\",\"eventTime\":\"2026-05-01T11:00:00Z\","
                          + "\"run\":{\"runId\":\"3b452093-782c-4ef2-9c0c-aafe2aa6f34d\"},"
                          + "\"job\":{\"namespace\":\"airflow\",\"name\":\"etl\"},"
                          + "\"producer\":\"https://airflow\","
                          + "\"schemaURL\":\"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent\"}")
                      .getBytes(StandardCharsets.UTF_8));
      assertThat(response.status()).as(response.body()).isEqualTo(201);
    }

    Answer answer =
        query(
            "SELECT run_id, table_name, status, run_source, job_name, code_repository,"
                + " failure_message FROM runs ORDER BY run_id");

    assertThat(answer.rows())
        .containsExactly(
            Arrays.asList(
                "3b452093-782c-4ef2-9c0c-aafe2aa6f34d",
                none(),
                "COMPLETED",
                "OPENLINEAGE",
                "etl",
                none(),
                none()),
            Arrays.asList(
                "implicit", "default.scores", "UNKNOWN", "INGEST", none(), none(), none()),
            Arrays.asList(
                "nightly",
                "default.scores",
                "FAILED",
                "REGISTERED",
                "scoring",
                "https://git.example.com/fraud.git",
                "out of memory"),
            Arrays.asList("waiting", none(), "RUNNING", "REGISTERED", none(), none(), none()));
    assertThat(query("SELECT count(*) FROM runs WHERE table_name LIKE 'tracelake.%'").value())
        .isEqualTo(0L);
  }

  @Test
  void upstreamListsEachEdgeOnceSoACycleStopsIt() {
    LakeTable loop = lake.createTable(TableName.parse("loop"), SCORES);
    append(
        loop,
        Provenance.none(),
        withInputs("a", "default.loop", "b"),
        withInputs("b", "default.loop", "c"),
        withInputs("c", "default.loop", "a"));

    Answer answer =
        query(
            "SELECT depth, output_record_id, input_record_id FROM lineage_upstream('loop', 'a')"
                + " ORDER BY depth");

    assertThat(answer.rows())
        .containsExactly(List.of(1, "a", "b"), List.of(2, "b", "c"), List.of(3, "c", "a"));
  }

  @Test
  void anInputCitedWithoutSnapshotIsNullInUpstreamAndInExplain() {
    LakeTable features = lake.createTable(TableName.parse("features"), SCORES);
    append(features, Provenance.none(), "{\"_record_id\": \"f-1\", \"score\": 5}");
    LakeTable predictions = lake.createTable(TableName.parse("predictions"), SCORES);
    append(predictions, Provenance.none(), withInputs("p-1", "default.features", "f-1"));

    Answer answer =
        query(
            "SELECT input_record_id, input_snapshot_id FROM lineage_upstream('predictions',"
                + " 'p-1')");
    Explanation explanation;
    try (Lineage lineage = Lineage.open(lake, LineageOptions.defaults().withManualRefresh())) {
      lineage.catchUp();
      explanation = lineage.explain(RecordKey.of("predictions", "p-1"));
    }

    assertThat(answer.rows()).containsExactly(Arrays.asList("f-1", null));
    assertThat(explanation.root().inputs().get(0).snapshotId()).isNull();
    assertThat(explanation.root().inputs().get(0).values()).containsEntry("score", 5L);
  }

  private static Object none() {
    return null;
  }

  private static String withInputs(String id, String table, String input) {
    ObjectNode row = JSON.createObjectNode();
    row.put("_record_id", id);
    row.put("score", 1);
    ArrayNode lineage = row.putArray("_lineage");
    lineage.addObject().put("table", table).put("record_id", input);
    return row.toString();
  }

  private void append(LakeTable table, Provenance provenance, String... rows) {
    try (VectorSchemaRoot batch = table.batchChecker().fromJson(List.of(rows), allocator);
        PendingAppend append = table.newAppend(provenance)) {
      append.write(batch);
      append.commit();
    }
  }
}
