package dev.tracelake.benchmarks.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Tracelake server in its own JVM, started from the CLI jar on a fresh warehouse and a free
 * loopback port (the server binds port 0 and prints the port it got). Its output goes to a log file
 * in the run directory. Reads the process's resident memory and CPU time from {@code /proc}.
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern SERVING = Pattern.compile("serving gRPC on ([^\\s:]+):(\\d+)");
  private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
  private static final Duration STARTUP = Duration.ofSeconds(120);
  private static final Duration STOP = Duration.ofSeconds(60);

  private final Process process;
  private final Path log;
  private final String target;
  private final long ticksPerSecond;

  private ServerProcess(Process process, Path log, String target, long ticksPerSecond) {
    this.process = process;
    this.log = log;
    this.target = target;
    this.ticksPerSecond = ticksPerSecond;
  }

  /**
   * Starts {@code java <jvmOptions> -jar <jar> serve} and waits for its "serving gRPC on" line.
   *
   * @param jar the CLI jar, {@code ingest/cli/target/tracelake.jar} with its {@code lib/} beside it
   * @param warehouse the warehouse directory, created by the server
   * @param commitIntervalMs the server's commit interval
   * @param jvmOptions extra JVM flags (heap, JFR)
   * @param log where the server's stdout and stderr go
   * @throws IllegalArgumentException when the jar does not exist
   * @throws IllegalStateException when the server exits or does not listen within two minutes
   */
  static ServerProcess start(
      Path jar, Path warehouse, long commitIntervalMs, List<String> jvmOptions, Path log)
      throws IOException {
    return start(jar, warehouse, commitIntervalMs, jvmOptions, List.of(), log);
  }

  /**
   * Starts {@code serve} as {@link #start(Path, Path, long, List, Path)} does, with {@code
   * serveArgs} added (e.g. a shared catalog: {@code --catalog-uri jdbc:postgresql://...}).
   */
  static ServerProcess start(
      Path jar,
      Path warehouse,
      long commitIntervalMs,
      List<String> jvmOptions,
      List<String> serveArgs,
      Path log)
      throws IOException {
    List<String> args = new ArrayList<>(serveArgs);
    // the benchmark clients send no token; the recorded figures were measured without access
    // control, and comparing with it on is a benchmark of its own (AccessOverheadBenchmark)
    args.add("--insecure-no-auth");
    return startWith(jar, warehouse, commitIntervalMs, jvmOptions, args, log);
  }

  /**
   * Starts {@code serve} with exactly {@code serveArgs} added: under access control unless they say
   * {@code --insecure-no-auth}.
   */
  static ServerProcess startWith(
      Path jar,
      Path warehouse,
      long commitIntervalMs,
      List<String> jvmOptions,
      List<String> serveArgs,
      Path log)
      throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          "Server jar "
              + jar.toAbsolutePath()
              + " does not exist; build it with: mvn -B -q -o -Dmaven.test.skip=true"
              + " -Dspotless.check.skip=true package -pl ingest/cli -am");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "serve",
            "--warehouse",
            warehouse.toString(),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--commit-interval-ms",
            Long.toString(commitIntervalMs)));
    command.addAll(serveArgs);
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    ServerProcess server;
    try {
      server = new ServerProcess(process, log, awaitServing(process, log), clockTicks());
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
    return server;
  }

  private static String awaitServing(Process process, Path log) throws IOException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = SERVING.matcher(Files.readString(log, StandardCharsets.UTF_8));
      if (m.find()) {
        return m.group(1) + ":" + m.group(2);
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Server exited with code "
                + process.exitValue()
                + " before serving; log "
                + log
                + ":\n"
                + tail(log));
      }
      sleep(50);
    }
    throw new IllegalStateException(
        "Server did not print 'serving gRPC on' within "
            + STARTUP
            + "; log "
            + log
            + ":\n"
            + tail(log));
  }

  /** Returns {@code host:port} to connect to. */
  String target() {
    return target;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** Returns the server's resident set size in bytes ({@code VmRSS} of /proc/pid/status). */
  long rssBytes() {
    try {
      Matcher m = VM_RSS.matcher(Files.readString(Path.of("/proc", pid() + "", "status")));
      if (!m.find()) {
        throw new IllegalStateException("No VmRSS in /proc/" + pid() + "/status");
      }
      return Long.parseLong(m.group(1)) * 1024;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read /proc/" + pid() + "/status", e);
    }
  }

  /** Returns the CPU time (user + system, all threads) the server has used, in nanoseconds. */
  long cpuNanos() {
    try {
      String stat = Files.readString(Path.of("/proc", pid() + "", "stat"));
      // fields after the command name, which is in parentheses and may contain spaces
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * 1_000_000_000L / ticksPerSecond;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read /proc/" + pid() + "/stat", e);
    }
  }

  /**
   * Stops the server with SIGTERM (it commits what is queued, then exits) and waits for it; kills
   * it when it takes longer than a minute.
   *
   * @return the exit code
   */
  int stop() {
    process.destroy();
    try {
      if (!process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("Interrupted while stopping server " + pid(), e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop();
    }
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      getconf.waitFor(10, TimeUnit.SECONDS);
      return Long.parseLong(out.trim());
    } catch (IOException | NumberFormatException e) {
      return 100; // the Linux default
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }
}
