package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracelake serve} starts the console, which signs in with the server token (the one the
 * PostgreSQL and REST doors take), or leaves it off.
 */
class ServeConsoleTest {
  private static final Pattern CONSOLE =
      Pattern.compile(
          "console on (http://127\\.0\\.0\\.1:(\\d+)/) \\(sign in with the server token in"
              + " ([^)]+)\\)");
  private static final Pattern READY = Pattern.compile("Ctrl-C stops it");

  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @Test
  void theConsoleSignsInWithTheServerTokenFromItsFileAndAnswersNobodyElse() throws Exception {
    try (RunningServe serve =
        RunningServe.start(
            "--warehouse",
            dir.resolve("lake").toString(),
            "--port",
            "0",
            "--openlineage-port",
            "-1",
            "--metrics-port",
            "-1",
            "--pg-port",
            "-1",
            "--rest-port",
            "-1",
            "--console-port",
            "0")) {
      Matcher m = serve.await(CONSOLE);
      URI home = URI.create(m.group(1));
      Path tokenFile = Path.of(m.group(3));
      assertThat(tokenFile)
          .isEqualTo(dir.resolve("lake").resolve(".tracelake").resolve("token").toAbsolutePath());
      String key = Files.readString(tokenFile).strip();
      assertThat(m.group()).doesNotContain(key);

      HttpResponse<String> signIn =
          http.send(
              HttpRequest.newBuilder(URI.create(home + "?key=" + key)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(signIn.statusCode()).isEqualTo(303);
      assertThat(signIn.headers().firstValue("Set-Cookie").orElseThrow())
          .contains("HttpOnly")
          .contains("SameSite=Strict");

      HttpResponse<String> tables =
          http.send(
              HttpRequest.newBuilder(home.resolve("/api/v1/tables"))
                  .header("Authorization", "Bearer " + key)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(tables.statusCode()).isEqualTo(200);
      assertThat(tables.body()).startsWith("{\"tables\":");

      HttpResponse<String> stranger =
          http.send(
              HttpRequest.newBuilder(home.resolve("/api/v1/tables")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(stranger.statusCode()).isEqualTo(401);
    }
  }

  @Test
  void consolePortMinusOneLeavesTheConsoleOff() throws Exception {
    try (RunningServe serve =
        RunningServe.start(
            "--warehouse",
            dir.resolve("lake").toString(),
            "--port",
            "0",
            "--openlineage-port",
            "-1",
            "--metrics-port",
            "-1",
            "--pg-port",
            "-1",
            "--rest-port",
            "-1",
            "--console-port",
            "-1")) {
      serve.await(READY);
      String banner = serve.await(Pattern.compile("serving gRPC on [^\\n]*")).group();
      assertThat(banner).contains("Ctrl-C stops").doesNotContain("console on");
    }
  }

  @Test
  void withoutAccessControlAConsoleHostOtherThanLoopbackIsRefusedUnlessAllowed() {
    // Under access control the console listens where gRPC does (ServeDoorsTest); with
    // --insecure-no-auth an open console on a network address would hand the lake to anyone.
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        TracelakeCli.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true))
            .execute(
                "serve",
                "--warehouse",
                dir.resolve("lake").toString(),
                "--port",
                "0",
                "--openlineage-port",
                "-1",
                "--metrics-port",
                "-1",
                "--pg-port",
                "-1",
                "--rest-port",
                "-1",
                "--console-port",
                "0",
                "--console-host",
                "0.0.0.0",
                "--insecure-no-auth");
    assertThat(code).isEqualTo(TracelakeCli.EXIT_USAGE);
    assertThat(err.toString()).contains("0.0.0.0 is not").contains("loopback");
  }
}
