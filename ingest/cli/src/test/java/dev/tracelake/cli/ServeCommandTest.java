package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.ingest.IngestConfig;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {
  @TempDir Path dir;

  private static ServeCommand parse(String... args) {
    ServeCommand command = new ServeCommand();
    CommandLine commandLine = new CommandLine(command);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.parseArgs(args);
    return command;
  }

  @Test
  void flagsBeatTheConfigFileWhichBeatsDefaults() {
    Properties file = new Properties();
    file.setProperty("port", "9001");
    file.setProperty("commit-interval-ms", "250");
    file.setProperty("host", "0.0.0.0");

    IngestConfig fromFile = parse().settings.ingestConfig(file);
    assertThat(fromFile.port()).isEqualTo(9001);
    assertThat(fromFile.commitInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(fromFile.host()).isEqualTo("0.0.0.0");

    IngestConfig flags = parse("--port", "9100", "--host", "127.0.0.2").settings.ingestConfig(file);
    assertThat(flags.port()).isEqualTo(9100);
    assertThat(flags.host()).isEqualTo("127.0.0.2");
    assertThat(flags.commitInterval()).isEqualTo(Duration.ofMillis(250));

    IngestConfig defaults = parse().settings.ingestConfig(new Properties());
    assertThat(defaults).isEqualTo(IngestConfig.defaults());
  }

  @Test
  void aBadSettingIsAUsageErrorNamingIt() throws Exception {
    Path config = dir.resolve("tracelake.properties");
    Files.writeString(config, "commit-interval-ms = soon\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        TracelakeCli.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true))
            .execute(
                "serve",
                "--warehouse",
                dir.resolve("lake").toString(),
                "--config",
                config.toString());
    assertThat(code).isEqualTo(TracelakeCli.EXIT_USAGE);
    assertThat(err.toString())
        .contains("commit-interval-ms (TRACELAKE_COMMIT_INTERVAL_MS) must be a number, got 'soon'");
  }

  @Test
  void serveAnswersHealthChecksUntilStopped() throws Exception {
    RunningServe serve =
        RunningServe.start(
            "--warehouse",
            dir.resolve("lake").toString(),
            "--port",
            "0",
            "--openlineage-port",
            "-1");
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", serve.grpcPort()).usePlaintext().build();
    try {
      HealthCheckResponse health =
          HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
      assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    serve.stop();
    assertThat(serve.isAlive()).isFalse();
    assertThat(serve.exitCode()).isZero();
    assertThat(Files.exists(dir.resolve("lake").resolve("catalog.db"))).isTrue();
  }
}
