package dev.tracelake.ingest;

import com.google.protobuf.ByteString;
import dev.tracelake.proto.v1.AppendRowsRequest;
import dev.tracelake.proto.v1.AppendRowsResponse;
import dev.tracelake.proto.v1.ArrowRows;
import dev.tracelake.proto.v1.IngestServiceGrpc;
import dev.tracelake.proto.v1.JsonRows;
import dev.tracelake.proto.v1.Provenance;
import dev.tracelake.wire.ArrowIpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.VectorSchemaRoot;

/** A raw AppendRows stream for tests: send requests, take responses in order, see the status. */
final class AppendStream implements AutoCloseable {
  static final Provenance PROV =
      Provenance.newBuilder()
          .setCodeCommit("abc123")
          .setModelName("fraud")
          .setModelVersion("v3")
          .setRunId("run-7")
          .setProducer("test")
          .build();

  private final LinkedBlockingQueue<AppendRowsResponse> responses = new LinkedBlockingQueue<>();
  private final CompletableFuture<Status> done = new CompletableFuture<>();
  private final CompletableFuture<Throwable> error = new CompletableFuture<>();
  private final ClientCallStreamObserver<AppendRowsRequest> requests;
  private final String table;
  private final String writer;

  @SuppressWarnings("unchecked")
  AppendStream(ManagedChannel channel, String table, String writer) {
    this.table = table;
    this.writer = writer;
    CompletableFuture<ClientCallStreamObserver<AppendRowsRequest>> observer =
        new CompletableFuture<>();
    IngestServiceGrpc.newStub(channel)
        .appendRows(
            new ClientResponseObserver<AppendRowsRequest, AppendRowsResponse>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<AppendRowsRequest> stream) {
                observer.complete(stream);
              }

              @Override
              public void onNext(AppendRowsResponse value) {
                responses.add(value);
              }

              @Override
              public void onError(Throwable t) {
                error.complete(t);
                done.complete(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                done.complete(Status.OK);
              }
            });
    this.requests = observer.join();
  }

  AppendRowsRequest.Builder request(long offset) {
    return AppendRowsRequest.newBuilder()
        .setTable(table)
        .setWriterId(writer)
        .setOffset(offset)
        .setProvenance(PROV);
  }

  AppendStream sendJson(long offset, List<String> rows) {
    return send(request(offset).setJsonRows(JsonRows.newBuilder().addAllRows(rows)).build());
  }

  AppendStream sendArrow(long offset, VectorSchemaRoot batch) {
    return send(
        request(offset)
            .setArrowRows(
                ArrowRows.newBuilder()
                    .setIpcStream(ByteString.copyFrom(ArrowIpc.encode(batch).toByteArray())))
            .build());
  }

  AppendStream send(AppendRowsRequest request) {
    requests.onNext(request);
    return this;
  }

  AppendRowsResponse take() throws InterruptedException {
    AppendRowsResponse r = takeOrNull();
    if (r == null) {
      throw new AssertionError("no response; stream status: " + done.getNow(null));
    }
    return r;
  }

  /** Returns the next response, or null once the stream has ended with none left (or 30 s). */
  AppendRowsResponse takeOrNull() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      AppendRowsResponse r = responses.poll(50, TimeUnit.MILLISECONDS);
      if (r != null) {
        return r;
      }
      if (done.isDone() && responses.isEmpty()) {
        return null;
      }
    }
    return null;
  }

  List<AppendRowsResponse> take(int n) throws InterruptedException {
    List<AppendRowsResponse> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(take());
    }
    return out;
  }

  /** Half-closes and waits for the server to end the stream. */
  Status finish() throws Exception {
    requests.onCompleted();
    return status(Duration.ofSeconds(30));
  }

  Status status(Duration timeout) throws Exception {
    return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits for the stream to end with an error and returns it (with its trailers). */
  Throwable error(Duration timeout) throws Exception {
    return error.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  void cancel() {
    requests.cancel("test disconnects", null);
  }

  @Override
  public void close() {
    if (!done.isDone()) {
      cancel();
    }
  }
}
