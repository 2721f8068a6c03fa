package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeOpenLineageTest {
  private static final String EVENT =
      """
      {"eventType": "COMPLETE",
       "eventTime": "2026-01-01T00:00:00Z",
       "producer": "https://example.com/airflow",
       "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
       "run": {"runId": "0190a7e0-0000-7000-8000-000000000001"},
       "job": {"namespace": "airflow", "name": "nightly_features"},
       "inputs": [], "outputs": []}
      """;

  @TempDir Path dir;

  @Test
  void serveAcceptsOpenLineageEventsOnItsOwnPort() throws Exception {
    RunningServe serve =
        RunningServe.start(
            "--warehouse",
            dir.resolve("lake").toString(),
            "--port",
            "0",
            "--openlineage-port",
            "0");
    Matcher m =
        serve.await(Pattern.compile("OpenLineage on (http://127\\.0\\.0\\.1:\\d+/api/v1/lineage)"));
    URI endpoint = URI.create(m.group(1));
    try {
      HttpClient http = HttpClient.newHttpClient();
      // under access control (the default) events need a token; the server's own holds write
      assertThat(post(http, endpoint, EVENT, null).statusCode()).isEqualTo(401);
      String token = localToken(dir.resolve("lake"));
      HttpResponse<String> accepted = post(http, endpoint, EVENT, token);
      HttpResponse<String> rejected =
          post(
              http,
              endpoint,
              EVENT.replace("\"producer\": \"https://example.com/airflow\",", ""),
              token);

      assertThat(accepted.statusCode()).as("body: %s", accepted.body()).isEqualTo(201);
      assertThat(accepted.body()).contains("0190a7e0-0000-7000-8000-000000000001");
      assertThat(rejected.statusCode()).isEqualTo(400);
      assertThat(rejected.body()).contains("Missing required field 'producer'");
    } finally {
      serve.stop();
    }
    assertThat(serve.isAlive()).isFalse();
    assertThat(serve.exitCode()).isZero();
  }

  @Test
  void serveEmitsRunEventsOfIngestedRunsToTheConfiguredUrl() throws Exception {
    java.util.List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer marquez =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    marquez.createContext(
        "/api/v1/lineage",
        exchange -> {
          received.add(new String(exchange.getRequestBody().readAllBytes(), "UTF-8"));
          exchange.sendResponseHeaders(201, -1);
          exchange.close();
        });
    marquez.start();
    RunningServe serve =
        RunningServe.start(
            "--warehouse",
            dir.resolve("lake").toString(),
            "--port",
            "0",
            "--openlineage-port",
            "-1",
            "--openlineage-url",
            "http://127.0.0.1:" + marquez.getAddress().getPort(),
            "--openlineage-namespace",
            "fraud-team");
    try {
      int grpcPort = serve.grpcPort();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      try (dev.tracelake.client.TracelakeClient client =
              dev.tracelake.client.TracelakeClient.connect(
                  "127.0.0.1:" + grpcPort, localToken(dir.resolve("lake")));
          org.apache.arrow.memory.RootAllocator allocator =
              new org.apache.arrow.memory.RootAllocator()) {
        org.apache.arrow.vector.types.pojo.Schema schema =
            new org.apache.arrow.vector.types.pojo.Schema(
                java.util.List.of(
                    org.apache.arrow.vector.types.pojo.Field.nullable(
                        "score",
                        new org.apache.arrow.vector.types.pojo.ArrowType.FloatingPoint(
                            org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE))));
        client.createTable("scores", schema);
        dev.tracelake.client.Provenance provenance =
            dev.tracelake.client.Provenance.builder()
                .codeCommit("abc123")
                .model("fraud", "v3")
                .runId("scoring-run-42")
                .producer("scoring-service")
                .build();
        try (dev.tracelake.client.TableWriter writer =
            client.openWriter("scores", "w1", provenance)) {
          writer.appendRows(java.util.List.of(java.util.Map.of("score", 0.5))).join();
        }
      }
      while (System.nanoTime() < deadline
          && received.stream().noneMatch(e -> e.contains("scoring-run-42"))) {
        Thread.sleep(20);
      }
      String event =
          received.stream().filter(e -> e.contains("scoring-run-42")).findFirst().orElseThrow();
      assertThat(event)
          .contains("\"eventType\":\"START\"")
          .contains("fraud-team")
          .contains("default.scores")
          .contains("abc123");
    } finally {
      serve.stop();
      marquez.stop(0);
    }
  }

  @Test
  void theOpenLineagePortComesFromFlagEnvFileOrDefaultAndMinusOneDisablesIt() {
    Properties file = new Properties();
    assertThat(parse().settings.openLineagePort(file))
        .isEqualTo(ServeCommand.DEFAULT_OPENLINEAGE_PORT);
    file.setProperty("openlineage-port", "-1");
    assertThat(parse().settings.openLineagePort(file)).isEqualTo(-1);
    assertThat(parse("--openlineage-port", "9000").settings.openLineagePort(file)).isEqualTo(9000);
  }

  @Test
  void anOpenLineagePortOutOfRangeIsAUsageErrorNamingIt() {
    StringWriter err = new StringWriter();
    int code =
        TracelakeCli.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(err, true))
            .execute(
                "serve",
                "--warehouse",
                dir.resolve("lake").toString(),
                "--openlineage-port",
                "70000");

    assertThat(code).isEqualTo(TracelakeCli.EXIT_USAGE);
    assertThat(err.toString())
        .contains("openlineage-port (TRACELAKE_OPENLINEAGE_PORT) must be -1 (disabled)")
        .contains("got 70000");
  }

  private static ServeCommand parse(String... args) {
    ServeCommand command = new ServeCommand();
    CommandLine commandLine = new CommandLine(command);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.parseArgs(args);
    return command;
  }

  /** The server's own token, as the CLI on this machine finds it. */
  static String localToken(Path warehouse) throws java.io.IOException {
    return java.nio.file.Files.readString(warehouse.resolve(".tracelake").resolve("token")).strip();
  }

  private static HttpResponse<String> post(HttpClient http, URI endpoint, String body, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
