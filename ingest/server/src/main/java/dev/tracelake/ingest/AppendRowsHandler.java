package dev.tracelake.ingest;

import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.InputText;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.TableName;
import dev.tracelake.proto.v1.AppendRowsRequest;
import dev.tracelake.proto.v1.AppendRowsResponse;
import dev.tracelake.wire.ArrowIpc;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AppendRows stream: one writer, one table. Reads one message at a time while the in-flight
 * budget has room and the client reads its acknowledgements (manual flow control both ways),
 * submits it, and sends acknowledgements strictly in request order. The first failure ends the
 * stream with its status, after every earlier request has been acknowledged.
 *
 * <p>Acknowledgements the client has not read yet are charged to the in-flight budget until gRPC
 * reports the stream ready again, and no further request is read meanwhile: a writer that stops
 * reading acks stops being read, instead of making the server buffer acks without limit.
 */
final class AppendRowsHandler implements StreamObserver<AppendRowsRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(AppendRowsHandler.class);

  private final Ingestor ingestor;
  private final ServerCallStreamObserver<AppendRowsResponse> responses;
  private final Object lock = new Object();
  // guarded by lock
  private CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
  // guarded by lock
  private boolean finished;
  // guarded by lock: bytes of acks sent while the client was not reading, charged to the budget
  private long unreadAckBytes;
  // guarded by lock: the budget had room for the next request but the client was not reading acks
  private boolean requestDeferred;
  private TableName table;
  private String writerId;
  private long lastOffset = -1;

  private final java.util.Set<AppendRowsHandler> open;

  AppendRowsHandler(
      Ingestor ingestor,
      ServerCallStreamObserver<AppendRowsResponse> responses,
      java.util.Set<AppendRowsHandler> open) {
    this.ingestor = ingestor;
    this.responses = responses;
    this.open = open;
    open.add(this);
    responses.disableAutoRequest();
    responses.setOnCancelHandler(
        () -> {
          synchronized (lock) {
            finished = true;
          }
          releaseUnreadAcks();
          open.remove(this);
        });
    responses.setOnReadyHandler(this::onReady);
    responses.request(1);
  }

  @Override
  public void onNext(AppendRowsRequest request) {
    CompletableFuture<Ack> ack;
    try {
      if (ingestor.draining()) {
        // before decoding: the allocator may be released soon, and the writer should go elsewhere
        throw Ingestor.shuttingDown(request.getOffset());
      }
      ack = ingestor.submit(toDomain(request));
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      // a second layer under the decoders' own limits: whatever a request does, its stream gets a
      // status and the server goes on
      ack = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Ack> result = ack;
    synchronized (lock) {
      chain =
          chain.thenCompose(
              v ->
                  result.handle(
                      (a, error) -> {
                        send(a, error);
                        return null;
                      }));
    }
    ingestor.budget().whenRoom(this::requestNext);
  }

  /** Reads the next request, unless the client is not reading its acknowledgements. */
  private void requestNext() {
    synchronized (lock) {
      if (finished) {
        return;
      }
      if (!responses.isReady()) {
        requestDeferred = true;
        return;
      }
      requestDeferred = false;
    }
    responses.request(1);
  }

  /** The client read its acknowledgements: release their charge and read on if we held back. */
  private void onReady() {
    releaseUnreadAcks();
    boolean deferred;
    synchronized (lock) {
      deferred = requestDeferred && !finished;
    }
    if (deferred) {
      ingestor.budget().whenRoom(this::requestNext);
    }
  }

  private void releaseUnreadAcks() {
    long unread;
    synchronized (lock) {
      unread = unreadAckBytes;
      unreadAckBytes = 0;
    }
    if (unread > 0) {
      ingestor.budget().release(unread);
    }
  }

  private AppendBatch toDomain(AppendRowsRequest request) {
    if (table == null) {
      if (request.getTable().isEmpty() || request.getWriterId().isEmpty()) {
        throw new IngestException(
                ErrorKind.INVALID_ARGUMENT,
                "The first request of an AppendRows stream must name the table and the writer id")
            .with("field", request.getTable().isEmpty() ? "table" : "writer_id");
      }
      table = withField(() -> TableName.parse(request.getTable()), "table");
      writerId = request.getWriterId();
      AppendBatch.checkWriterId(writerId);
    } else if ((!request.getTable().isEmpty()
            && !withField(() -> TableName.parse(request.getTable()), "table").equals(table))
        || (!request.getWriterId().isEmpty() && !request.getWriterId().equals(writerId))) {
      throw new IngestException(
              ErrorKind.INVALID_ARGUMENT,
              "An AppendRows stream carries one writer and one table: started with writer "
                  + writerId
                  + " on "
                  + table
                  + ", got writer "
                  + InputText.shown(request.getWriterId())
                  + " on "
                  + InputText.shown(request.getTable()))
          .with("table", table)
          .with("field", request.getTable().isEmpty() ? "writer_id" : "table");
    }
    if (request.getOffset() <= lastOffset) {
      throw new IngestException(
              ErrorKind.OFFSET_OUT_OF_RANGE,
              String.format(
                  "Writer %s on table %s: offset regression on this stream: expected offset %d or"
                      + " more, given %d",
                  writerId, table, lastOffset + 1, request.getOffset()))
          .with("table", table)
          .with("offset", request.getOffset())
          .with("expected_offset", lastOffset + 1)
          .with("field", "offset");
    }
    lastOffset = request.getOffset();
    String branch =
        request.getBranch().isEmpty()
            ? LakeTable.MAIN
            : withField(() -> InputText.check("Branch name", request.getBranch(), 128), "branch");
    dev.tracelake.lake.Provenance provenance = ProtoMapping.fromProto(request.getProvenance());
    List<VectorSchemaRoot> batches = decodeRows(request);
    AppendBatch batch;
    try {
      batch =
          new AppendBatch(
              table,
              branch,
              writerId,
              request.getOffset(),
              provenance,
              batches,
              request.getSerializedSize(),
              request.getOmitRecordIds());
    } catch (RuntimeException e) {
      batches.forEach(VectorSchemaRoot::close);
      throw e;
    }
    try {
      checkShape(batch);
    } catch (RuntimeException e) {
      batch.close();
      throw e;
    }
    return batch;
  }

  /** Refuses requests without rows, and those whose acknowledgement would be too large. */
  private void checkShape(AppendBatch batch) {
    if (batch.rows() == 0) {
      throw new IngestException(
              ErrorKind.INVALID_ARGUMENT,
              String.format(
                  "Table %s, offset %d: the request carries no rows; send at least one (an empty"
                      + " append would make an empty snapshot)",
                  table, batch.offset()))
          .with("table", table)
          .with("offset", batch.offset())
          .with("field", "rows");
    }
    if (!batch.omitRecordIds() && batch.ackIdBytes() > AppendBatch.MAX_ACK_ID_BYTES) {
      throw new IngestException(
              ErrorKind.INVALID_ARGUMENT,
              String.format(
                  "Table %s, offset %d: the acknowledgement of %d rows would carry %d bytes of"
                      + " record ids, more than the %d allowed; split the request, or name the"
                      + " rows' _record_id and set omit_record_ids",
                  table,
                  batch.offset(),
                  batch.rows(),
                  batch.ackIdBytes(),
                  AppendBatch.MAX_ACK_ID_BYTES))
          .with("table", table)
          .with("offset", batch.offset())
          .with("field", "omit_record_ids");
    }
  }

  private static <T> T withField(java.util.function.Supplier<T> parse, String field) {
    try {
      return parse.get();
    } catch (LakeException e) {
      throw e.with("field", field);
    }
  }

  private List<VectorSchemaRoot> decodeRows(AppendRowsRequest request) {
    switch (request.getRowsCase()) {
      case ARROW_ROWS:
        try {
          return ArrowIpc.decode(
              request.getArrowRows().getIpcStream().toByteArray(), ingestor.allocator());
        } catch (IllegalArgumentException e) {
          throw new IngestException(
                  ErrorKind.INVALID_ARGUMENT,
                  "Table " + table + ", offset " + request.getOffset() + ": " + e.getMessage())
              .with("table", table)
              .with("offset", request.getOffset())
              .with("field", "arrow_rows.ipc_stream");
        } catch (ArrowIpc.LimitExceeded e) {
          throw new IngestException(
                  ErrorKind.RESOURCE_EXHAUSTED,
                  "Table " + table + ", offset " + request.getOffset() + ": " + e.getMessage())
              .with("table", table)
              .with("offset", request.getOffset())
              .with("field", "arrow_rows.ipc_stream");
        }
      case JSON_ROWS:
        try {
          return List.of(ingestor.fromJson(table, request.getJsonRows().getRowsList()));
        } catch (LakeException e) {
          throw e.with("offset", request.getOffset());
        }
      default:
        throw new IngestException(
                ErrorKind.INVALID_ARGUMENT,
                "Table "
                    + table
                    + ", offset "
                    + request.getOffset()
                    + ": the request carries no rows (set arrow_rows or json_rows)")
            .with("table", table)
            .with("offset", request.getOffset())
            .with("field", "rows");
    }
  }

  /** Sends one acknowledgement or ends the stream with the error; called in request order. */
  private void send(Ack ack, Throwable error) {
    synchronized (lock) {
      if (finished) {
        return;
      }
      if (error != null) {
        finished = true;
        open.remove(this);
        responses.onError(GrpcErrors.toStatus(error));
        return;
      }
      AppendRowsResponse response = ProtoMapping.toProto(ack);
      responses.onNext(response);
      if (!responses.isReady()) {
        // the client is not keeping up: this ack waits in the transport's buffer until it reads
        long size = response.getSerializedSize();
        unreadAckBytes += size;
        ingestor.budget().acquire(size);
      }
    }
  }

  /**
   * Ends the stream for a shutdown once every request read so far is acknowledged: UNAVAILABLE
   * tells the writer to resend anything unacknowledged to another server.
   */
  CompletableFuture<Void> endForShutdown() {
    CompletableFuture<Void> last;
    synchronized (lock) {
      last = chain;
    }
    return last.handle(
        (v, e) -> {
          synchronized (lock) {
            if (!finished) {
              finished = true;
              responses.onError(
                  GrpcErrors.toStatus(
                      new IngestException(
                          ErrorKind.SHUTTING_DOWN,
                          "Server is shutting down; resend unacknowledged offsets to another"
                              + " server")));
            }
          }
          releaseUnreadAcks();
          open.remove(this);
          return null;
        });
  }

  @Override
  public void onError(Throwable t) {
    // The client went away. Queued requests still commit; the client resends unacknowledged
    // offsets on a new stream and gets the original snapshots back.
    synchronized (lock) {
      finished = true;
    }
    releaseUnreadAcks();
    open.remove(this);
    LOG.debug(
        "AppendRows stream of writer {} ended by the client: {}",
        writerId,
        Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    CompletableFuture<Void> last;
    synchronized (lock) {
      last = chain;
    }
    last.whenComplete(
        (v, e) -> {
          synchronized (lock) {
            if (!finished) {
              finished = true;
              responses.onCompleted();
            }
            open.remove(this);
          }
          releaseUnreadAcks();
        });
  }
}
