package dev.tracelake.client;

import java.util.Objects;

/**
 * A run started with {@link LineageClient#startRun}: write with its id in the writers' {@link
 * Provenance}, then end it. Closing a run that was not ended aborts it, so that a job that dies
 * half-way is not shown running forever (a run whose process dies without closing is aborted by the
 * server after its run timeout).
 */
public final class RunHandle implements AutoCloseable {
  private final LineageClient client;
  private final String runId;
  private volatile RunView last;

  RunHandle(LineageClient client, RunView started) {
    this.client = client;
    this.runId = started.runId();
    this.last = started;
  }

  public String runId() {
    return runId;
  }

  /** The run as last seen by this handle. */
  public RunView run() {
    return last;
  }

  /** Ends the run as COMPLETED. */
  public RunView complete() {
    last = client.finishRun(runId, "COMPLETED", null);
    return last;
  }

  /** Ends the run as FAILED, saying why. */
  public RunView fail(String message) {
    last = client.finishRun(runId, "FAILED", Objects.requireNonNull(message, "message"));
    return last;
  }

  /** Ends the run as ABORTED, saying why (or null). */
  public RunView abort(String message) {
    last = client.finishRun(runId, "ABORTED", message);
    return last;
  }

  /** Aborts the run unless it has ended. */
  @Override
  public void close() {
    if (!last.ended()) {
      abort("Closed without being ended by its client");
    }
  }
}
