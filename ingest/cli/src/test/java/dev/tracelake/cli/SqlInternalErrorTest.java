package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracelake sql} as a process, on a lake whose data file went missing under it (an internal
 * failure, not the user's fault): one line that says so and points at --verbose, no stack trace;
 * with --verbose, the cause and its stack trace.
 */
class SqlInternalErrorTest {
  @TempDir Path dir;

  @Test
  void anInternalFailurePrintsNoStackTraceUnlessVerbose() throws Exception {
    CliHarness cli = new CliHarness(dir.resolve("warehouse"));
    cli.json("demo", "--rows", "5");
    try (Stream<Path> files = Files.walk(dir.resolve("warehouse").resolve("demo"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        Files.delete(f);
      }
    }
    String sql = "SELECT count(*) FROM demo.features";

    Run quiet = tracelake("sql", "--warehouse", dir.resolve("warehouse").toString(), "-e", sql);
    assertThat(quiet.exitCode()).isEqualTo(1);
    assertThat(quiet.err())
        .contains("error: internal error in the SQL engine (run with --verbose to see its cause)")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");

    Run verbose =
        tracelake(
            "sql", "--warehouse", dir.resolve("warehouse").toString(), "-e", sql, "--verbose");
    assertThat(verbose.exitCode()).isEqualTo(1);
    assertThat(verbose.err()).contains("Query 1 failed").contains("\tat ");
  }

  private record Run(int exitCode, String err) {}

  private static Run tracelake(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    command.add("-Xmx384m");
    // the product's logging configuration, not the tests' logback-test.xml on this class path
    command.add(
        "-Dlogback.configurationFile="
            + Path.of(SqlInternalErrorTest.class.getResource("/logback.xml").toURI()));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(TracelakeCli.class.getName());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("tracelake did not finish; stderr: " + err);
    }
    return new Run(process.exitValue(), err);
  }
}
