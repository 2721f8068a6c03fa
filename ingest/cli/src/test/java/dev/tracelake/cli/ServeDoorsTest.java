package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracelake serve} opens the PostgreSQL endpoint and the REST catalog with its token. */
class ServeDoorsTest {
  private static final Pattern DOORS =
      Pattern.compile(
          "Tracelake doors: PostgreSQL on 127\\.0\\.0\\.1:(\\d+), Iceberg REST catalog on"
              + " (http://127\\.0\\.0\\.1:\\d+) \\(password / bearer token: the token in (\\S+)\\)");

  @TempDir Path dir;

  @Test
  void serveOpensBothDoorsWithATokenOnlyItsUserCanRead() throws Exception {
    Path lake = dir.resolve("lake");
    RunningServe serve =
        RunningServe.start(
            "--warehouse",
            lake.toString(),
            "--port",
            "0",
            "--openlineage-port",
            "-1",
            "--metrics-port",
            "-1",
            "--pg-port",
            "0",
            "--rest-port",
            "0");
    try {
      Matcher m = serve.await(DOORS);
      Path tokenFile = Path.of(m.group(3));
      assertThat(tokenFile).isEqualTo(lake.resolve(".tracelake").resolve("token").toAbsolutePath());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
          .isEqualTo("rw-------");
      String token = Files.readString(tokenFile).strip();
      assertThat(token).startsWith("tl_").hasSizeGreaterThan(40);

      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:postgresql://127.0.0.1:" + m.group(1) + "/tracelake", "analyst", token);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM runs")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isZero();
      }
      HttpResponse<String> config =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(m.group(2) + "/v1/config"))
                      .header("Authorization", "Bearer " + token)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(config.statusCode()).isEqualTo(200);
      assertThat(config.body()).contains("GET /v1/{prefix}/namespaces/{namespace}/tables/{table}");
    } finally {
      serve.stop();
    }
  }

  @Test
  void withoutAccessControlDoorsRefuseANetworkAddressUnlessAllowed() throws Exception {
    RunningServe serve =
        RunningServe.start(
            "--warehouse",
            dir.resolve("lake").toString(),
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--openlineage-port",
            "-1",
            "--metrics-port",
            "-1",
            "--insecure-no-auth");
    assertThat(serve.awaitExit()).isEqualTo(2);
    assertThat(serve.stderr())
        .contains(
            "The PostgreSQL endpoint listens on loopback only when access control is off"
                + " (--insecure-no-auth)")
        .contains("0.0.0.0 is not a loopback address")
        .contains("--doors-allow-remote");
  }

  @Test
  void underAccessControlDoorsListenOnANetworkAddressAndStillAskForAToken() throws Exception {
    Path lake = dir.resolve("lake");
    RunningServe serve =
        RunningServe.start(
            "--warehouse",
            lake.toString(),
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--openlineage-port",
            "-1",
            "--metrics-port",
            "-1",
            "--console-port",
            "-1",
            "--pg-port",
            "0",
            "--rest-port",
            "0");
    try {
      Matcher m =
          serve.await(
              Pattern.compile(
                  "Tracelake doors: PostgreSQL on 0\\.0\\.0\\.0:(\\d+), Iceberg REST catalog on"
                      + " (http://\\S+:\\d+)"));
      HttpResponse<String> anonymous =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              m.group(2).replaceFirst("//[^:/]+:", "//127.0.0.1:") + "/v1/config"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      String token = Files.readString(lake.resolve(".tracelake").resolve("token")).strip();
      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:postgresql://127.0.0.1:" + m.group(1) + "/tracelake", "analyst", token);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM runs")) {
        assertThat(rs.next()).isTrue();
      }
    } finally {
      serve.stop();
    }
  }
}
