package dev.tracelake.cli;

import static dev.tracelake.cli.ServeAuthTest.post;
import static dev.tracelake.cli.ServeAuthTest.psql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.access.TestIssuer;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracelake serve --oidc-issuer}: an identity provider's tokens (a real issuer on loopback,
 * {@link TestIssuer}) work on every door, gRPC (through the CLI), PostgreSQL (psql, the token as
 * password), the Iceberg REST catalog, the console and OpenLineage, with the grants of the roles
 * their groups claim; bad tokens are refused at every door.
 */
class ServeOidcTest {
  private static final Pattern STARTED =
      Pattern.compile(
          "serving gRPC on 127\\.0\\.0\\.1:(\\d+), OpenLineage on (http://127\\.0\\.0\\.1:\\d+)\\S*,"
              + " console on (http://127\\.0\\.0\\.1:\\d+/) [^\\n]*\\n.*PostgreSQL on"
              + " 127\\.0\\.0\\.1:(\\d+), Iceberg REST catalog on (http://127\\.0\\.0\\.1:\\d+)");
  private static final String EVENT =
      "{\"eventType\":\"START\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"run\":{\"runId\":"
          + "\"3f5e83fa-3480-44ff-99c5-ff943904e5e8\"},\"job\":{\"namespace\":\"n\",\"name\":"
          + "\"j\"},\"producer\":\"p\",\"schemaURL\":\"https://openlineage.io/spec/2-0-2/"
          + "OpenLineage.json#/$defs/RunEvent\"}";

