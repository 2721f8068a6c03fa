package dev.tracelake.access;

import static dev.tracelake.access.AuthServerFixture.FEATURES;
import static dev.tracelake.access.AuthServerFixture.PREDICTIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.pgwire.PgServer;
import dev.tracelake.pgwire.PgServerConfig;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doors beside gRPC (the PostgreSQL endpoint, the Iceberg REST catalog, the console, the
 * OpenLineage endpoint) record what each principal did in {@code tracelake.audit}, as gRPC calls
 * do: who, which tables, what was asked, how many rows left, how it ended. Real servers on
 * loopback, a real pgjdbc client.
 */
class DoorAuditTest {
  @TempDir Path warehouse;
  AuthServerFixture fx;
  PgServer pg;
  HttpDoors doors;

  @BeforeEach
  void start() {
    fx = new AuthServerFixture(warehouse);
    pg =
        PgServer.start(
            PgServerConfig.defaults().withPort(0),
            fx.server.sqlEngine(),
            fx.lake,
            fx.control,
            new ServerAccess(fx.control, fx.audit).doorAccess());
    doors = HttpDoors.start(fx);
  }

  @AfterEach
  void stop() throws InterruptedException {
    doors.close();
    pg.close();
    fx.close();
  }

  /** The audit log's rows (after a flush), one string per row, oldest first. */
  List<String> auditRows(String columns) throws SQLException {
    fx.audit.flush();
    List<String> rows = new ArrayList<>();
    try (Connection c = connect(AuthServerFixture.ADMIN_TOKEN, "local");
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT " + columns + " FROM tracelake.audit ORDER BY event_time, action")) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          sb.append(i > 1 ? "|" : "").append(r.getString(i) == null ? "" : r.getString(i));
        }
        rows.add(sb.toString());
      }
    }
    return rows;
  }

  Connection connect(String password, String user) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("sslmode", "disable");
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + pg.address().getPort() + "/tracelake", p);
  }

  @Test
  void postgresStatementsAreAuditedWithTablesRowsAndOutcome() throws Exception {
    IssuedToken reader = fx.store.issue("reader", PrincipalKind.SERVICE, null, "pg client");
    String query = "SELECT entity FROM fraud.features";
    try (Connection c = connect(reader.secret(), reader.info().id());
        Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery(query)) {
        int n = 0;
        while (r.next()) {
          n++;
        }
        assertThat(n).isEqualTo(1);
      }
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM secret.salaries").close())
          .isInstanceOf(SQLException.class);
    }
    long snapshot = fx.lake.table(FEATURES).describe().currentSnapshot().orElseThrow().snapshotId();
    List<String> rows =
        auditRows(
            "principal, client_user, action, access, tables, detail, snapshot_ids,"
                + " row_count, outcome");
    assertThat(rows)
        .contains(
            "reader|"
                + reader.info().id()
                + "|pg/query|read|fraud.features|"
                + query
                + "|["
                + snapshot
                + "]|1|OK");
    // a table the reader holds nothing on answers as a missing one does, in the log too
    assertThat(rows)
        .contains(
            "reader|"
                + reader.info().id()
                + "|pg/query|read||SELECT * FROM secret.salaries||0|NOT_FOUND");
    // the secret never reaches the log
    assertThat(String.join("\n", rows)).doesNotContain(reader.secret());
  }

  @Test
  void icebergRestRequestsAreAuditedWithTheTableAndStatus() throws Exception {
    String token = fx.tokens.get("reader");
    HttpResponse<String> load = doors.restGet("/v1/namespaces/fraud/tables/features", token);
    assertThat(load.statusCode()).isEqualTo(200);
    // a table the reader holds nothing on answers as a missing one; one it sees but may not read
    // (lineage only) answers 403
    HttpResponse<String> hidden = doors.restGet("/v1/namespaces/secret/tables/salaries", token);
    assertThat(hidden.statusCode()).isEqualTo(404);
    HttpResponse<String> missing = doors.restGet("/v1/namespaces/secret/tables/nope", token);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(hidden.body()).isEqualTo(missing.body().replace("secret.nope", "secret.salaries"));
    HttpResponse<String> denied =
        doors.restGet("/v1/namespaces/fraud/tables/features", fx.tokens.get("lineage-only"));
    assertThat(denied.statusCode()).isEqualTo(403);
    // without a valid token nobody is named, so nothing is recorded for it
    assertThat(doors.restGet("/v1/namespaces/fraud/tables/features", "not-a-token").statusCode())
        .isEqualTo(401);

    List<String> rows = auditRows("principal, action, tables, detail, outcome");
    assertThat(rows)
        .contains(
            "reader|rest/GET|fraud.features|/v1/namespaces/fraud/tables/features|OK",
            "reader|rest/GET|secret.salaries|/v1/namespaces/secret/tables/salaries|NOT_FOUND",
            "lineage-only|rest/GET|fraud.features|/v1/namespaces/fraud/tables/features"
                + "|PERMISSION_DENIED");
    assertThat(rows).noneMatch(r -> r.startsWith("|") || r.contains("not-a-token"));
    assertThat(String.join("\n", rows)).doesNotContain(token);
  }

  @Test
  void consoleCallsAreAuditedWithoutTheSignInKey() throws Exception {
    String token = fx.tokens.get("reader");
    HttpResponse<String> explained =
        doors.consoleGet(
            "/api/v1/explain?table="
                + PREDICTIONS
                + "&id="
                + URLEncoder.encode(fx.predictionRecord, StandardCharsets.UTF_8),
            token);
    assertThat(explained.statusCode()).isEqualTo(200);
    // held nothing on: answered as missing; seen (lineage) but unreadable: refused
    HttpResponse<String> hidden = doors.consoleGet("/api/v1/table?table=secret.salaries", token);
    assertThat(hidden.statusCode()).isEqualTo(404);
    HttpResponse<String> refused =
        doors.consoleGet("/api/v1/table?table=fraud.features", fx.tokens.get("lineage-only"));
    assertThat(refused.statusCode()).isEqualTo(403);

    List<String> rows = auditRows("principal, action, access, tables, detail, outcome");
    assertThat(rows)
        .contains(
            "reader|console/explain|read|fraud.predictions|table=fraud.predictions&id="
                + fx.predictionRecord
                + "|OK",
            "reader|console/table|read|secret.salaries|table=secret.salaries|NOT_FOUND",
            "lineage-only|console/table|read|fraud.features|table=fraud.features"
                + "|PERMISSION_DENIED");
    assertThat(String.join("\n", rows)).doesNotContain(token);
  }

  @Test
  void openLineageEventsAreAuditedWithTheirRunAndOutcome() throws Exception {
    String runId = "0190a6f2-6c1b-7d7e-9a61-5d4f3c2b1a00";
    String event =
        """
        {"eventType": "COMPLETE", "eventTime": "2026-12-01T11:00:00Z",
         "run": {"runId": "%s"}, "job": {"namespace": "airflow", "name": "etl.daily"},
         "inputs": [], "outputs": [],
         "producer": "https://github.com/apache/airflow",
         "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"}
        """
            .formatted(runId);
    String writer = fx.tokens.get("writer");
    assertThat(doors.openLineagePost(event, writer).statusCode()).isEqualTo(201);
    // a bad event from a writer: refused, and the log says why
    assertThat(doors.openLineagePost("{\"eventType\": ", writer).statusCode()).isEqualTo(400);
    // a reader may not send events: refused, and the attempt is in the log under its name
    assertThat(doors.openLineagePost(event, fx.tokens.get("reader")).statusCode()).isEqualTo(403);
    // no valid token: refused before anything is read, nobody to name
    assertThat(doors.openLineagePost(event, "tlk_not_a_token").statusCode()).isEqualTo(401);

    List<String> rows = auditRows("principal, action, access, detail, outcome, message");
    List<String> ol = rows.stream().filter(r -> r.contains("|openlineage/POST|")).toList();
    assertThat(ol).hasSize(3);
    assertThat(ol)
        .anySatisfy(
            r ->
                assertThat(r)
                    .startsWith("writer|openlineage/POST|write|")
                    .contains(runId)
                    .contains("COMPLETE")
                    .endsWith("|OK|"))
        .anySatisfy(
            r ->
                assertThat(r)
                    .startsWith("writer|openlineage/POST|write||INVALID_ARGUMENT|")
                    .doesNotEndWith("|"))
        .anySatisfy(
            r ->
                assertThat(r)
                    .startsWith("reader|openlineage/POST|write||PERMISSION_DENIED|")
                    .contains("write"));
    assertThat(String.join("\n", rows)).doesNotContain(writer).doesNotContain("tlk_not_a_token");
  }
}
