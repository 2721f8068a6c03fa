package dev.tracelake.lineage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles {@code POST /api/v1/lineage}: checks an OpenLineage RunEvent against the spec and
 * registers its run and dataset-level lineage (the run's inputs and outputs, each at its version).
 * Transport-free, so any HTTP server can host it ({@link OpenLineageServer} is one). Thread-safe.
 */
public final class OpenLineageHandler {
  private static final Logger LOG = LoggerFactory.getLogger(OpenLineageHandler.class);

  private final Lineage lineage;

  /**
   * An HTTP answer: status and JSON body.
   *
   * @param status 201 when registered, 400 for a bad event, 500 when the lake failed
   * @param body a JSON object: the run id and status, or {@code error} with the reason
   */
  public record Response(int status, String body) {}

  OpenLineageHandler(Lineage lineage) {
    this.lineage = lineage;
  }

  /** Handles the body of one POST. */
  public Response handle(byte[] body) {
    OpenLineageEvents.Received received;
    RunInfo checked;
    try {
      received = OpenLineageEvents.parse(body);
      if (received.kind() != OpenLineageEvents.Kind.RUN) {
        return other(received);
      }
      // the same checks a registration makes (lengths), before anything is written
      checked = RunRegistryCheck.check(received.row());
    } catch (OpenLineageEvents.InvalidEvent | IllegalArgumentException e) {
      return error(400, e.getMessage());
    }
    try {
      lineage.recordRunEvent(received.row());
    } catch (IllegalStateException e) {
      return error(503, e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("Cannot register OpenLineage event of run {}", checked.runId(), e);
      return error(500, "Internal error while registering the event; see the server log");
    }
    ObjectNode ok = JsonValues.MAPPER.createObjectNode();
    ok.put("runId", checked.runId());
    if (received.type() != null) {
      ok.put("eventType", received.type().name());
    }
    ok.put("inputs", received.row().inputs().size());
    ok.put("outputs", received.row().outputs().size());
    return new Response(201, OpenLineageEvents.json(ok));
  }

  /** Records a job or dataset event. */
  private Response other(OpenLineageEvents.Received received) {
    try {
      lineage.recordOpenLineageEvent(received);
    } catch (IllegalStateException e) {
      return error(503, e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("Cannot record an OpenLineage {} event", received.kind(), e);
      return error(500, "Internal error while registering the event; see the server log");
    }
    ObjectNode ok = JsonValues.MAPPER.createObjectNode();
    ok.put("event", received.kind() == OpenLineageEvents.Kind.JOB ? "JobEvent" : "DatasetEvent");
    if (received.job() != null) {
      ok.put("job", received.job().namespace() + "/" + received.job().name());
    }
    if (received.dataset() != null) {
      ok.put("dataset", received.dataset().namespace() + "/" + received.dataset().name());
    }
    ok.put("inputs", received.inputs().size());
    ok.put("outputs", received.outputs().size());
    return new Response(201, OpenLineageEvents.json(ok));
  }

  private static Response error(int status, String message) {
    ObjectNode o = JsonValues.MAPPER.createObjectNode();
    o.put("error", message);
    return new Response(status, OpenLineageEvents.json(o));
  }
}
