package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.client.Provenance;
import dev.tracelake.client.RunSpec;
import dev.tracelake.client.RunView;
import dev.tracelake.client.TableWriter;
import dev.tracelake.client.TracelakeClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A started run whose writers all disconnect without finishing it is ABORTED by the server after
 * the run timeout; a run with a writer still connected lives on (issue 16, part 2).
 */
class RunAbortTest extends IngestServerTestBase {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(1);

  @Override
  TracelakeServer configure(TracelakeServer unstarted) {
    return unstarted.runTimeout(RUN_TIMEOUT);
  }

  @Test
  void aRunWhoseWritersDisconnectWithoutFinishingIsAborted() throws Exception {
    createEvents("events");
    try (TracelakeClient client = TracelakeClient.using(channel)) {
      client.lineage().startRun(RunSpec.builder("left-behind").build());
      client.lineage().startRun(RunSpec.builder("still-writing").build());
      try (TableWriter keeps =
          client.openWriter(
              "events", "keeper", Provenance.builder().runId("still-writing").build())) {
        try (var batch = events(100, 1)) {
          keeps.append(batch).get(30, TimeUnit.SECONDS);
        }
        try (TableWriter writer =
            client.openWriter("events", "w1", Provenance.builder().runId("left-behind").build())) {
          try (var batch = events(0, 2)) {
            writer.append(batch).get(30, TimeUnit.SECONDS);
          }
        }
        RunView aborted = awaitState(client, "left-behind", "ABORTED");
        assertThat(aborted.failureMessage()).contains("No writer of the run was connected");
        assertThat(aborted.outputs()).isNotEmpty();
        // the run with a writer connected lives on past the timeout
        Thread.sleep(RUN_TIMEOUT.multipliedBy(4).toMillis());
        assertThat(client.lineage().run("still-writing").state()).isEqualTo("RUNNING");
      }
    }
  }

  private static RunView awaitState(TracelakeClient client, String runId, String state)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    RunView run = client.lineage().run(runId);
    while (!run.state().equals(state) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      run = client.lineage().run(runId);
    }
    assertThat(run.state()).as("run %s: %s", runId, run).isEqualTo(state);
    return run;
  }
}