  @TempDir Path dir;
  final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  HttpResponse<String> get(URI uri, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anIdentityProvidersTokensWorkOnEveryDoorWithTheirClaimedRoles() throws Exception {
    Path warehouse = dir.resolve("lake");
    try (Lake lake = Lake.open(LakeConfig.embedded(warehouse))) {
      ServeAuthTest.table(lake, "fraud.features", "{\"entity\": \"acct-1\", \"amount\": 42}");
      ServeAuthTest.table(lake, "secret.salaries", "{\"entity\": \"ceo\", \"amount\": 987654}");
    }
    try (TestIssuer issuer = TestIssuer.start();
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
                "0",
                "--console-port",
                "0",
                "--oidc-issuer",
                issuer.issuer(),
                "--oidc-audience",
                TestIssuer.AUDIENCE,
                "--oidc-principal-claim",
                "email",
                "--oidc-roles-claim",
                "groups")) {
      Matcher m = serve.await(STARTED);
      String grpc = "127.0.0.1:" + m.group(1);
      CliHarness cli = new CliHarness(warehouse);
      cli.ok("auth", "grant", "fraud-readers", "--privilege", "read", "--on", "fraud");
      cli.ok("auth", "grant", "fraud-readers", "--privilege", "lineage", "--on", "fraud");
      cli.ok("auth", "grant", "pipelines", "--privilege", "write", "--on", "fraud");

      String alice =
          issuer.token(
              "u-1",
              c ->
                  c.claim("email", "alice@example.com")
                      .claim("groups", List.of("fraud-readers", "not-a-role", "/org/team")));
      String pipeline =
          issuer.token(
              "u-2", c -> c.claim("email", "etl@example.com").claim("groups", "pipelines"));
      String expired =
          issuer.token(
              "u-1",
              c ->
                  c.claim("email", "alice@example.com")
                      .claim("groups", List.of("fraud-readers"))
                      .expirationTime(Date.from(Instant.now().minusSeconds(600))));
      String wrongAudience =
          issuer.token(
              "u-1",
              c ->
                  c.claim("email", "alice@example.com")
                      .claim("groups", List.of("fraud-readers"))
                      .audience("someone-else"));
      String local =
          issuer.token(
              "u-3", c -> c.claim("email", "local").claim("groups", List.of("fraud-readers")));

      // gRPC, through the CLI
      assertThat(cli.ok("auth", "whoami", "--token", alice))
          .contains("alice@example.com", "fraud-readers", "read on fraud")
          .doesNotContain("not-a-role");
      CliHarness.Result rows =
          CliHarness.runExactly(
              "sql", "--server", grpc, "--token", alice, "-e", "SELECT amount FROM fraud.features");
      assertThat(rows.exitCode()).as(rows.err()).isZero();
      assertThat(rows.out()).contains("42");
      CliHarness.Result hidden =
          CliHarness.runExactly(
              "sql", "--server", grpc, "--token", alice, "-e", "SELECT * FROM secret.salaries");
      assertThat(hidden.exitCode()).isEqualTo(1);
      assertThat(hidden.err()).contains("does not exist").doesNotContain("987654");
      for (String bad : List.of(expired, wrongAudience, local, alice + "x")) {
        CliHarness.Result refused = cli.run("auth", "whoami", "--token", bad);
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("UNAUTHENTICATED");
      }

      // PostgreSQL: psql sends the token as a cleartext password (loopback here; TLS elsewhere)
      int pg = Integer.parseInt(m.group(4));
      List<String> ok = psql(pg, "alice", alice, "SELECT amount FROM fraud.features");
      assertThat(ok.get(0)).as(ok.toString()).isEqualTo("0");
      assertThat(ok.get(1)).contains("42");
      List<String> refusedRows = psql(pg, "alice", alice, "SELECT amount FROM secret.salaries");
      assertThat(refusedRows.get(0)).isNotEqualTo("0");
      assertThat(String.join("\n", refusedRows)).doesNotContain("987654");
      for (String bad : List.of(expired, local)) {
        List<String> wrong = psql(pg, "alice", bad, "SELECT 1");
        assertThat(wrong.get(0)).isNotEqualTo("0");
        assertThat(String.join("\n", wrong)).contains("authentication failed");
      }

      // the Iceberg REST catalog, the token as bearer
      URI rest = URI.create(m.group(5));
      HttpResponse<String> tables = get(rest.resolve("/v1/namespaces/fraud/tables"), alice);
      assertThat(tables.statusCode()).as(tables.body()).isEqualTo(200);
      assertThat(tables.body()).contains("features");
      assertThat(get(rest.resolve("/v1/namespaces/secret/tables/salaries"), alice).statusCode())
          .isIn(403, 404);
      assertThat(get(rest.resolve("/v1/config"), expired).statusCode()).isEqualTo(401);
      assertThat(get(rest.resolve("/v1/config"), local).statusCode()).isEqualTo(401);

      // an access token bought with an OIDC token (and one exchanged from it) ends with it
      String shortLived =
          issuer.token(
              "u-1",
              c ->
                  c.claim("email", "alice@example.com")
                      .expirationTime(Date.from(Instant.now().plusSeconds(120))));
      HttpResponse<String> bought =
          http.send(
              HttpRequest.newBuilder(rest.resolve("/v1/oauth/tokens"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "grant_type=client_credentials&client_id=alice&client_secret="
                              + shortLived))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(bought.statusCode()).as(bought.body()).isEqualTo(200);
      var boughtJson = new com.fasterxml.jackson.databind.ObjectMapper().readTree(bought.body());
      assertThat(boughtJson.get("expires_in").asLong()).isBetween(1L, 120L);
      HttpResponse<String> exchanged =
          http.send(
              HttpRequest.newBuilder(rest.resolve("/v1/oauth/tokens"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "grant_type=urn:ietf:params:oauth:grant-type:token-exchange"
                              + "&subject_token_type=urn:ietf:params:oauth:token-type:access_token"
                              + "&subject_token="
                              + boughtJson.get("access_token").asText()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
      assertThat(
              new com.fasterxml.jackson.databind.ObjectMapper()
                  .readTree(exchanged.body())
                  .get("expires_in")
                  .asLong())
          .isBetween(1L, 120L);

      // the console, the token as bearer
      URI console = URI.create(m.group(3));
      HttpResponse<String> listed = get(console.resolve("/api/v1/tables"), alice);
      assertThat(listed.statusCode()).isEqualTo(200);
      assertThat(listed.body()).contains("fraud.features").doesNotContain("secret.salaries");
      assertThat(get(console.resolve("/api/v1/tables"), expired).statusCode()).isEqualTo(401);

      // OpenLineage: write somewhere is needed
      URI lineage = URI.create(m.group(2) + "/api/v1/lineage");
      assertThat(post(http, lineage, EVENT, pipeline).statusCode()).isBetween(200, 299);
      assertThat(post(http, lineage, EVENT, alice).statusCode()).isEqualTo(403);
      assertThat(post(http, lineage, EVENT, expired).statusCode()).isEqualTo(401);
      assertThat(post(http, lineage, EVENT, local).statusCode()).isEqualTo(401);

      // the audit log names the IdP's principal (entries are batched: wait for the flush)
      String admin =
          java.nio.file.Files.readString(warehouse.resolve(".tracelake").resolve("token")).strip();
      String principals = "";
      for (int i = 0; i < 120 && !principals.contains("alice@example.com"); i++) {
        Thread.sleep(250);
        CliHarness.Result audit =
            CliHarness.runExactly(
                "sql",
                "--server",
                grpc,
                "--token",
                admin,
                "-e",
                "SELECT DISTINCT principal, client_user FROM tracelake.audit"
                    + " WHERE principal LIKE '%example.com'");
        assertThat(audit.exitCode()).as(audit.err()).isZero();
        principals = audit.out();
      }
      assertThat(principals).contains("alice@example.com").contains("oidc");
    }
  }
}
