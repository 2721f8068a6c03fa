package dev.tracelake.client;

import dev.tracelake.proto.v1.ExecuteResponse;
import dev.tracelake.proto.v1.ResolvedReference;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The result of a SQL query as Arrow batches, in the manner of Arrow's {@code ArrowReader}: call
 * {@link #loadNextBatch()} and read {@link #root()} until it returns false. Closing it before the
 * end cancels the query on the server.
 */
public final class SqlRows implements AutoCloseable {
  /** One table reference of the query and the snapshot the server pinned it to. */
  public record Reference(String table, String version, OptionalLong snapshotId) {}

  private final Context.CancellableContext context;
  private final Iterator<ExecuteResponse> responses;
  private final String sql;
  private final BufferAllocator allocator;
  private Schema schema;
  private List<Reference> references;
  private VectorSchemaRoot root;
  private OptionalLong rowCount = OptionalLong.empty();
  private boolean done;

  SqlRows(
      Context.CancellableContext context,
      Iterator<ExecuteResponse> responses,
      String sql,
      BufferAllocator allocator) {
    this.context = context;
    this.responses = responses;
    this.sql = sql;
    this.allocator = allocator;
  }

  /** Reads the head of the result on first use: the server sends it once the query has run. */
  private void head() {
    if (root != null) {
      return;
    }
    ExecuteResponse head = next();
    if (head == null || !head.hasSchema()) {
      throw new IllegalStateException("Query result did not start with its schema");
    }
    schema = Schema.deserializeMessage(head.getSchema().getArrowSchema().asReadOnlyByteBuffer());
    references =
        head.getSchema().getReferencesList().stream()
            .map(
                (ResolvedReference r) ->
                    new Reference(
                        r.getTable(),
                        r.getVersion(),
                        r.hasSnapshotId()
                            ? OptionalLong.of(r.getSnapshotId())
                            : OptionalLong.empty()))
            .toList();
    root = VectorSchemaRoot.create(schema, allocator);
  }

  private ExecuteResponse next() {
    try {
      return responses.hasNext() ? responses.next() : null;
    } catch (StatusRuntimeException e) {
      throw TracelakeException.of("Query '" + abbreviated() + "'", e);
    }
  }

  private String abbreviated() {
    return sql.length() <= 60 ? sql : sql.substring(0, 57) + "...";
  }

  /** Returns the result's schema; waits for the query to run. */
  public Schema schema() {
    head();
    return schema;
  }

  /** Returns every table reference of the query with its pinned snapshot. */
  public List<Reference> references() {
    head();
    return references;
  }

  /** Returns the root holding the current batch. */
  public VectorSchemaRoot root() {
    head();
    return root;
  }

  /** Returns the total row count once every batch was read. */
  public OptionalLong rowCount() {
    return rowCount;
  }

  /**
   * Loads the next batch into {@link #root()}.
   *
   * @return false at the end of the result
   * @throws TracelakeException when the server failed the query
   */
  public boolean loadNextBatch() {
    head();
    if (done) {
      return false;
    }
    ExecuteResponse response = next();
    if (response == null) {
      done = true;
      return false;
    }
    if (response.hasSummary()) {
      rowCount = OptionalLong.of(response.getSummary().getRowCount());
      done = true;
      return false;
    }
    try (ArrowRecordBatch batch =
        MessageSerializer.deserializeRecordBatch(
            new ReadChannel(
                Channels.newChannel(
                    new ByteArrayInputStream(response.getArrowBatch().toByteArray()))),
            allocator)) {
      new VectorLoader(root).load(batch);
    } catch (IOException e) {
      throw new UncheckedIOException("Malformed Arrow batch in the query result", e);
    }
    return true;
  }

  /** Releases the batch memory; cancels the query if it is still streaming. */
  @Override
  public void close() {
    if (!done) {
      context.cancel(null);
    }
    if (root != null) {
      root.close();
    }
  }
}
