package dev.tracelake.access;

import static dev.tracelake.access.AuthServerFixture.FEATURES;
import static dev.tracelake.access.AuthServerFixture.PREDICTIONS;
import static dev.tracelake.access.AuthServerFixture.SALARIES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tracelake.lake.TableName;
import dev.tracelake.proto.v1.AppendRowsRequest;
import dev.tracelake.proto.v1.AppendRowsResponse;
import dev.tracelake.proto.v1.AuthServiceGrpc;
import dev.tracelake.proto.v1.CreateTokenRequest;
import dev.tracelake.proto.v1.ExplainRequest;
import dev.tracelake.proto.v1.ImpactRequest;
import dev.tracelake.proto.v1.ImpactResponse;
import dev.tracelake.proto.v1.IngestServiceGrpc;
import dev.tracelake.proto.v1.JsonRows;
import dev.tracelake.proto.v1.LineageServiceGrpc;
import dev.tracelake.proto.v1.ListTablesRequest;
import dev.tracelake.proto.v1.Provenance;
import dev.tracelake.proto.v1.RecordRef;
import dev.tracelake.proto.v1.WhoAmIRequest;
import dev.tracelake.proto.v1.WhoAmIResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks inside operations: each table of a SQL statement, explain's values, listings, audit. */
class AuthEnforcementTest {
  @TempDir Path warehouse;
  AuthServerFixture fx;

  @BeforeEach
  void start() {
    fx = new AuthServerFixture(warehouse);
    // sees secret.salaries (may write it) but may not read it
    fx.store.grant("salary-writer", Privilege.WRITE, Scope.parse("secret.salaries"));
    fx.store.assign("fraud-reader", "mixed");
    fx.store.assign("salary-writer", "mixed");
    fx.tokens.put("mixed", fx.store.issue("mixed", PrincipalKind.PERSON, null, "").secret());
  }

  @AfterEach
  void stop() throws InterruptedException {
    fx.close();
  }

  String bearer(String principal) {
    return "Bearer " + fx.tokens.get(principal);
  }

  /** Runs SQL as {@code principal}; returns the rows as text, one string per row. */
  List<String> sql(String principal, String sql) {
    return fx.sql(principal, sql);
  }

