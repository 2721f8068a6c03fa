package dev.tracelake.pgwire;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a client program installed from Debian (psql, python3 with psycopg2 and pandas) and keeps
 * what it printed. A program CI installs but this machine lacks fails the test with the package to
 * install, rather than skipping it.
 */
final class ExternalClient {
  /** What a program printed and how it ended. */
  record Result(int exitCode, String stdout, String stderr) {}

  private ExternalClient() {}

  /**
   * Returns the program's path, failing the test when it is not installed. Debian's own {@code
   * /usr/bin} comes first: the Python modules installed with apt belong to Debian's interpreter,
   * not to another python3 earlier on the PATH (pyenv, a virtualenv).
   */
  static String require(String program, String debianPackages) {
    Path debian = Path.of("/usr/bin", program);
    if (Files.isExecutable(debian)) {
      return debian.toString();
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return fail(
        program
            + " is not installed; install it with: apt-get install -y "
            + debianPackages
            + " (.ci/run does)");
  }

  static Result run(List<String> command, Map<String, String> env, Path workDir)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.directory(workDir.toFile());
    Path out = Files.createTempFile(workDir, "client", ".out");
    Path err = Files.createTempFile(workDir, "client", ".err");
    builder.redirectOutput(out.toFile());
    builder.redirectError(err.toFile());
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("%s did not finish within 120 s", command);
    }
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  static List<String> command(String... parts) {
    return new ArrayList<>(List.of(parts));
  }
}
