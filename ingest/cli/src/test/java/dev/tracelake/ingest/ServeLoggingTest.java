package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --log-format json}: every log line on stderr is one JSON object. */
class ServeLoggingTest {
  @TempDir Path dir;

  @Test
  void jsonLogsAreOneObjectPerLineWithLevelLoggerAndMessage() throws Exception {
    List<String> stderr;
    try (ServeProcess serve =
        ServeProcess.start(
            List.of("--warehouse", dir.resolve("lake").toString(), "--metrics-port", "-1"),
            Map.of("TRACELAKE_LOG_FORMAT", "json"))) {
      // a JVM ended by SIGTERM exits 143 (128 + 15) after its shutdown hooks ran
      assertThat(serve.stop(Duration.ofSeconds(30))).isEqualTo(143);
      stderr = new ArrayList<>(serve.stderr());
    }
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> events = new ArrayList<>();
    for (String line : stderr) {
      events.add(json.readTree(line)); // throws on any line that is not JSON
    }
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.path("level").asText()).isEqualTo("INFO");
              assertThat(e.path("loggerName").asText()).isEqualTo(TracelakeServer.class.getName());
              assertThat(e.path("formattedMessage").asText())
                  .startsWith("Tracelake serving gRPC on 127.0.0.1:");
              assertThat(e.path("timestamp").asLong()).isPositive();
            });
    assertThat(events)
        .anySatisfy(
            e ->
                assertThat(e.path("formattedMessage").asText())
                    .isEqualTo("Tracelake server stopped"));
  }

  @Test
  void anUnknownLogFormatIsAUsageErrorNamingTheSetting() throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "dev.tracelake.cli.TracelakeCli",
            "serve",
            "--warehouse",
            dir.resolve("lake").toString());
    builder.environment().put("TRACELAKE_LOG_FORMAT", "xml");
    builder.redirectErrorStream(true);
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).isEqualTo(2);
    assertThat(output)
        .contains("log-format (TRACELAKE_LOG_FORMAT) must be text or json, got 'xml'");
  }
}
