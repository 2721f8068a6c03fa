package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client ({@code clients/python}) against a real server over loopback: generates its
 * gRPC stubs from the protos with Debian's protoc and grpc_python_plugin into {@code target/}, then
 * runs its unittest suite with Debian's python3-grpcio, python3-protobuf and python3-pandas. A
 * missing package fails the build with what to install; only the pyarrow tests may skip (pyarrow is
 * not packaged for Debian 12).
 */
class PythonClientTest {
  private static final Duration SUITE_TIMEOUT = Duration.ofMinutes(12);
  private static final Pattern RAN = Pattern.compile("(?m)^Ran (\\d+) tests? in ");
  private static final Pattern SKIPPED = Pattern.compile("(?m) \\.\\.\\. skipped '([^']*)'$");

  @TempDir Path warehouse;
  @TempDir Path scratch;

  @Test
  void thePythonClientSuitePassesAgainstARealServer() throws Exception {
    Path root = repositoryRoot();
    String python = python();
    Path stubs = Path.of("target", "python-stubs").toAbsolutePath();
    run(
        List.of(
            python,
            root.resolve("clients/python/build_stubs.py").toString(),
            "--out",
            stubs.toString()),
        root,
        debianTools(),
        Duration.ofMinutes(2));

    // the failover test's replicas share a catalog on the PostgreSQL that CI starts
    Path catalogConfig = scratch.resolve("catalog.properties");
    Files.writeString(
        catalogConfig,
        "catalog.jdbc.user="
            + TestPostgres.USER
            + "\ncatalog.jdbc.password="
            + TestPostgres.PASSWORD
            + "\n",
        StandardCharsets.UTF_8);
    try (TestPostgres postgres = TestPostgres.createDatabase();
        Lake lake = Lake.open(LakeConfig.embedded(warehouse));
        TracelakeServer server =
            TracelakeServer.onNetty(
                    lake,
                    IngestConfig.defaults().withPort(0).withCommitInterval(Duration.ofMillis(50)))
                .start()) {
      List<String> serve =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "--add-opens=java.base/java.nio=ALL-UNNAMED",
              "-Xmx384m",
              "-XX:TieredStopAtLevel=1",
              "-cp",
              System.getProperty("java.class.path"),
              "dev.tracelake.cli.TracelakeCli",
              "serve",
              // this suite runs without tokens (PythonTlsClientTest covers token and TLS)
              "--insecure-no-auth");
      String output =
          run(
              List.of(python, "-m", "unittest", "discover", "-v", "-s", "tests", "-t", "."),
              root.resolve("clients/python"),
              List.of(
                  "PYTHONPATH=" + root.resolve("clients/python") + ":" + stubs,
                  "TRACELAKE_TARGET=127.0.0.1:" + server.port(),
                  "TRACELAKE_SERVE_COMMAND=" + new ObjectMapper().writeValueAsString(serve),
                  "TRACELAKE_SHARED_CATALOG_ARGS="
                      + new ObjectMapper()
                          .writeValueAsString(
                              List.of(
                                  "--catalog-uri",
                                  postgres.jdbcUrl(),
                                  "--config",
                                  catalogConfig.toString()))),
              SUITE_TIMEOUT);
      Matcher ran = RAN.matcher(output);
      assertThat(ran.find()).as(output).isTrue();
      assertThat(Integer.parseInt(ran.group(1))).as(output).isGreaterThanOrEqualTo(12);
      Matcher skipped = SKIPPED.matcher(output);
      while (skipped.find()) {
        // only what cannot be installed here may skip, and it must say why
        assertThat(skipped.group(1)).as(output).startsWith("pyarrow is not installed");
      }
    }
  }

  /** Debian's protoc and plugin, matching Debian's python3-protobuf, when they are installed. */
  static List<String> debianTools() {
    List<String> env = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/protoc"))) {
      env.add("PROTOC=/usr/bin/protoc");
    }
    if (Files.isExecutable(Path.of("/usr/bin/grpc_python_plugin"))) {
      env.add("GRPC_PYTHON_PLUGIN=/usr/bin/grpc_python_plugin");
    }
    return env;
  }

  /** The directory holding {@code clients/python}: the tests run in {@code ingest/cli}. */
  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("clients/python/tracelake"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("the repository root above %s", Path.of("").toAbsolutePath()).isNotNull();
    return dir;
  }

  /**
   * Debian's python3, which sees the python3-* packages: a {@code python3} earlier on the PATH
   * (pyenv, a virtualenv) may not. {@code TRACELAKE_PYTHON} overrides it.
   */
  static String python() throws Exception {
    String python = System.getenv().getOrDefault("TRACELAKE_PYTHON", "");
    if (python.isEmpty()) {
      python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }
    String check =
        run(
            List.of(
                python,
                "-c",
                "import importlib.util as u, shutil\n"
                    + "missing = [m for m in ('grpc', 'google.protobuf', 'pandas')"
                    + " if u.find_spec(m.split('.')[0]) is None]\n"
                    + "missing += [t for t in ('protoc', 'grpc_python_plugin')"
                    + " if shutil.which(t) is None and u.find_spec('grpc_tools') is None]\n"
                    + "print('MISSING=' + ','.join(missing))"),
            Path.of(""),
            List.of(),
            Duration.ofMinutes(1));
    String missing = check.substring(check.indexOf("MISSING=") + 8).trim();
    assertThat(missing)
        .as(
            "%s lacks what the Python client's tests need (%s); install them with: apt-get"
                + " install python3-grpcio python3-protobuf python3-pandas protobuf-compiler"
                + " protobuf-compiler-grpc (CI's .ci/run does)",
            python, missing)
        .isEmpty();
    return python;
  }

  /** Runs a command, returns its output, fails with the output on a non-zero exit or timeout. */
  static String run(List<String> command, Path dir, List<String> env, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toAbsolutePath().toFile());
    builder.redirectErrorStream(true);
    for (String e : env) {
      int eq = e.indexOf('=');
      builder.environment().put(e.substring(0, eq), e.substring(eq + 1));
    }
    Path log = Files.createTempFile("tracelake-python", ".log");
    builder.redirectOutput(log.toFile());
    Process process = builder.start();
    boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    List<String> shown = new ArrayList<>(command);
    assertThat(finished).as("%s did not finish in %s:%n%s", shown, timeout, output).isTrue();
    assertThat(process.exitValue()).as("%s failed:%n%s", shown, output).isZero();
    return output;
  }
}
