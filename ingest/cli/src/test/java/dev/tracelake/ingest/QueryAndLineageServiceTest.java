package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.client.Explained;
import dev.tracelake.client.SqlRows;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.client.TracelakeException;
import dev.tracelake.example.ExampleProducer;
import dev.tracelake.proto.v1.AppendRowsResponse;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.Test;

class QueryAndLineageServiceTest extends IngestServerTestBase {

  private long count(TracelakeClient client, String sql) {
    try (SqlRows rows = client.sql(sql, allocator)) {
      assertThat(rows.loadNextBatch()).isTrue();
      long value = ((BigIntVector) rows.root().getVector(0)).get(0);
      assertThat(rows.loadNextBatch()).isFalse();
      assertThat(rows.rowCount()).hasValue(1);
      return value;
    }
  }

  private boolean firstBatch(TracelakeClient client, String sql) {
    try (SqlRows rows = client.sql(sql, allocator)) {
      return rows.loadNextBatch();
    }
  }

  @Test
  void sqlOverGrpcTravelsInTimeAndPinsSnapshots() throws Exception {
    createEvents("events");
    long first;
    try (AppendStream stream = new AppendStream(channel, "events", "w1")) {
      AppendRowsResponse a = stream.sendJson(0, jsonEvents(0, 5)).take();
      first = a.getSnapshotId();
      stream.sendJson(1, jsonEvents(5, 3)).take();
    }
    try (TracelakeClient client = TracelakeClient.using(channel)) {
      assertThat(count(client, "SELECT count(*) FROM events")).isEqualTo(8);
      assertThat(count(client, "SELECT count(*) FROM events FOR VERSION AS OF " + first))
          .isEqualTo(5);
      try (SqlRows rows =
          client.sql("SELECT count(*) AS n FROM events FOR VERSION AS OF " + first, allocator)) {
        assertThat(rows.references()).hasSize(1);
        assertThat(rows.references().get(0).table()).isEqualTo("default.events");
        assertThat(rows.references().get(0).snapshotId()).hasValue(first);
        assertThat(rows.schema().getFields().get(0).getName()).isEqualTo("n");
      }
      assertThat(count(client, "SELECT count(*) FROM \"events$snapshots\"")).isEqualTo(2);
    }
  }

  @Test
  void sqlErrorsKeepTheirStatusAndTheServerStaysUsable() {
    createEvents("events");
    try (TracelakeClient client = TracelakeClient.using(channel)) {
      assertThatThrownBy(() -> firstBatch(client, "SELECT * FROM nope"))
          .isInstanceOf(TracelakeException.class)
          .hasMessageContaining("NOT_FOUND")
          .hasMessageContaining("nope");
      assertThatThrownBy(() -> firstBatch(client, "COPY (SELECT 1) TO '/tmp/x.csv'"))
          .isInstanceOf(TracelakeException.class)
          .extracting(e -> ((TracelakeException) e).code())
          .isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(count(client, "SELECT count(*) FROM events")).isZero();
    }
  }

  @Test
  void aLongQueryIsCancelledWhenItsClientGoesAway() throws Exception {
    try (TracelakeClient client = TracelakeClient.using(channel)) {
      String longQuery =
          "SELECT count(*) FROM range(1000000) a CROSS JOIN range(1000000) b"
              + " WHERE a.range + b.range = -1";
      SqlRows rows = client.sql(longQuery, allocator);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (server.activeQueries() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(server.activeQueries()).isEqualTo(1);
      rows.close(); // the client walks away mid-query
      while (server.activeQueries() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(server.queriesCancelledByClient()).isEqualTo(1);
      assertThat(server.activeQueries()).isZero();
      assertThat(count(client, "SELECT count(*) FROM range(10)")).isEqualTo(10);
    }
  }

  @Test
  void explainGivesThePredictionsInputsOverGrpc() {
    try (TracelakeClient client = TracelakeClient.using(channel)) {
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      ExampleProducer.Result result =
          ExampleProducer.run(client, 3, new PrintStream(printed, true, StandardCharsets.UTF_8));
      String prediction = result.predictionRecordIds().get(0);
      String feature = result.featureRecordIds().get(0);

      Explained json = client.explain(ExampleProducer.PREDICTIONS, prediction, "json");
      assertThat(json.format()).isEqualTo("json");
      assertThat(json.rendered())
          .contains(prediction)
          .contains(feature)
          .contains("fraud")
          .contains("v3");
      Explained mermaid = client.explain(ExampleProducer.PREDICTIONS, prediction, "mermaid");
      assertThat(mermaid.rendered()).startsWith("flowchart");

      assertThatThrownBy(
              () -> client.explain(ExampleProducer.PREDICTIONS, "no-such-record", "json"))
          .isInstanceOf(TracelakeException.class)
          .hasMessageContaining("NOT_FOUND")
          .hasMessageContaining("no-such-record");
    }
  }
}
