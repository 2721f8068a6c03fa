package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.client.SqlRows;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.client.TracelakeException;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.proto.v1.ExecuteRequest;
import dev.tracelake.proto.v1.ExecuteResponse;
import dev.tracelake.proto.v1.QueryServiceGrpc;
import dev.tracelake.query.SqlEngine;
import dev.tracelake.query.SqlEngineConfig;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The QueryService's limits over loopback: a client's timeout is capped at the server's, a client
 * that stops reading is cut off at its deadline and its query released, and queries past the
 * concurrency cap are RESOURCE_EXHAUSTED.
 */
class QueryLimitsTest {
  private RootAllocator allocator;
  private Lake lake;
  private SqlEngine engine;
  private QueryGrpcService service;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start(@TempDir Path warehouse) throws Exception {
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    engine =
        SqlEngine.create(
            lake,
            SqlEngineConfig.defaults()
                .withDefaultTimeout(Duration.ofSeconds(3))
                .withMaxTimeout(Duration.ofSeconds(3))
                .withMaxConcurrentQueries(1));
    service = new QueryGrpcService(engine, ServerMetrics.create());
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(service)
            .build()
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    // a handler still closing a cancelled query's result holds its Arrow memory until it has
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (service.activeQueries() > 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    engine.close();
    lake.close();
    allocator.close();
  }

  @Test
  void aClientsTimeoutIsCappedAtTheServersLimit() {
    var stub = QueryServiceGrpc.newBlockingStub(channel);
    assertThatThrownBy(
            () ->
                stub.execute(
                        ExecuteRequest.newBuilder()
                            .setSql(
                                "SELECT count(*) FROM range(1000000000000) a WHERE a.range % 7"
                                    + " = 8")
                            .setTimeoutMs(3_600_000)
                            .build())
                    .forEachRemaining(r -> {}))
        .satisfies(
            e -> {
              Status status = Status.fromThrowable(e);
              assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
              assertThat(status.getDescription())
                  .isEqualTo("Query exceeded its timeout of 3 s and was cancelled");
            });
  }

  @Test
  void aClientThatStopsReadingIsCutOffAtTheDeadlineAndItsQueryReleased() throws Exception {
    AtomicReference<ClientCallStreamObserver<ExecuteRequest>> call = new AtomicReference<>();
    AtomicInteger received = new AtomicInteger();
    CompletableFuture<Status> ended = new CompletableFuture<>();
    QueryServiceGrpc.newStub(channel)
        .execute(
            ExecuteRequest.newBuilder()
                .setSql("SELECT range, range * 2 AS twice FROM range(3000000)")
                .setBatchRows(1000)
                .build(),
            new ClientResponseObserver<ExecuteRequest, ExecuteResponse>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<ExecuteRequest> requestStream) {
                call.set(requestStream);
                requestStream.disableAutoRequestWithInitial(2); // the schema and one batch
              }

              @Override
              public void onNext(ExecuteResponse value) {
                received.incrementAndGet();
              }

              @Override
              public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                ended.complete(Status.OK);
              }
            });
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (service.activeQueries() == 0 && !ended.isDone() && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    // the client reads nothing more; the server must give up at the query's deadline
    while (service.activeQueries() > 0 && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(service.activeQueries()).isZero();
    call.get().request(Integer.MAX_VALUE);
    Status status = ended.get(30, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(received.get()).isLessThan(3000);
    // the slot is free again
    try (TracelakeClient client = TracelakeClient.using(channel);
        SqlRows rows = client.sql("SELECT 42 AS answer", allocator)) {
      assertThat(rows.loadNextBatch()).isTrue();
    }
  }

  @Test
  void queriesPastTheConcurrencyCapAreResourceExhausted() {
    try (TracelakeClient client = TracelakeClient.using(channel);
        SqlRows first = client.sql("SELECT range FROM range(100000)", allocator)) {
      first.root(); // the first query holds the only slot while its result streams
      assertThatThrownBy(() -> client.sql("SELECT 1", allocator).root())
          .isInstanceOf(TracelakeException.class)
          .hasMessageContaining("queries are running, the most this engine runs at once")
          .extracting(e -> ((TracelakeException) e).code())
          .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }
  }
}
