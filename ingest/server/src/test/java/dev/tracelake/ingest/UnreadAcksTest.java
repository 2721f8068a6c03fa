package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tracelake.proto.v1.AppendRowsRequest;
import dev.tracelake.proto.v1.AppendRowsResponse;
import dev.tracelake.proto.v1.ArrowRows;
import dev.tracelake.proto.v1.IngestServiceGrpc;
import dev.tracelake.wire.ArrowIpc;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * A writer that stops reading its acknowledgements: the server charges the acks it cannot deliver
 * to the in-flight budget and stops reading that stream, instead of buffering acks without limit;
 * once the writer reads again, everything is acknowledged and the charge is released.
 */
class UnreadAcksTest extends IngestServerTestBase {
  private static final int REQUESTS = 60;
  private static final int ROWS = 4_000; // an ack of about 160 KB

  @Test
  void aWriterThatStopsReadingAcksStopsBeingRead() throws Exception {
    createEvents("events");
    LinkedBlockingQueue<AppendRowsResponse> acks = new LinkedBlockingQueue<>();
    CompletableFuture<ClientCallStreamObserver<AppendRowsRequest>> started =
        new CompletableFuture<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    IngestServiceGrpc.newStub(channel)
        .appendRows(
            new ClientResponseObserver<AppendRowsRequest, AppendRowsResponse>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<AppendRowsRequest> stream) {
                stream.disableAutoRequestWithInitial(0); // reads no acknowledgement
                started.complete(stream);
              }

              @Override
              public void onNext(AppendRowsResponse value) {
                acks.add(value);
              }

              @Override
              public void onError(Throwable t) {
                done.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                done.complete(null);
              }
            });
    ClientCallStreamObserver<AppendRowsRequest> requests = started.get(10, TimeUnit.SECONDS);
    // one request at a time, each once the one before is committed: the server reads on until
    // the acknowledgements it cannot deliver hold it back
    int sent = 0;
    long charged = 0;
    for (int r = 0; r < REQUESTS; r++) {
      try (VectorSchemaRoot batch = events((long) r * ROWS, ROWS)) {
        requests.onNext(
            AppendRowsRequest.newBuilder()
                .setTable("events")
                .setWriterId("slow-reader")
                .setOffset(r)
                .setProvenance(AppendStream.PROV)
                .setArrowRows(
                    ArrowRows.newBuilder()
                        .setIpcStream(ByteString.copyFrom(ArrowIpc.encode(batch).toByteArray())))
                .build());
      }
      sent++;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (eventIds("events", null).size() < sent * ROWS && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      charged = Math.max(charged, server.ingestor().budget().used());
      if (eventIds("events", null).size() < sent * ROWS) {
        break; // the server stopped reading this stream
      }
    }
    int committed = eventIds("events", null).size();
    assertThat(committed)
        .as("rows committed while the writer reads no ack")
        .isLessThan(REQUESTS * ROWS);
    assertThat(charged).as("unread acknowledgements are charged to the budget").isPositive();
    // the requests sent but not read are still coming
    for (int r = sent; r < REQUESTS; r++) {
      try (VectorSchemaRoot batch = events((long) r * ROWS, ROWS)) {
        requests.onNext(
            AppendRowsRequest.newBuilder()
                .setOffset(r)
                .setProvenance(AppendStream.PROV)
                .setArrowRows(
                    ArrowRows.newBuilder()
                        .setIpcStream(ByteString.copyFrom(ArrowIpc.encode(batch).toByteArray())))
                .build());
      }
    }

    requests.request(REQUESTS);
    for (int r = 0; r < REQUESTS; r++) {
      AppendRowsResponse ack = acks.poll(60, TimeUnit.SECONDS);
      assertThat(ack).as("ack of offset " + r).isNotNull();
      assertThat(ack.getOffset()).isEqualTo(r);
      assertThat(ack.getRecordIdsCount()).isEqualTo(ROWS);
    }
    requests.onCompleted();
    done.get(30, TimeUnit.SECONDS);
    assertThat(eventIds("events", null)).hasSize(REQUESTS * ROWS);
    long released = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.ingestor().budget().used() > 0 && System.nanoTime() < released) {
      Thread.sleep(20);
    }
    assertThat(server.ingestor().budget().used()).isZero();
  }
}
