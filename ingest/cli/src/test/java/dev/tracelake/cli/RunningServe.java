package dev.tracelake.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code tracelake serve} running in-process on a thread, as the serve tests drive it. */
final class RunningServe implements AutoCloseable {
  private static final Pattern GRPC_PORT =
      Pattern.compile("serving gRPC on 127\\.0\\.0\\.1:(\\d+)");

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final AtomicInteger exit = new AtomicInteger(-1);
  private final Thread thread;

  private RunningServe(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "serve";
    System.arraycopy(args, 0, all, 1, args.length);
    thread =
        new Thread(
            () ->
                exit.set(
                    TracelakeCli.newCommandLine(
                            new PrintWriter(out, true), new PrintWriter(err, true))
                        .execute(all)));
    thread.start();
  }

  /** Starts {@code tracelake serve <args>}. */
  static RunningServe start(String... args) {
    return new RunningServe(args);
  }

  /**
   * Waits up to 60 s for the startup output to match {@code pattern}.
   *
   * @return the match
   * @throws AssertionError when it never matches, with what the server printed
   */
  Matcher await(Pattern pattern) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Matcher m = pattern.matcher(out.toString());
      if (m.find()) {
        return m;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(
        "serve never printed " + pattern + "; stdout: " + out + " stderr: " + err);
  }

  /** Waits for the gRPC port the server announced. */
  int grpcPort() throws InterruptedException {
    return Integer.parseInt(await(GRPC_PORT).group(1));
  }

  /** Stops the server the way an interrupt stops the CLI (graceful stop), and waits for it. */
  void stop() throws InterruptedException {
    thread.interrupt();
    thread.join(TimeUnit.SECONDS.toMillis(60));
  }

  boolean isAlive() {
    return thread.isAlive();
  }

  int exitCode() {
    return exit.get();
  }

  /** Waits up to 60 s for the command to end by itself (e.g. a usage error); returns its code. */
  int awaitExit() throws InterruptedException {
    thread.join(TimeUnit.SECONDS.toMillis(60));
    return exit.get();
  }

  /** What the command printed on stderr so far. */
  String stderr() {
    return err.toString();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
