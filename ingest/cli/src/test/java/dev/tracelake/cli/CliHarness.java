package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Runs the command line in-process against one warehouse and captures what it prints. */
final class CliHarness {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path warehouse;

  CliHarness(Path warehouse) {
    this.warehouse = warehouse;
  }

  Path warehouse() {
    return warehouse;
  }

  /** What one run printed and returned. */
  record Result(int exitCode, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (JsonProcessingException e) {
        throw new AssertionError("stdout is not JSON: " + out, e);
      }
    }
  }

  /** Runs {@code tracelake <args> --warehouse <warehouse>}. */
  Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--warehouse");
    all.add(warehouse.toString());
    return runExactly(all.toArray(String[]::new));
  }

  /** Runs {@code tracelake <args>} without adding the warehouse. */
  static Result runExactly(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        TracelakeCli.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true), args)
            .execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** Runs a command that must succeed and returns its JSON output. */
  JsonNode json(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--format");
    all.add("json");
    Result result = run(all.toArray(String[]::new));
    assertThat(result.exitCode()).as("exit code; stderr: %s", result.err()).isZero();
    return result.json();
  }

  /** Runs a command that must succeed and returns its text output. */
  String ok(String... args) {
    Result result = run(args);
    assertThat(result.exitCode()).as("exit code; stderr: %s", result.err()).isZero();
    return result.out();
  }

  /** Returns how many snapshots the table has. */
  int snapshotCount(String table) {
    return json("snapshots", table).size();
  }

  /** Returns the id of the head of main. */
  long mainHead(String table) {
    return json("describe", table).get("currentSnapshot").get("snapshotId").asLong();
  }

  /** Returns how many Parquet files the warehouse holds, committed or not. */
  long parquetFiles() {
    try (Stream<Path> files = Files.walk(warehouse)) {
      return files.filter(p -> p.toString().endsWith(".parquet")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
