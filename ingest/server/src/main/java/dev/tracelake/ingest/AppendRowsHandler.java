package dev.tracelake.ingest;

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
 * budget has room (manual flow control), submits it, and sends acknowledgements strictly in request
 * order. The first failure ends the stream with its status, after every earlier request has been
 * acknowledged.
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
          open.remove(this);
        });
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
    } catch (RuntimeException e) {
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
    ingestor
        .budget()
        .whenRoom(
            () -> {
              synchronized (lock) {
                if (!finished) {
                  responses.request(1);
                }
              }
            });
  }

  private AppendBatch toDomain(AppendRowsRequest request) {
    if (table == null) {
      if (request.getTable().isEmpty() || request.getWriterId().isEmpty()) {
        throw new IngestException(
            IngestException.Reason.INVALID_REQUEST,
            "The first request of an AppendRows stream must name the table and the writer id");
      }
      table = TableName.parse(request.getTable());
      writerId = request.getWriterId();
      AppendBatch.checkWriterId(writerId);
    } else if ((!request.getTable().isEmpty() && !TableName.parse(request.getTable()).equals(table))
        || (!request.getWriterId().isEmpty() && !request.getWriterId().equals(writerId))) {
      throw new IngestException(
          IngestException.Reason.INVALID_REQUEST,
          "An AppendRows stream carries one writer and one table: started with writer "
              + writerId
              + " on "
              + table
              + ", got writer "
              + request.getWriterId()
              + " on "
              + request.getTable());
    }
    if (request.getOffset() <= lastOffset) {
      throw new IngestException(
          IngestException.Reason.OFFSET_OUT_OF_RANGE,
          String.format(
              "Writer %s on table %s: offset regression on this stream: expected offset %d or"
                  + " more, given %d",
              writerId, table, lastOffset + 1, request.getOffset()));
    }
    lastOffset = request.getOffset();
    String branch = request.getBranch().isEmpty() ? LakeTable.MAIN : request.getBranch();
    List<VectorSchemaRoot> batches = decodeRows(request);
    return new AppendBatch(
        table,
        branch,
        writerId,
        request.getOffset(),
        ProtoMapping.fromProto(request.getProvenance()),
        batches,
        request.getSerializedSize());
  }

  private List<VectorSchemaRoot> decodeRows(AppendRowsRequest request) {
    switch (request.getRowsCase()) {
      case ARROW_ROWS:
        try {
          return ArrowIpc.decode(
              request.getArrowRows().getIpcStream().toByteArray(), ingestor.allocator());
        } catch (IllegalArgumentException e) {
          throw new IngestException(
              IngestException.Reason.INVALID_REQUEST,
              "Table " + table + ", offset " + request.getOffset() + ": " + e.getMessage());
        }
      case JSON_ROWS:
        return List.of(ingestor.fromJson(table, request.getJsonRows().getRowsList()));
      default:
        throw new IngestException(
            IngestException.Reason.INVALID_REQUEST,
            "Table "
                + table
                + ", offset "
                + request.getOffset()
                + ": the request carries no rows (set arrow_rows or json_rows)");
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
      responses.onNext(ProtoMapping.toProto(ack));
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
                  Status.UNAVAILABLE
                      .withDescription(
                          "Server is shutting down; resend unacknowledged offsets to another"
                              + " server")
                      .asRuntimeException());
            }
          }
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
        });
  }
}
