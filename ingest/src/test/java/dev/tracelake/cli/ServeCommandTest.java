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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    IngestConfig fromFile = parse().ingestConfig(file);
    assertThat(fromFile.port()).isEqualTo(9001);
    assertThat(fromFile.commitInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(fromFile.host()).isEqualTo("0.0.0.0");

    IngestConfig flags = parse("--port", "9100", "--host", "127.0.0.2").ingestConfig(file);
    assertThat(flags.port()).isEqualTo(9100);
    assertThat(flags.host()).isEqualTo("127.0.0.2");
    assertThat(flags.commitInterval()).isEqualTo(Duration.ofMillis(250));

    IngestConfig defaults = parse().ingestConfig(new Properties());
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
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread serving =
        new Thread(
            () ->
                exit.set(
                    TracelakeCli.newCommandLine(
                            new PrintWriter(out, true), new PrintWriter(err, true))
                        .execute(
                            "serve",
                            "--warehouse",
                            dir.resolve("lake").toString(),
                            "--port",
                            "0",
                            "--openlineage-port",
                            "-1")));
    serving.start();
    Pattern bound = Pattern.compile("serving gRPC on 127\\.0\\.0\\.1:(\\d+)");
    Matcher m = bound.matcher("");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && !(m = bound.matcher(out.toString())).find()) {
      Thread.sleep(20);
    }
    assertThat(m.find(0)).as("server announced its port; stderr: %s", err).isTrue();
    int port = Integer.parseInt(m.group(1));
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      HealthCheckResponse health =
          HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
      assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    serving.interrupt();
    serving.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(serving.isAlive()).isFalse();
    assertThat(exit.get()).isZero();
    assertThat(Files.exists(dir.resolve("lake").resolve("catalog.db"))).isTrue();
  }
}
