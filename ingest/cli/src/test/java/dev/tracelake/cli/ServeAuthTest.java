package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.client.TracelakeClient;
import dev.tracelake.client.TracelakeException;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracelake serve} under access control, driven the way users drive it: the CLI finds the
 * local admin token by itself, {@code tracelake auth} issues and revokes tokens and grants, every
 * server-talking command takes {@code --token}, psql logs in with an issued token, and the
 * OpenLineage endpoint wants one too.
 */
class ServeAuthTest {
  private static final Pattern STARTED =
      Pattern.compile(
          "serving gRPC on 127\\.0\\.0\\.1:(\\d+), OpenLineage on (http://127\\.0\\.0\\.1:\\d+)\\S*"
              + " .*\\n.*PostgreSQL on 127\\.0\\.0\\.1:(\\d+)");
  static final Schema SCHEMA =
      new Schema(
          List.of(
              new Field("entity", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
              new Field("amount", FieldType.nullable(new ArrowType.Int(64, true)), null)));

  @TempDir Path dir;

  static void table(Lake lake, String name, String row) {
    LakeTable t = lake.createTable(TableName.parse(name), SCHEMA);
    try (RootAllocator allocator = new RootAllocator();
        VectorSchemaRoot batch = t.batchChecker().fromJson(List.of(row), allocator);
        PendingAppend append = t.newAppend(Provenance.builder().producer("test").build())) {
      append.write(batch);
      append.commit();
    }
  }

  @Test
  void theCliAdministersTokensAndGrantsAndEveryDoorHonoursThem() throws Exception {
    Path warehouse = dir.resolve("lake");
    try (Lake lake = Lake.open(LakeConfig.embedded(warehouse))) {
      table(lake, "fraud.features", "{\"entity\": \"acct-1\", \"amount\": 42}");
      table(lake, "secret.salaries", "{\"entity\": \"ceo\", \"amount\": 987654}");
    }
    CliHarness cli = new CliHarness(warehouse);
    RunningServe serve =
        RunningServe.start(
            "--warehouse",
            warehouse.toString(),
            "--port",
            "0",
            "--openlineage-port",
            "0",
            "--metrics-port",
            "-1",
            "--pg-port",
            "0",
            "--rest-port",
            "-1");
    try {
      Matcher m = serve.await(STARTED);
      String grpc = "127.0.0.1:" + m.group(1);
      // the CLI on this machine finds the server and its admin token through the warehouse
      assertThat(cli.ok("auth", "whoami")).contains("local (local): every privilege everywhere");

      String token = cli.ok("auth", "token", "create", "analyst", "--kind", "person").strip();
      assertThat(token).startsWith("tlk_");
      cli.ok("auth", "grant", "fraud-readers", "--privilege", "read", "--on", "fraud");
      cli.ok("auth", "grant", "fraud-readers", "--principal", "analyst");
      assertThat(cli.ok("auth", "whoami", "--token", token))
          .contains("analyst (person)", "roles: fraud-readers", "read on fraud (fraud-readers)");
      assertThat(cli.ok("auth", "grants")).contains("fraud-readers").contains("analyst");
      var tokens = cli.json("auth", "token", "list", "--principal", "analyst");
      assertThat(tokens).hasSize(1);
      String id = tokens.get(0).get("id").asText();
      assertThat(tokens.toString()).doesNotContain(token);

      // SQL through the server with the analyst's token: fraud yes, secret as if missing
      CliHarness.Result rows =
          CliHarness.runExactly(
              "sql", "--server", grpc, "--token", token, "-e", "SELECT amount FROM fraud.features");
      assertThat(rows.exitCode()).as(rows.err()).isZero();
      assertThat(rows.out()).contains("42");
      CliHarness.Result hidden =
          CliHarness.runExactly(
              "sql", "--server", grpc, "--token", token, "-e", "SELECT * FROM secret.salaries");
      assertThat(hidden.exitCode()).isEqualTo(1);
      assertThat(hidden.err()).contains("does not exist").doesNotContain("987654");

      // psql, a client we did not write, with the token id as user and the token as password
      int pg = Integer.parseInt(m.group(3));
      List<String> ok = psql(pg, id, token, "SELECT amount FROM fraud.features");
      assertThat(ok.get(0)).isEqualTo("0").as(ok.toString());
      assertThat(ok.get(1)).contains("42");
      List<String> refused = psql(pg, id, token, "SELECT amount FROM secret.salaries");
      assertThat(refused.get(0)).isNotEqualTo("0");
      assertThat(String.join("\n", refused)).doesNotContain("987654");
      List<String> wrong = psql(pg, id, "tlk_wrong", "SELECT 1");
      assertThat(wrong.get(0)).isNotEqualTo("0");
      assertThat(String.join("\n", wrong)).contains("authentication failed");

      // OpenLineage events need a token holding write
      HttpClient http = HttpClient.newHttpClient();
      String event =
          "{\"eventType\":\"START\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"run\":{\"runId\":"
              + "\"3f5e83fa-3480-44ff-99c5-ff943904e5e8\"},\"job\":{\"namespace\":\"n\",\"name\":"
              + "\"j\"},\"producer\":\"p\",\"schemaURL\":\"https://openlineage.io/spec/2-0-2/"
              + "OpenLineage.json#/$defs/RunEvent\"}";
      URI lineage = URI.create(m.group(2) + "/api/v1/lineage");
      assertThat(post(http, lineage, event, null).statusCode()).isEqualTo(401);
      assertThat(post(http, lineage, event, token).statusCode()).isEqualTo(403);

      // a Java client without a token is turned away
      try (TracelakeClient anonymous = TracelakeClient.connect(grpc)) {
        TracelakeException e =
            org.assertj.core.api.Assertions.catchThrowableOfType(
                TracelakeException.class, anonymous::listTables);
        assertThat(e.code()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
      }

      assertThat(cli.ok("auth", "token", "revoke", id)).contains("revoked");
      CliHarness.Result after = cli.run("auth", "whoami", "--token", token);
      assertThat(after.exitCode()).isEqualTo(1);
      assertThat(after.err()).contains("UNAUTHENTICATED");
      // an analyst cannot hand out tokens; the admin's survive
      CliHarness.Result escalate = cli.run("auth", "token", "create", "x", "--token", "tlk_bad");
      assertThat(escalate.exitCode()).isEqualTo(1);
    } finally {
      serve.stop();
    }
  }

  static HttpResponse<String> post(HttpClient http, URI uri, String body, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Runs psql; returns its exit code followed by its output lines. */
  static List<String> psql(int port, String user, String password, String sql)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
                "psql",
                "host=127.0.0.1 port=" + port + " dbname=tracelake user=" + user,
                "-X",
                "-A",
                "-t",
                "-c",
                sql)
            .redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", password);
    pb.environment().put("PGSSLMODE", "disable");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> lines = new ArrayList<>();
    lines.add(Integer.toString(p.exitValue()));
    lines.addAll(out.lines().toList());
    return lines;
  }
}
