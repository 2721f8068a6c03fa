package dev.tracelake.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile names and bodies at the doors' access checks (the REST catalog's namespace and table
 * visibility, the console's table gate, the OpenLineage gate): huge, empty, control characters,
 * another script, path tricks, wrong types. Each gets a 4xx that says nothing about tables the
 * caller cannot see, never a 500; the lake is unchanged and the doors keep answering.
 */
class DoorsHostileInputTest {
  @TempDir Path warehouse;
  AuthServerFixture fx;
  HttpDoors doors;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  static final List<String> HOSTILE_NAMES =
      List.of(
          "x".repeat(10_000),
          "%00",
          "%0Asecret",
          "secret%0D%0AX-Injected:%201",
          "s%C3%A9cr%C3%A9t",
          "%E7%A7%98%E5%AF%86",
          "%F0%9F%92%A5",
          "%FF%FE",
          "..",
          "secret%2F..%2Ffraud",
          "SECRET",
          "%20secret",
          "secret%1Ffraud",
          "*");

  @BeforeEach
  void start() {
    fx = new AuthServerFixture(warehouse);
    doors = HttpDoors.start(fx);
  }

  @AfterEach
  void stop() throws InterruptedException {
    doors.close();
    fx.close();
  }

  HttpResponse<String> send(String base, String path, String method, String body, String who)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + fx.tokens.get(who))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  String restBase() {
    return doors.restBase();
  }

  String consoleBase() {
    return doors.consoleBase();
  }

  @Test
  void hostileNamespaceAndTableNamesGetAClientErrorAndRevealNothing() throws Exception {
    String before = fx.fingerprint();
    for (String who : List.of("reader", "nobody", "admin")) {
      for (String name : HOSTILE_NAMES) {
        for (String path :
            List.of(
                "/v1/namespaces/" + name,
                "/v1/namespaces/" + name + "/tables",
                "/v1/namespaces/fraud/tables/" + name,
                "/v1/namespaces/" + name + "/tables/salaries",
                "/v1/namespaces/" + name + "/tables/" + name + "/credentials")) {
          HttpResponse<String> r = send(restBase(), path, "GET", null, who);
          String what = who + " GET " + path.substring(0, Math.min(path.length(), 120));
          assertThat(r.statusCode()).as(what).isBetween(400, 499);
          if (!who.equals("admin")) {
            assertThat(r.body()).as(what).doesNotContain("may not read");
            if (!path.contains("salaries")) {
              assertThat(r.body()).as(what).doesNotContain("salaries");
            }
          }
          assertThat(r.body())
              .as(what)
              .doesNotContainIgnoringCase("exception:")
              .hasSizeLessThan(20_000);
        }
      }
    }
    // the listing a reader gets is unchanged by all of it, and so is the lake
    assertThat(send(restBase(), "/v1/namespaces", "GET", null, "reader").body())
        .contains("fraud")
        .doesNotContain("secret");
    assertThat(fx.fingerprint()).isEqualTo(before);
  }

  @Test
  void hostileTableParametersAtTheConsoleGetAClientErrorAndRevealNothing() throws Exception {
    String before = fx.fingerprint();
    for (String name : HOSTILE_NAMES) {
      for (String param : List.of(name, "secret." + name, name + ".salaries", "fraud." + name)) {
        for (String api : List.of("/api/v1/table", "/api/v1/rows", "/api/v1/snapshots")) {
          HttpResponse<String> r =
              send(consoleBase(), api + "?table=" + param, "GET", null, "reader");
          String what = api + "?table=" + param.substring(0, Math.min(param.length(), 80));
          assertThat(r.statusCode()).as(what + ": " + r.body()).isBetween(400, 499);
          assertThat(r.body()).as(what).doesNotContain("may not read");
        }
      }
    }
    assertThat(
            send(consoleBase(), "/api/v1/table?table=fraud.features", "GET", null, "reader")
                .statusCode())
        .isEqualTo(200);
    assertThat(fx.fingerprint()).isEqualTo(before);
  }

  @Test
  void hostileOpenLineageBodiesFromAWriterAreRefusedAndAudited() throws Exception {
    String base = doors.openLineageBase();
    for (String body :
        List.of(
            "",
            "null",
            "[]",
            "\"COMPLETE\"",
            "{\"eventType\": 7}",
            "{".repeat(5_000),
            "{\"eventType\": \"COMPLETE\", \"run\": {\"runId\": \"\\u0000\"}}",
            "{\"eventType\": \"COMPLETE\", \"run\": {\"runId\": \""
                + "9".repeat(100_000)
                + "\"}}")) {
      HttpResponse<String> r = send(base, "/api/v1/lineage", "POST", body, "writer");
      assertThat(r.statusCode())
          .as(body.substring(0, Math.min(body.length(), 60)))
          .isBetween(400, 499);
    }
    fx.audit.flush();
    // every refused event is in the log under the writer's name, none of them as OK
    List<String> outcomes =
        fx.sql(
            "auditor",
            "SELECT principal, outcome FROM tracelake.audit WHERE action = 'openlineage/POST'");
    assertThat(outcomes)
        .hasSize(8)
        .allSatisfy(o -> assertThat(o).startsWith("writer|").doesNotEndWith("|OK"));
    // and the endpoint still takes a good event
    String good =
        "{\"eventType\": \"START\", \"eventTime\": \"2026-12-01T11:00:00Z\", \"run\": {\"runId\":"
            + " \"0190a6f2-6c1b-7d7e-9a61-5d4f3c2b1a02\"}, \"job\": {\"namespace\": \"a\", \"name\":"
            + " \"b\"}, \"producer\": \"https://example.com\", \"schemaURL\":"
            + " \"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent\"}";
    assertThat(send(base, "/api/v1/lineage", "POST", good, "writer").statusCode()).isEqualTo(201);
  }

  /**
   * Lake datasets an event names, spelled to slip past the per-table check: other case, padding,
   * control characters, another script, path tricks, a wildcard, a version glued on. A writer on
   * {@code fraud} gets a 4xx for each, whether it names them as an output or an input, and nothing
   * is registered.
   */
  @Test
  void hostileLakeDatasetNamesInOpenLineageEventsAreRefused() throws Exception {
    List<String> names =
        List.of(
            "SECRET.SALARIES",
            "secret.Salaries",
            " secret.salaries",
            "secret.salaries\n",
            "secret.salaries\u0000",
            "secret.salaries\u001ffraud",
            "secret\u2024salaries", // one dot leader, not a full stop
            "s\u0435cret.salaries", // Cyrillic e
            "fraud.predictions/../../secret.salaries",
            "fraud/../secret.salaries",
            "secret.salaries@1",
            "secret.*",
            "*",
            "secret",
            "",
            "x".repeat(10_000));
    String base = doors.openLineageBase();
    String before = fx.fingerprint();
    int run = 0;
    for (String name : names) {
      String dataset = "{\"namespace\": \"tracelake\", \"name\": \"" + name + "\"}";
      for (boolean output : new boolean[] {true, false}) {
        String event =
            "{\"eventType\": \"COMPLETE\", \"eventTime\": \"2026-12-01T11:00:00Z\","
                + " \"run\": {\"runId\": \"0190a6f2-6c1b-7d7e-9a61-5d4f3c2b%04x\"},"
                    .formatted(run++)
                + " \"job\": {\"namespace\": \"a\", \"name\": \"b\"},"
                + (output
                    ? " \"inputs\": [], \"outputs\": [" + dataset + "],"
                    : " \"inputs\": [" + dataset + "], \"outputs\": [],")
                + " \"producer\": \"https://example.com\", \"schemaURL\":"
                + " \"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent\"}";
        HttpResponse<String> r = send(base, "/api/v1/lineage", "POST", event, "writer");
        assertThat(r.statusCode())
            .as("%s as %s: %s", name.substring(0, Math.min(name.length(), 40)), output, r.body())
            .isBetween(400, 499);
      }
    }
    // nothing registered: no run of these events is known
    assertThat(
            fx.with(
                    dev.tracelake.proto.v1.LineageServiceGrpc.newBlockingStub(fx.channel),
                    "Bearer " + fx.tokens.get("admin"))
                .listRuns(dev.tracelake.proto.v1.ListRunsRequest.getDefaultInstance())
                .getRunsList())
        .noneMatch(r -> r.getRunId().startsWith("0190a6f2-6c1b-7d7e-9a61-5d4f3c2b"));
    assertThat(fx.fingerprint()).isEqualTo(before);
  }
}
