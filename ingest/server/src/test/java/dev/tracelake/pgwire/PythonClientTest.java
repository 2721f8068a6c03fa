package dev.tracelake.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.LakeTable;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A notebook's psycopg2 and pandas.read_sql (Debian's python3-psycopg2, python3-pandas). */
class PythonClientTest extends PgTestBase {

  @Test
  void notebookQueriesTimeTravelsAndCancels() throws Exception {
    LakeTable table = events();
    AppendResult first = appendEvents(table, 0, 4);
    AppendResult second = appendEvents(table, 4, 6);
    TypedTable.create(lake, allocator, PROV);
    String python = ExternalClient.require("python3", "python3 python3-psycopg2 python3-pandas");
    Path script = warehouse.resolve("notebook.py");
    try (InputStream in = getClass().getResourceAsStream("/pgwire/notebook.py")) {
      Files.copy(in, script);
    }

    ExternalClient.Result r =
        ExternalClient.run(
            List.of(
                python,
                script.toString(),
                Integer.toString(port()),
                Long.toString(first.snapshotId())),
            Map.of("TRACELAKE_TOKEN", TOKEN),
            warehouse);

    assertThat(r.exitCode())
        .as("python failed (needs python3-psycopg2 and python3-pandas): %s", r.stderr())
        .isZero();
    JsonNode out = new ObjectMapper().readTree(r.stdout());
    assertThat(out.get("rows").toString())
        .isEqualTo("[[0,\"u0\",0.0],[1,\"u1\",1.5],[2,\"u2\",3.0]]");
    assertThat(out.get("description").toString())
        .isEqualTo("[[\"event_id\",20],[\"user\",25],[\"amount\",701]]");
    assertThat(out.get("snapshots").get(0).get("snapshot_id").asLong())
        .isEqualTo(second.snapshotId());
    assertThat(out.get("old_count").asInt()).isEqualTo(4);

    JsonNode types = out.get("types");
    assertThat(types.get("flag").toString()).isEqualTo("[\"bool\",\"True\"]");
    assertThat(types.get("big").toString()).isEqualTo("[\"int\",\"9007199254740993\"]");
    assertThat(types.get("price").toString()).isEqualTo("[\"Decimal\",\"-1234.56\"]");
    assertThat(types.get("day").toString()).isEqualTo("[\"date\",\"2024-10-04\"]");
    assertThat(types.get("clock").toString()).isEqualTo("[\"time\",\"13:14:15.123456\"]");
    assertThat(types.get("at").toString())
        .isEqualTo("[\"datetime\",\"2023-11-14 22:13:20.123456+00:00\"]");
    assertThat(types.get("local_at").toString())
        .isEqualTo("[\"datetime\",\"2023-11-14 22:13:20.500000\"]");
    assertThat(types.get("blob").toString())
        .isEqualTo("[\"memoryview\",\"b'\\\\x01\\\\x02\\\\x03\\\\xff'\"]");
    assertThat(types.get("tags").toString()).isEqualTo("[\"list\",\"['a', 'b c', None]\"]");
    assertThat(types.get("ids").toString()).isEqualTo("[\"list\",\"[1, -2]\"]");
    assertThat(types.get("point").toString()).isEqualTo("[\"dict\",\"{'x': 3, 'label': 'p'}\"]");
    assertThat(types.get("attrs").toString()).isEqualTo("[\"dict\",\"{'k': 9}\"]");

    assertThat(out.get("error").get(0).asText()).isEqualTo("42703");
    assertThat(out.get("error").get(1).asText()).isEqualTo("8");
    assertThat(out.get("write").get(0).asText()).isEqualTo("42501");
    assertThat(out.get("cancel").get(0).asText()).isEqualTo("57014");
    assertThat(out.get("after_cancel").asInt()).isEqualTo(1);
    assertThat(out.get("pandas").toString())
        .isEqualTo(
            "{\"shape\":[10,3],\"dtypes\":[\"int64\",\"object\",\"float64\"],"
                + "\"amount_sum\":67.5,\"first_user\":\"u0\"}");
  }
}
