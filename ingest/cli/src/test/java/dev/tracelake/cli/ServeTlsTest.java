package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.client.TracelakeClient;
import dev.tracelake.client.TracelakeException;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.tls.TestPki;
import dev.tracelake.tls.TestPki.IdentityFiles;
import dev.tracelake.tls.TestPki.Issued;
import dev.tracelake.tls.TestPki.KeyFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracelake serve --tls-cert --tls-key --tls-client-ca}: every listener but metrics over TLS
 * from one pair of PEM files, reached by clients we did not write (curl, psql) as well as ours (the
 * CLI, the Java client, the JDK's HttpClient), client certificates naming principals, and bad files
 * refused at start.
 */
class ServeTlsTest {
  private static final Pattern STARTED =
      Pattern.compile(
          "serving gRPC over TLS \\(client certificates optional\\) on 127\\.0\\.0\\.1:(\\d+),"
              + " OpenLineage on (https://127\\.0\\.0\\.1:\\d+)\\S*, metrics on (\\S+),"
              + " console on (https://\\S+/) .*\\n.*PostgreSQL on 127\\.0\\.0\\.1:(\\d+),"
              + " Iceberg REST catalog on (https://\\S+) ");

  static final Issued CA = TestPki.ca("Serve TLS Test CA");

  @TempDir Path dir;

  @Test
  void everyListenerButMetricsServesTlsAndClientCertificatesNamePrincipals() throws Exception {
    Path warehouse = dir.resolve("lake");
    try (Lake lake = Lake.open(LakeConfig.embedded(warehouse))) {
      ServeAuthTest.table(lake, "fraud.features", "{\"entity\": \"acct-1\", \"amount\": 42}");
    }
    IdentityFiles server =
        TestPki.write(
            dir.resolve("server"), TestPki.server(CA, TestPki.rsa()), CA, KeyFormat.TRADITIONAL);
    Path ca = TestPki.writeCa(dir.resolve("ca.crt"), CA);
    IdentityFiles reader =
        TestPki.write(dir.resolve("reader"), TestPki.client(CA, "reader"), CA, KeyFormat.PKCS8);
    CliHarness cli = new CliHarness(warehouse);
    RunningServe serve =
        RunningServe.start(
            "--warehouse", warehouse.toString(),
            "--port", "0",
            "--openlineage-port", "0",
            "--metrics-port", "0",
            "--metrics-host", "127.0.0.2",
            "--console-port", "0",
            "--pg-port", "0",
            "--rest-port", "0",
            "--tls-cert", server.cert().toString(),
            "--tls-key", server.key().toString(),
            "--tls-client-ca", ca.toString(),
            "--health-port", "0");
    try {
      Matcher m = serve.await(STARTED);
      String grpc = "127.0.0.1:" + m.group(1);
      String token = Files.readString(warehouse.resolve(".tracelake").resolve("token")).strip();

      // the CLI over TLS, with the local token it finds in the warehouse
      assertThat(cli.ok("auth", "whoami", "--server", grpc, "--tls-ca", ca.toString()))
          .contains("local (local)");
      CliHarness.Result rows =
          CliHarness.runExactly(
              "sql",
              "--server",
              grpc,
              "--tls-ca",
              ca.toString(),
              "--token",
              token,
              "-e",
              "SELECT amount FROM fraud.features");
      assertThat(rows.exitCode()).as(rows.err()).isZero();
      assertThat(rows.out()).contains("42");
      // plaintext against the TLS port: a clear failure, and the server stays up
      CliHarness.Result plain = cli.run("auth", "whoami", "--server", grpc);
      assertThat(plain.exitCode()).isEqualTo(1);
      assertThat(plain.err()).contains("UNAVAILABLE");

      // a client certificate names its principal: grant 'reader' and it reads, nothing more
      cli.ok(
          "auth",
          "grant",
          "fraud-readers",
          "--privilege",
          "read",
          "--on",
          "fraud",
          "--server",
          grpc,
          "--tls-ca",
          ca.toString());
      cli.ok(
          "auth",
          "grant",
          "fraud-readers",
          "--principal",
          "reader",
          "--server",
          grpc,
          "--tls-ca",
          ca.toString());
      String whoami =
          cli.ok(
              "auth",
              "whoami",
              "--server",
              grpc,
              "--tls-ca",
              ca.toString(),
              "--tls-cert",
              reader.cert().toString(),
              "--tls-key",
              reader.key().toString());
      assertThat(whoami).contains("reader (service)", "read on fraud (fraud-readers)");
      CliHarness.Result escalate =
          cli.run(
              "auth",
              "token",
              "create",
              "x",
              "--server",
              grpc,
              "--tls-ca",
              ca.toString(),
              "--tls-cert",
              reader.cert().toString(),
              "--tls-key",
              reader.key().toString());
      assertThat(escalate.exitCode()).isEqualTo(1);
      assertThat(escalate.err()).contains("PERMISSION_DENIED");

      // the Java client's builder
      try (TracelakeClient client =
          TracelakeClient.builder(grpc)
              .tls(ca)
              .clientCertificate(reader.cert(), reader.key())
              .connect()) {
        assertThat(client.listTables()).containsExactly("fraud.features");
      }
      try (TracelakeClient noTrust =
          TracelakeClient.builder(grpc).tls().bearerToken(token).connect()) {
        TracelakeException e =
            org.assertj.core.api.Assertions.catchThrowableOfType(
                TracelakeException.class, noTrust::listTables);
        assertThat(e.code()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
      }

      // HTTPS doors, with the JDK's client trusting the CA
      HttpClient https = HttpClient.newBuilder().sslContext(trusting(ca)).build();
      String event =
          "{\"eventType\":\"START\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"run\":{\"runId\":"
              + "\"3f5e83fa-3480-44ff-99c5-ff943904e5e8\"},\"job\":{\"namespace\":\"n\",\"name\":"
              + "\"j\"},\"producer\":\"p\",\"schemaURL\":\"https://openlineage.io/spec/2-0-2/"
              + "OpenLineage.json#/$defs/RunEvent\"}";
      URI lineage = URI.create(m.group(2) + "/api/v1/lineage");
      assertThat(ServeAuthTest.post(https, lineage, event, null).statusCode()).isEqualTo(401);
      assertThat(ServeAuthTest.post(https, lineage, event, token).statusCode()).isBetween(200, 299);
      // the JDK's default trust store does not know the test CA
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> ServeAuthTest.post(HttpClient.newHttpClient(), lineage, event, token))
          .isInstanceOf(SSLHandshakeException.class);
      URI console = URI.create(m.group(4));
      // signing in over HTTPS sets a session cookie a browser never sends over plaintext
      HttpResponse<String> signIn =
          https.send(
              HttpRequest.newBuilder(URI.create(console + "?key=" + token)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(303);
      assertThat(signIn.headers().allValues("set-cookie"))
          .singleElement()
          .satisfies(c -> assertThat(c).contains("Secure", "HttpOnly"));
      URI restConfig = URI.create(m.group(6) + "/v1/config");
      HttpResponse<String> config =
          https.send(
              HttpRequest.newBuilder(restConfig)
                  .header("Authorization", "Bearer " + token)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(config.statusCode()).as(config.body()).isEqualTo(200);
      // curl, a client we did not write, by name (the certificate names localhost)
      if (onPath("curl")) {
        String localhostUrl = m.group(6).replace("127.0.0.1", "localhost") + "/v1/config";
        List<String> curl =
            run(
                List.of(
                    "curl",
                    "-sS",
                    "--cacert",
                    ca.toString(),
                    "-H",
                    "Authorization: Bearer " + token,
                    localhostUrl),
                null);
        assertThat(curl.get(0)).as(curl.toString()).isEqualTo("0");
        assertThat(String.join("\n", curl)).contains("defaults");
        List<String> untrusted = run(List.of("curl", "-sS", localhostUrl), null);
        assertThat(untrusted.get(0)).isNotEqualTo("0");
      }

      // probes that cannot speak TLS (kubelet's) ask a plaintext port that serves health only
      int healthPort =
          Integer.parseInt(
              serve
                  .await(
                      Pattern.compile(
                          "health checks \\(plaintext gRPC\\) on 127\\.0\\.0\\.1:(\\d+)"))
                  .group(1));
      io.grpc.ManagedChannel health =
          io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", healthPort)
              .usePlaintext()
              .build();
      try {
        for (String service : List.of("", "liveness")) {
          assertThat(
                  io.grpc.health.v1.HealthGrpc.newBlockingStub(health)
                      .withDeadlineAfter(30, TimeUnit.SECONDS)
                      .check(
                          io.grpc.health.v1.HealthCheckRequest.newBuilder()
                              .setService(service)
                              .build())
                      .getStatus())
              .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        }
        io.grpc.StatusRuntimeException nothingElse =
            org.assertj.core.api.Assertions.catchThrowableOfType(
                io.grpc.StatusRuntimeException.class,
                () ->
                    dev.tracelake.proto.v1.IngestServiceGrpc.newBlockingStub(health)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .listTables(dev.tracelake.proto.v1.ListTablesRequest.getDefaultInstance()));
        assertThat(nothingElse.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNIMPLEMENTED);
      } finally {
        health.shutdownNow();
      }

      // metrics stay plaintext on their own address
      HttpResponse<String> metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(m.group(3))).GET().build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(m.group(3)).startsWith("http://127.0.0.2:");
      assertThat(metrics.statusCode()).isEqualTo(200);

      // psql verifies the server's certificate against the CA and its name
      if (onPath("psql")) {
        int pg = Integer.parseInt(m.group(5));
        List<String> ok =
            run(
                List.of(
                    "psql",
                    "host=localhost port="
                        + pg
                        + " dbname=tracelake user=local sslmode=verify-full sslrootcert="
                        + ca,
                    "-X",
                    "-A",
                    "-t",
                    "-c",
                    "SELECT amount FROM fraud.features"),
                token);
        assertThat(ok.get(0)).as(ok.toString()).isEqualTo("0");
        assertThat(ok).contains("42");
        List<String> wrongCa =
            run(
                List.of(
                    "psql",
                    "host=localhost port="
                        + pg
                        + " dbname=tracelake user=local sslmode=verify-full sslrootcert="
                        + TestPki.writeCa(dir.resolve("other-ca.crt"), TestPki.ca("Other CA")),
                    "-X",
                    "-A",
                    "-t",
                    "-c",
                    "SELECT 1"),
                token);
        assertThat(wrongCa.get(0)).isNotEqualTo("0");
        assertThat(String.join("\n", wrongCa)).contains("certificate verify failed");
      }
    } finally {
      serve.stop();
    }
  }

  @Test
  void badTlsFilesStopServeWithTheFileNamed() throws Exception {
    IdentityFiles server =
        TestPki.write(dir.resolve("server"), TestPki.server(CA, TestPki.ec()), CA, KeyFormat.PKCS8);
    Path otherKey = dir.resolve("other.key");
    Files.writeString(otherKey, TestPki.pem(TestPki.ec().getPrivate(), KeyFormat.PKCS8));
    List<List<String>> cases =
        List.of(
            List.of("--tls-cert", server.cert().toString(), "--tls-key", otherKey.toString()),
            List.of(
                "--tls-cert",
                dir.resolve("missing.crt").toString(),
                "--tls-key",
                server.key().toString()),
            List.of("--tls-cert", server.cert().toString()),
            List.of("--tls-client-ca", server.cert().toString()),
            List.of(
                "--tls-cert",
                server.cert().toString(),
                "--tls-key",
                server.key().toString(),
                "--tls-client-auth",
                "maybe"));
    List<String> expected =
        List.of(
            "does not match the certificate in " + server.cert(),
            "missing.crt does not exist",
            "tls-key (TRACELAKE_TLS_KEY) is missing",
            "need tls-cert and tls-key",
            "must be none, optional or require, got 'maybe'");
    for (int i = 0; i < cases.size(); i++) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--warehouse",
                  dir.resolve("lake-" + i).toString(),
                  "--port",
                  "0",
                  "--openlineage-port",
                  "-1",
                  "--metrics-port",
                  "-1",
                  "--console-port",
                  "-1",
                  "--pg-port",
                  "-1",
                  "--rest-port",
                  "-1"));
      args.addAll(cases.get(i));
      RunningServe serve = RunningServe.start(args.toArray(String[]::new));
      assertThat(serve.awaitExit()).as(serve.stderr()).isEqualTo(2);
      assertThat(serve.stderr()).contains(expected.get(i));
    }
  }

  static SSLContext trusting(Path caFile) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", CA.certificate());
    TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
    f.init(store);
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(null, f.getTrustManagers(), null);
    return c;
  }

  static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  /** Runs a program; returns its exit code followed by its output lines. */
  static List<String> run(List<String> command, String pgPassword)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (pgPassword != null) {
      pb.environment().put("PGPASSWORD", pgPassword);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> lines = new ArrayList<>();
    lines.add(Integer.toString(p.exitValue()));
    lines.addAll(out.lines().toList());
    return lines;
  }
}
