package dev.tracelake.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code tracelake serve} in its own JVM (the test classpath, the CLI's main class), as an operator
 * runs it: one replica of a deployment. Waits for its "serving gRPC" line and keeps what it prints.
 */
final class ServeProcess implements AutoCloseable {
  private static final Pattern SERVING =
      Pattern.compile("serving gRPC on ([^\\s:]+):(\\d+)(?:.*metrics on http://[^:]+:(\\d+))?");

  private final Process process;
  private final List<Thread> drains;
  private final String host;
  private final int port;
  private final int metricsPort;
  private final List<String> stdout;
  private final List<String> stderr;

  private ServeProcess(
      Process process,
      List<Thread> drains,
      String host,
      int port,
      int metricsPort,
      List<String> stdout,
      List<String> stderr) {
    this.process = process;
    this.drains = drains;
    this.host = host;
    this.port = port;
    this.metricsPort = metricsPort;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Starts {@code serve} with {@code args} on 127.0.0.1 and a free port.
   *
   * @param env extra environment variables
   */
  static ServeProcess start(List<String> args, java.util.Map<String, String> env)
      throws IOException, InterruptedException {
    return start("127.0.0.1", 0, args, env);
  }

  /** Starts {@code serve} with {@code args} on the given loopback address and port. */
  static ServeProcess start(
      String host, int port, List<String> args, java.util.Map<String, String> env)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    command.add("-Xmx384m");
    command.add("-XX:TieredStopAtLevel=1"); // starts faster; these JVMs live for seconds
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.tracelake.cli.TracelakeCli");
    command.add("serve");
    // these replicas are about writes, failover and shutdown; access control has its own tests
    // (ServeAuthTest, dev.tracelake.access), so they serve without it, as an operator must say
    command.add("--insecure-no-auth");
    command.addAll(
        List.of("--host", host, "--port", Integer.toString(port), "--openlineage-port", "-1"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    Process process = builder.start();
    List<String> out = new CopyOnWriteArrayList<>();
    List<String> err = new CopyOnWriteArrayList<>();
    CompletableFuture<Matcher> serving = new CompletableFuture<>();
    List<Thread> drains =
        List.of(
            drain(process.getInputStream(), out, serving),
            drain(process.getErrorStream(), err, null));
    try {
      Matcher m = serving.get(120, TimeUnit.SECONDS);
      return new ServeProcess(
          process,
          drains,
          m.group(1),
          Integer.parseInt(m.group(2)),
          m.group(3) == null ? -1 : Integer.parseInt(m.group(3)),
          out,
          err);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException(
          "serve did not start (exit "
              + process.exitValue()
              + "); stderr:\n"
              + String.join("\n", err),
          e);
    }
  }

  private static Thread drain(
      InputStream in, List<String> lines, CompletableFuture<Matcher> serving) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line);
                  if (serving != null) {
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                      serving.complete(m);
                    }
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
              if (serving != null) {
                serving.completeExceptionally(new IllegalStateException("serve exited"));
              }
            },
            "serve-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  int port() {
    return port;
  }

  String target() {
    return host + ":" + port;
  }

  /** The address it listens on (gRPC and metrics). */
  String host() {
    return host;
  }

  int metricsPort() {
    return metricsPort;
  }

  List<String> stderr() {
    return stderr;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the process at once (SIGKILL), as a crashed node or an evicted pod would. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Stops it with SIGTERM, as Kubernetes does; returns its exit code. */
  int stop(Duration grace) throws InterruptedException {
    // through the handle: Process.destroy() would also close our end of its stdout and stderr,
    // losing what it prints while shutting down
    process.toHandle().destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    for (Thread drain : drains) {
      drain.join(5_000); // every line printed before the exit is read
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop(Duration.ofSeconds(30));
    }
  }
}
