package dev.tracelake.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tracelake.console.ConsoleServer;
import dev.tracelake.proto.v1.DescribeTableRequest;
import dev.tracelake.proto.v1.IngestServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A missing table's answer hints at the tables that exist, and under access control names only
 * those the caller may see: asking for a misspelt table must not reveal that secret.salaries or the
 * audit log exist.
 */
class MissingTableHintTest {
  @TempDir Path warehouse;
  AuthServerFixture fx;

  @BeforeEach
  void start() {
    fx = new AuthServerFixture(warehouse);
  }

  @AfterEach
  void stop() throws InterruptedException {
    fx.close();
  }

  Status describe(String principal, String table) {
    return catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                fx.with(
                        IngestServiceGrpc.newBlockingStub(fx.channel),
                        "Bearer " + fx.tokens.get(principal))
                    .describeTable(DescribeTableRequest.newBuilder().setTable(table).build()))
        .getStatus();
  }

  @Test
  void overGrpcTheHintNamesOnlyTablesTheCallerSees() {
    Status reader = describe("reader", "fraud.no_such");
    assertThat(reader.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(reader.getDescription())
        .contains("fraud.no_such", "fraud.features", "fraud.predictions")
        .doesNotContain("secret", "salaries", "tracelake.audit");
    // the server's own token sees every table, and is told of all of them
    Status admin = describe("admin", "fraud.no_such");
    assertThat(admin.getDescription()).contains("secret.salaries", "fraud.features");
  }

  @Test
  void inTheConsoleTheHintNamesOnlyTablesTheAskerMayRead() throws Exception {
    try (ConsoleServer console =
        ConsoleServer.builder(fx.lake, fx.server.lineage(), fx.server.sqlEngine())
            .address(new InetSocketAddress("127.0.0.1", 0))
            .authenticator(fx.control)
            .tableAccess(new ServerAccess(fx.control, fx.audit).doorAccess())
            .start()) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + console.port() + "/api/v1/table?table=fraud.x"))
                      .header("Authorization", "Bearer " + fx.tokens.get("reader"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.body()).contains("fraud.x").doesNotContain("salaries", "audit");
    }
  }
}
