package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.proto.v1.AppendRowsResponse;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class LifecycleTest extends IngestServerTestBase {

  @Override
  IngestConfig config() {
    // a long interval: requests queue up, and shutdown has to commit them
    return super.config()
        .withCommitInterval(Duration.ofSeconds(5))
        .withMaxMessageBytes(1 << 20)
        .withInflightBytes(4L << 20);
  }

  @Test
  void healthAndReflectionAreServed() throws Exception {
    HealthCheckResponse health =
        HealthGrpc.newBlockingStub(channel)
            .check(
                HealthCheckRequest.newBuilder().setService(TracelakeServer.SERVICE_NAME).build());
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse value) {
                    answer.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    List<String> services =
        answer.get(30, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
            .map(s -> s.getName())
            .toList();
    requests.onCompleted();
    assertThat(services).contains("tracelake.v1.IngestService", "grpc.health.v1.Health");
  }

  @Test
  void gracefulShutdownCommitsWhatIsQueuedAndHalfWritesNothing() throws Exception {
    createEvents("events");
    int writers = 3;
    int requests = 10;
    int rows = 20;
    List<AppendStream> streams = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      AppendStream s = new AppendStream(channel, "events", "w" + w);
      streams.add(s);
      for (int r = 0; r < requests; r++) {
        try (VectorSchemaRoot batch = events(((long) w * requests + r) * rows, rows)) {
          s.sendArrow(r, batch);
        }
      }
    }
    // let the server read the requests into its commit queue, then stop it before the interval
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (server.ingestor().budget().used() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    server.stop();

    Map<Long, Boolean> ackedFirstIds = new HashMap<>();
    for (int w = 0; w < writers; w++) {
      AppendStream s = streams.get(w);
      for (int r = 0; r < requests; r++) {
        AppendRowsResponse ack = s.takeOrNull();
        if (ack == null) {
          break;
        }
        ackedFirstIds.put(((long) w * requests + ack.getOffset()) * rows, true);
      }
      s.close();
    }
    List<Long> ids = eventIds("events", null);
    Set<Long> present = new HashSet<>(ids);
    assertUnique(ids);
    assertThat(ackedFirstIds).isNotEmpty();
    // every acknowledged request is committed, and every request is all-or-nothing
    for (long first : ackedFirstIds.keySet()) {
      assertThat(present).contains(first, first + rows - 1);
    }
    for (long first = 0; first < (long) writers * requests * rows; first += rows) {
      boolean head = present.contains(first);
      for (long id = first; id < first + rows; id++) {
        assertThat(present.contains(id))
            .as("request starting at %d is all-or-nothing", first)
            .isEqualTo(head);
      }
    }
    assertThat(ids.size()).isEqualTo(ackedFirstIds.size() * rows);
  }

  @Test
  void stopEndsIdleStreamsWithUnavailableAndRefusesLateRequestsRetryably() throws Exception {
    createEvents("events");
    try (AppendStream idle = new AppendStream(channel, "events", "idle");
        AppendStream queued = new AppendStream(channel, "events", "queued")) {
      idle.sendJson(0, jsonEvents(0, 1));
      assertThat(idle.take().getOffset()).isZero(); // committed; the stream now sits idle
      queued.sendJson(0, jsonEvents(1, 1));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (server.ingestor().budget().used() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5); // until the server holds the request in its commit queue
      }
      server.stop();
      // the queued request is committed and acknowledged before its stream ends
      assertThat(queued.take().getOffset()).isZero();
      for (AppendStream s : List.of(idle, queued)) {
        Status status = s.status(Duration.ofSeconds(30));
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).contains("resend unacknowledged offsets");
      }
    }
    assertThat(eventIds("events", null)).containsExactly(0L, 1L);
  }

  @Test
  void aRequestArrivingWhileDrainingIsUnavailableNotAFinalError() throws Exception {
    createEvents("events");
    server.ingestor().drain(Duration.ofSeconds(5));
    try (AppendStream stream = new AppendStream(channel, "events", "w1")) {
      stream.sendJson(0, jsonEvents(0, 1));
      Status status = stream.status(Duration.ofSeconds(30));
      assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(status.getDescription())
          .isEqualTo("Server is shutting down; resend offset 0 to another server");
    }
    assertThat(eventIds("events", null)).isEmpty();
  }
}
