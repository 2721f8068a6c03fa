package dev.tracelake.lineage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an OpenLineage RunEvent whenever a run Tracelake knows changes: START when it is first
 * seen, RUNNING when it reads or writes another dataset version (e.g. an ingest run's next
 * snapshot), COMPLETE, FAIL or ABORT when it ends. Runs that came in over OpenLineage are not
 * echoed back. Events go out on one background thread in order; an unreachable endpoint is logged
 * and retried with the next change, and never slows ingest or queries.
 */
final class RunEventPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunEventPublisher.class);

  private record Emitted(RunStatus status, int inputs, int outputs) {}

  private final OpenLineageEmitter emitter;
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "tracelake-openlineage-emitter");
            t.setDaemon(true);
            return t;
          });
  // guarded by this
  private final Map<String, Emitted> emitted = new HashMap<>();

  RunEventPublisher(OpenLineageEmitter emitter) {
    this.emitter = emitter;
  }

  /** Compares the runs with what was sent before and sends what changed. */
  synchronized void publish(List<RunInfo> runs) {
    for (RunInfo run : runs) {
      if (run.source() == RunSource.OPENLINEAGE) {
        continue;
      }
      Emitted now = new Emitted(run.status(), run.inputs().size(), run.outputs().size());
      Emitted before = emitted.get(run.runId());
      if (now.equals(before)) {
        continue;
      }
      List<OpenLineageEventType> events = new ArrayList<>();
      if (before == null) {
        events.add(OpenLineageEventType.START);
      } else if (!run.status().isFinal()) {
        events.add(OpenLineageEventType.RUNNING);
      }
      if (run.status().isFinal() && (before == null || before.status() != run.status())) {
        events.add(finalEvent(run.status()));
      }
      emitted.put(run.runId(), now);
      for (OpenLineageEventType type : events) {
        sender.execute(() -> send(run, type));
      }
    }
  }

  private void send(RunInfo run, OpenLineageEventType type) {
    try {
      emitter.emit(run, type);
    } catch (LineageException e) {
      LOG.warn("{}", e.getMessage());
    }
  }

  private static OpenLineageEventType finalEvent(RunStatus status) {
    return switch (status) {
      case FAILED -> OpenLineageEventType.FAIL;
      case ABORTED -> OpenLineageEventType.ABORT;
      default -> OpenLineageEventType.COMPLETE;
    };
  }

  @Override
  public void close() {
    sender.shutdown();
  }
}
