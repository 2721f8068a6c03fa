package dev.tracelake.client;

import dev.tracelake.proto.v1.ReplayInputTable;
import dev.tracelake.proto.v1.StreamReplayResponse;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A replay's input batches as they stream from the server: call {@link #next()} until it returns
 * null. Closing it early cancels the stream. Not thread-safe.
 */
public final class ReplayInputs implements AutoCloseable {
  private final Context.CancellableContext context;
  private final Iterator<StreamReplayResponse> responses;
  private final String replayId;
  private final BufferAllocator allocator;
  private final Replay replay;
  private final Schema casesSchema;
  private final Map<String, Schema> tableSchemas = new LinkedHashMap<>();
  private long skippedCases = -1;
  private boolean done;

  ReplayInputs(
      Context.CancellableContext context,
      Iterator<StreamReplayResponse> responses,
      String replayId,
      BufferAllocator allocator) {
    this.context = context;
    this.responses = responses;
    this.replayId = replayId;
    this.allocator = allocator;
    StreamReplayResponse head = read();
    if (head == null || !head.hasHeader()) {
      context.cancel(null);
      throw new IllegalStateException(
          "Replay stream of " + replayId + " did not start with a header");
    }
    this.replay = Replay.fromProto(head.getHeader().getReplay());
    this.casesSchema =
        Schema.deserializeMessage(head.getHeader().getCasesArrowSchema().asReadOnlyByteBuffer());
    for (ReplayInputTable t : head.getHeader().getInputTablesList()) {
      tableSchemas.put(
          t.getTable(), Schema.deserializeMessage(t.getArrowSchema().asReadOnlyByteBuffer()));
    }
  }

  private StreamReplayResponse read() {
    try {
      return responses.hasNext() ? responses.next() : null;
    } catch (StatusRuntimeException e) {
      throw TracelakeException.of("Replay " + replayId, e);
    }
  }

  /** Returns the replay streamed, as it stood when the stream began. */
  public Replay replay() {
    return replay;
  }

  /** Returns the schema of each input table's rows, by table. */
  public Map<String, Schema> inputSchemas() {
    return Collections.unmodifiableMap(tableSchemas);
  }

  /**
   * Returns the next batch, to be closed by the caller; null after the last.
   *
   * @throws TracelakeException when the stream fails, e.g. UNAVAILABLE when the server goes away
   *     (stream again from the next batch)
   */
  public ReplayInputBatch next() {
    if (done) {
      return null;
    }
    StreamReplayResponse r = read();
    if (r == null || r.hasSummary()) {
      done = true;
      if (r != null) {
        skippedCases = r.getSummary().getSkippedCases();
      }
      return null;
    }
    if (!r.hasBatch()) {
      throw new IllegalStateException("Replay stream of " + replayId + " sent " + r.getPartCase());
    }
    return ReplayInputBatch.fromProto(r.getBatch(), casesSchema, tableSchemas, allocator);
  }

  /** Returns the cases skipped over the whole stream, once it ended; -1 before. */
  public long skippedCases() {
    return skippedCases;
  }

  @Override
  public void close() {
    if (!done) {
      context.cancel(null);
    }
  }
}
