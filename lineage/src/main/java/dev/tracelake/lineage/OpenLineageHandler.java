package dev.tracelake.lineage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
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

  /**
   * What the sender of an event may touch in the lake: the tables ({@code namespace.name}) it may
   * write, which an event may name as outputs (or describe, in a dataset event), and the tables it
   * may see, which an event may name as inputs. A run already known that names only tables the
   * sender may not see cannot be added to.
   *
   * @param writes the tables it may write
   * @param sees the tables it may know exist
   */
  public record Sender(Predicate<String> writes, Predicate<String> sees) {
    /** Anyone: a server without access control. */
    public static final Sender ANYONE = new Sender(t -> true, t -> true);

    public Sender {
      Objects.requireNonNull(writes, "writes");
      Objects.requireNonNull(sees, "sees");
    }
  }

  OpenLineageHandler(Lineage lineage) {
    this.lineage = lineage;
  }

  /** Handles the body of one POST from anyone. */
  public Response handle(byte[] body) {
    return handle(body, Sender.ANYONE);
  }

  /** Handles the body of one POST from {@code sender}. */
  public Response handle(byte[] body, Sender sender) {
    OpenLineageEvents.Received received;
    RunInfo checked;
    try {
      received = OpenLineageEvents.parse(body);
      String refused = refusal(received, sender);
      if (refused != null) {
        return error(403, refused);
      }
      if (received.kind() != OpenLineageEvents.Kind.RUN) {
        return other(received);
      }
      // the same checks a registration makes (lengths), before anything is written
      checked = RunRegistryCheck.check(received.row());
    } catch (OpenLineageEvents.InvalidEvent | IllegalArgumentException e) {
      return error(400, e.getMessage());
    }
    if (sender != Sender.ANYONE) {
      RunVisibility visibility =
          new RunVisibility(lineage.options().datasetNamespace(), sender.sees());
      Optional<RunInfo> known = lineage.run(checked.runId());
      if (known.isPresent() && visibility.view(known.get()).isEmpty()) {
        return error(409, "Run id " + checked.runId() + " is taken; send the run under a new id");
      }
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

  /**
   * Why {@code sender} may not send the event, or null when it may: every lake table it names as an
   * output (or describes) must be one it may write, every one it names as an input one it may see.
   * The answer does not depend on whether the table exists.
   */
  private String refusal(OpenLineageEvents.Received received, Sender sender) {
    if (sender == Sender.ANYONE) {
      return null;
    }
    String lake = lineage.options().datasetNamespace();
    List<DatasetVersion> outputs = new ArrayList<>();
    List<DatasetVersion> inputs = new ArrayList<>();
    if (received.row() != null) {
      outputs.addAll(received.row().outputs());
      inputs.addAll(received.row().inputs());
    }
    outputs.addAll(received.outputs());
    inputs.addAll(received.inputs());
    if (received.dataset() != null) {
      outputs.add(received.dataset());
    }
    for (DatasetVersion d : outputs) {
      if (d.namespace().equals(lake) && !sender.writes().test(d.name())) {
        return "Permission denied: an event naming table "
            + d.name()
            + " as an output needs"
            + " 'write' on it";
      }
    }
    for (DatasetVersion d : inputs) {
      if (d.namespace().equals(lake) && !sender.sees().test(d.name())) {
        return "Permission denied: an event naming table "
            + d.name()
            + " as an input needs a"
            + " privilege on it";
      }
    }
    return null;
  }

  private static Response error(int status, String message) {
    ObjectNode o = JsonValues.MAPPER.createObjectNode();
    o.put("error", message);
    return new Response(status, OpenLineageEvents.json(o));
  }
}
