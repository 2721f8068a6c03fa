package dev.tracelake.lineage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /** What was sent about a run: its status and every dataset version named so far. */
  private record Emitted(
      RunStatus status, Set<DatasetVersion> inputs, Set<DatasetVersion> outputs) {}

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

  /**
   * Compares the runs with what was sent before and sends what changed: START with what is known,
   * RUNNING with only the dataset versions not named before (a consumer merges them), and the final
   * event with every dataset version of the run.
   */
  synchronized void publish(List<RunInfo> runs) {
    for (RunInfo run : runs) {
      if (run.source() == RunSource.OPENLINEAGE) {
        continue;
      }
      Emitted before = emitted.get(run.runId());
      Set<DatasetVersion> newInputs = new LinkedHashSet<>(run.inputs());
      Set<DatasetVersion> newOutputs = new LinkedHashSet<>(run.outputs());
      if (before != null) {
        newInputs.removeAll(before.inputs());
        newOutputs.removeAll(before.outputs());
        if (before.status() == run.status() && newInputs.isEmpty() && newOutputs.isEmpty()) {
          continue;
        }
        if (before.status().isFinal()) {
          continue; // the run's last word was sent
        }
      }
      List<Runnable> events = new ArrayList<>();
      if (before == null) {
        events.add(() -> send(run, OpenLineageEventType.START, run.inputs(), run.outputs()));
      } else if (!run.status().isFinal()) {
        List<DatasetVersion> in = List.copyOf(newInputs);
        List<DatasetVersion> out = List.copyOf(newOutputs);
        events.add(() -> send(run, OpenLineageEventType.RUNNING, in, out));
      }
      if (run.status().isFinal()) {
        OpenLineageEventType end = finalEvent(run.status());
        events.add(() -> send(run, end, run.inputs(), run.outputs()));
      }
      emitted.put(
          run.runId(),
          new Emitted(
              run.status(), new LinkedHashSet<>(run.inputs()), new LinkedHashSet<>(run.outputs())));
      events.forEach(sender::execute);
    }
  }

  private void send(
      RunInfo run,
      OpenLineageEventType type,
      List<DatasetVersion> inputs,
      List<DatasetVersion> outputs) {
    try {
      emitter.emit(run, type, inputs, outputs);
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
