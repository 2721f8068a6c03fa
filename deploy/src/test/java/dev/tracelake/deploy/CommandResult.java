package dev.tracelake.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Exit code and output of a finished external command. */
record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
  CommandResult {
    command = List.copyOf(command);
  }

  /**
   * Runs a command to completion.
   *
   * @throws IllegalStateException if the program cannot be started or does not finish in time
   */
  static CommandResult run(List<String> command, Map<String, String> env, Duration timeout) {
    try {
      Path out = Files.createTempFile("deploy-test", ".out");
      Path err = Files.createTempFile("deploy-test", ".err");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process process;
        try {
          process = builder.start();
        } catch (IOException e) {
          throw new IllegalStateException(
              "Cannot start " + command.get(0) + " (" + e.getMessage() + ")", e);
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(command + " did not finish within " + timeout);
        }
        return new CommandResult(
            command,
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + command, e);
    }
  }

  /** Returns stdout, or throws naming the command, its exit code and stderr if it failed. */
  String stdoutIfSucceeded() {
    if (exitCode != 0) {
      throw new IllegalStateException(
          String.format("%s exited with %d: %s", command, exitCode, stderr.strip()));
    }
    return stdout;
  }
}