  Status sqlFailure(String principal, String sql) {
    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> sql(principal, sql));
    assertThat(e).as("the statement was refused: %s", sql).isNotNull();
    return e.getStatus();
  }

  @Test
  void aJoinOfAReadableAndAnUnreadableTableIsRefusedWhole() {
    assertThat(sql("mixed", "SELECT entity, amount FROM fraud.features"))
        .containsExactly("acct-1|42");
    for (String statement :
        List.of(
            "SELECT f.entity, s.amount FROM fraud.features f JOIN secret.salaries s ON true",
            "SELECT * FROM fraud.features WHERE entity IN (SELECT entity FROM secret.salaries)",
            "WITH s AS (SELECT * FROM secret.salaries) SELECT count(*) FROM s",
            "SELECT * FROM secret.salaries FOR VERSION AS OF 'main'",
            "SELECT * FROM \"secret.salaries$snapshots\"",
            "SELECT * FROM table_changes('secret.salaries', 'main', 'main')")) {
      Status s = sqlFailure("mixed", statement);
      assertThat(s.getCode()).as(statement).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(s.getDescription())
          .contains("'mixed'", "'read'", "secret.salaries")
          .doesNotContain("987654", "ceo");
    }
    // the reader may not even see it: it answers as a missing table, word for word
    Status hidden =
        sqlFailure("reader", "SELECT * FROM fraud.features JOIN secret.salaries ON true");
    Status missing =
        sqlFailure("reader", "SELECT * FROM fraud.features JOIN secret.nothing ON true");
    assertThat(hidden.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(hidden.getDescription())
        .isEqualTo(missing.getDescription().replace("nothing", "salaries"));
    // lineage relations are built of readable tables only
    assertThat(sql("reader", "SELECT DISTINCT output_table FROM lineage_edges"))
        .containsExactly(PREDICTIONS.toString());
    assertThat(sql("admin", "SELECT amount FROM secret.salaries")).containsExactly("987654");
  }

  @Test
  void explainShowsLineageButWithholdsValuesOfTablesTheCallerCannotRead() {
    ExplainRequest request =
        ExplainRequest.newBuilder()
            .setTable(PREDICTIONS.toString())
            .setRecordId(fx.predictionRecord)
            .setFormat("json")
            .build();
    String asReader =
        fx.with(LineageServiceGrpc.newBlockingStub(fx.channel), bearer("reader"))
            .explain(request)
            .getRendered();
    // values are matched with their JSON key: ids and times may hold any digits
    assertThat(asReader)
        .contains(fx.featureRecord, "\"acct-1\"") // a readable input: its values
        .contains(SALARIES.toString(), fx.salaryRecord, "WITHHELD") // the other: table and id
        .doesNotContain("\"ceo\"")
        .doesNotContainPattern("\"amount\"\\s*:\\s*987654");
    String asLineageOnly =
        fx.with(LineageServiceGrpc.newBlockingStub(fx.channel), bearer("lineage-only"))
            .explain(request)
            .getRendered();
    assertThat(asLineageOnly)
        .contains(fx.featureRecord, fx.salaryRecord)
        .doesNotContain("\"acct-1\"", "\"ceo\"")
        .doesNotContainPattern("\"amount\"\\s*:");
    String asAdmin =
        fx.with(LineageServiceGrpc.newBlockingStub(fx.channel), bearer("admin"))
            .explain(request)
            .getRendered();
    assertThat(asAdmin).containsPattern("\"amount\"\\s*:\\s*987654").doesNotContain("WITHHELD");
    for (String format : List.of("tree", "dot", "mermaid")) {
      String rendered =
          fx.with(LineageServiceGrpc.newBlockingStub(fx.channel), bearer("reader"))
              .explain(request.toBuilder().setFormat(format).build())
              .getRendered();
      assertThat(rendered).as(format).contains("acct-1").doesNotContain("ceo");
    }
  }

  @Test
  void impactAndListingsNameOnlyTablesTheCallerHoldsAPrivilegeOn() {
    // the salary record's impact reaches fraud.predictions, which the reader may see ...
    Iterator<ImpactResponse> it =
        fx.with(LineageServiceGrpc.newBlockingStub(fx.channel), bearer("reader"))
            .impact(
                ImpactRequest.newBuilder()
                    .setRecord(
                        RecordRef.newBuilder()
                            .setTable(FEATURES.toString())
                            .setRecordId(fx.featureRecord))
                    .build());
    List<String> tables = new ArrayList<>();
    it.forEachRemaining(
        r -> {
          if (r.hasRecords()) {
            tables.add(r.getRecords().getTable());
          }
        });
    assertThat(tables).contains(PREDICTIONS.toString()).doesNotContain(SALARIES.toString());
    assertThat(
            fx.with(IngestServiceGrpc.newBlockingStub(fx.channel), bearer("reader"))
                .listTables(ListTablesRequest.getDefaultInstance())
                .getTablesList())
        .containsExactlyInAnyOrder(FEATURES.toString(), PREDICTIONS.toString());
    assertThat(
            fx.with(IngestServiceGrpc.newBlockingStub(fx.channel), bearer("nobody"))
                .listTables(ListTablesRequest.getDefaultInstance())
                .getTablesList())
        .isEmpty();
    WhoAmIResponse me =
        fx.with(AuthServiceGrpc.newBlockingStub(fx.channel), bearer("mixed"))
            .whoAmI(WhoAmIRequest.getDefaultInstance());
    assertThat(me.getPrincipal()).isEqualTo("mixed");
    assertThat(me.getKind()).isEqualTo("person");
    assertThat(me.getRolesList()).containsExactly("fraud-reader", "salary-writer");
    assertThat(me.getSuperuser()).isFalse();
  }

  AppendRowsResponse appendAs(String principal, TableName table, String writer) throws Exception {
    CompletableFuture<AppendRowsResponse> ack = new CompletableFuture<>();
    StreamObserver<AppendRowsRequest> requests =
        fx.with(IngestServiceGrpc.newStub(fx.channel), bearer(principal))
            .appendRows(
                new StreamObserver<>() {
                  @Override
                  public void onNext(AppendRowsResponse value) {
                    ack.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    ack.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(
        AppendRowsRequest.newBuilder()
            .setTable(table.toString())
            .setWriterId(writer)
            .setOffset(0)
            .setProvenance(Provenance.newBuilder().setProducer("audit-test"))
            .setJsonRows(JsonRows.newBuilder().addRows("{\"entity\": \"a\", \"amount\": 5}"))
            .build());
    try {
      return ack.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (StatusRuntimeException) e.getCause();
    } finally {
      requests.onCompleted();
    }
  }

  @Test
  void theAuditLogRecordsWritesQueriesExplainsAndAdminActionsAndOnlyAuditorsReadIt()
      throws Exception {
    AppendRowsResponse written = appendAs("writer", FEATURES, "audited-writer");
    sql("reader", "SELECT count(*) AS n FROM fraud.features");
    sqlFailure("mixed", "SELECT * FROM secret.salaries");
    fx.with(LineageServiceGrpc.newBlockingStub(fx.channel), bearer("reader"))
        .explain(
            ExplainRequest.newBuilder()
                .setTable(PREDICTIONS.toString())
                .setRecordId(fx.predictionRecord)
                .build());
    String secret =
        fx.with(AuthServiceGrpc.newBlockingStub(fx.channel), bearer("lake-admin"))
            .createToken(CreateTokenRequest.newBuilder().setPrincipal("new-service").build())
            .getToken();
    // an admin action is in the log before its response: no flush needed to see it
    List<String> admin =
        sql(
            "auditor",
            "SELECT principal, action, detail, outcome FROM tracelake.audit"
                + " WHERE action = 'AuthService/CreateToken'");
    assertThat(admin)
        .containsExactly("lake-admin|AuthService/CreateToken|token for new-service|OK");

    fx.audit.flush();
    List<String> rows =
        sql(
            "auditor",
            "SELECT principal, action, access, tables, detail, snapshot_ids, row_count, outcome"
                + " FROM tracelake.audit ORDER BY event_time");
    assertThat(rows)
        .anySatisfy(
            r ->
                // each acknowledged append: table, writer, snapshot, rows
                assertThat(r)
                    .isEqualTo(
                        "writer|IngestService/AppendRows|write|fraud.features|writer"
                            + " audited-writer|["
                            + written.getSnapshotId()
                            + "]|1|OK"))
        .anySatisfy(
            r ->
                // the stream's end, with its outcome
                assertThat(r)
                    .startsWith(
                        "writer|IngestService/AppendRows|write|fraud.features|writer"
                            + " audited-writer||0|"))
        .anySatisfy(
            r ->
                assertThat(r)
                    .startsWith(
                        "reader|QueryService/Execute|read|fraud.features|SELECT count(*) AS n FROM fraud.features|")
                    .endsWith("|1|OK"))
        .anySatisfy(
            r ->
                assertThat(r)
                    .startsWith("mixed|QueryService/Execute|read||SELECT * FROM secret.salaries|")
                    .endsWith("|0|PERMISSION_DENIED"))
        .anySatisfy(
            r ->
                assertThat(r)
                    .startsWith(
                        "reader|LineageService/Explain|lineage|fraud.predictions|record "
                            + fx.predictionRecord));
    // no secret is ever logged
    assertThat(String.join("\n", rows)).doesNotContain(secret, AuthServerFixture.ADMIN_TOKEN);

    // only the audit privilege reads it; for the others it does not exist
    Status reader = sqlFailure("reader", "SELECT * FROM tracelake.audit");
    assertThat(reader.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    // admin on everything does not reach it either: auditing the admins is its point
    Status lakeAdmin = sqlFailure("lake-admin", "SELECT * FROM tracelake.audit");
    assertThat(lakeAdmin.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    // append-only: nobody writes it through the API, not even the server's own token
    StatusRuntimeException tamper =
        catchThrowableOfType(
            StatusRuntimeException.class, () -> appendAs("admin", Grants.AUDIT_TABLE, "tamper"));
    assertThat(tamper.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(tamper.getStatus().getDescription()).contains("'write'", "tracelake.audit");
  }
}
