package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.TableName;
import dev.tracelake.proto.v1.AppendRowsRequest;
import dev.tracelake.proto.v1.AppendRowsResponse;
import dev.tracelake.proto.v1.ColumnList;
import dev.tracelake.proto.v1.ColumnSpec;
import dev.tracelake.proto.v1.CreateTableRequest;
import dev.tracelake.proto.v1.IngestServiceGrpc;
import dev.tracelake.proto.v1.JsonRows;
import dev.tracelake.proto.v1.Provenance;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code tracelake serve} process gets a real SIGTERM while requests of several writers wait
 * in its commit queue: every request it accepted is committed and acknowledged, exactly once, its
 * streams then end UNAVAILABLE, and the process exits without a failed commit, a grace that ran out
 * or leaked Arrow memory. Resending everything to a new server writes nothing twice.
 */
class SigtermDrainTest {
  private static final int WRITERS = 4;
  private static final int OFFSETS = 5;
  private static final int ROWS = 200;

  @TempDir Path warehouse;

  /** One writer's stream: the acks and how it ended. */
  private static final class Writer implements StreamObserver<AppendRowsResponse> {
    final List<AppendRowsResponse> acks = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> end = new CompletableFuture<>();

    @Override
    public void onNext(AppendRowsResponse value) {
      acks.add(value);
    }

    @Override
    public void onError(Throwable t) {
      end.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      end.complete(Status.OK);
    }
  }

  @Test
  void queuedRequestsAreCommittedAndAcknowledgedOnSigterm() throws Exception {
    List<String> args =
        List.of("--warehouse", warehouse.toString(), "--commit-interval-ms", "4000");
    List<Writer> writers = new ArrayList<>();
    ServeProcess serve = ServeProcess.start(args, Map.of());
    ManagedChannel channel = channel(serve.port());
    try {
      IngestServiceGrpc.newBlockingStub(channel)
          .createTable(
              CreateTableRequest.newBuilder()
                  .setTable("events")
                  .setColumns(
                      ColumnList.newBuilder()
                          .addColumns(
                              ColumnSpec.newBuilder()
                                  .setName("event_id")
                                  .setType("long")
                                  .setRequired(true)))
                  .build());
      for (int w = 0; w < WRITERS; w++) {
        Writer writer = new Writer();
        writers.add(writer);
        StreamObserver<AppendRowsRequest> requests =
            IngestServiceGrpc.newStub(channel).appendRows(writer);
        for (int offset = 0; offset < OFFSETS; offset++) {
          requests.onNext(request(w, offset));
        }
      }
      // the requests are read and queued: the first commit is seconds away
      Thread.sleep(1_000);
      assertThat(writers).allSatisfy(w -> assertThat(w.acks).isEmpty());

      int exit = serve.stop(Duration.ofSeconds(60));
      assertThat(exit).isEqualTo(143); // SIGTERM, after the shutdown hook ran
      for (Writer writer : writers) {
        writer.end.get(30, TimeUnit.SECONDS); // before our channel goes: it would cancel them
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      serve.close();
    }
    for (Writer writer : writers) {
      Status end = writer.end.get(30, TimeUnit.SECONDS);
      assertThat(end.getCode())
          .as("stream end: " + end + "; server said:\n" + String.join("\n", serve.stderr()))
          .isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(writer.acks)
          .extracting(AppendRowsResponse::getOffset)
          .containsExactly(0L, 1L, 2L, 3L, 4L);
      assertThat(writer.acks).allSatisfy(a -> assertThat(a.getAlreadyCommitted()).isFalse());
    }
    assertThat(String.join("\n", serve.stderr()))
        .doesNotContain("RejectedExecutionException")
        .doesNotContain("grace")
        .doesNotContain("still allocated")
        .doesNotContain("Internal error");
    assertThat(eventIds()).hasSize(WRITERS * OFFSETS * ROWS).doesNotHaveDuplicates();

    // a writer that never saw its acks resends everything elsewhere: nothing is written twice
    ServeProcess again = ServeProcess.start(args, Map.of());
    ManagedChannel second = channel(again.port());
    try {
      for (int w = 0; w < WRITERS; w++) {
        Writer writer = new Writer();
        StreamObserver<AppendRowsRequest> requests =
            IngestServiceGrpc.newStub(second).appendRows(writer);
        for (int offset = 0; offset < OFFSETS; offset++) {
          requests.onNext(request(w, offset));
        }
        requests.onCompleted();
        assertThat(writer.end.get(60, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
        assertThat(writer.acks).hasSize(OFFSETS);
        assertThat(writer.acks).allSatisfy(a -> assertThat(a.getAlreadyCommitted()).isTrue());
      }
    } finally {
      second.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      again.close();
    }
    assertThat(eventIds()).hasSize(WRITERS * OFFSETS * ROWS).doesNotHaveDuplicates();
  }

  private static AppendRowsRequest request(int writer, int offset) {
    JsonRows.Builder rows = JsonRows.newBuilder();
    for (int i = 0; i < ROWS; i++) {
      long id = ((long) writer * OFFSETS + offset) * ROWS + i;
      rows.addRows("{\"event_id\": " + id + "}");
    }
    return AppendRowsRequest.newBuilder()
        .setTable("events")
        .setWriterId("writer-" + writer)
        .setOffset(offset)
        .setProvenance(Provenance.newBuilder().setRunId("sigterm").build())
        .setJsonRows(rows)
        .build();
  }

  private static ManagedChannel channel(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  private List<Long> eventIds() {
    List<Long> ids = new ArrayList<>();
    try (Lake lake = Lake.open(LakeConfig.embedded(warehouse));
        RootAllocator allocator = new RootAllocator();
        ScanBatches batches =
            lake.table(TableName.parse("events")).scan().select("event_id").open(allocator)) {
      while (batches.loadNextBatch()) {
        BigIntVector v = (BigIntVector) batches.root().getVector(0);
        for (int i = 0; i < v.getValueCount(); i++) {
          ids.add(v.get(i));
        }
      }
    }
    assertThat(new HashSet<>(ids)).hasSameSizeAs(ids);
    return ids;
  }
}
