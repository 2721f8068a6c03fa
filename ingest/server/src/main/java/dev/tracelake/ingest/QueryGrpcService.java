package dev.tracelake.ingest;

import com.google.protobuf.ByteString;
import dev.tracelake.proto.v1.ExecuteRequest;
import dev.tracelake.proto.v1.ExecuteResponse;
import dev.tracelake.proto.v1.QueryServiceGrpc;
import dev.tracelake.proto.v1.ResolvedReference;
import dev.tracelake.proto.v1.ResultSchema;
import dev.tracelake.proto.v1.ResultSummary;
import dev.tracelake.query.QueryCancellation;
import dev.tracelake.query.QueryOptions;
import dev.tracelake.query.QueryResult;
import dev.tracelake.query.SqlEngine;
import dev.tracelake.query.TableReference;
import dev.tracelake.wire.ArrowIpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;

/**
 * QueryService over gRPC: runs one read-only statement on the {@link SqlEngine} and streams the
 * result as Arrow IPC, schema first. The query is cancelled when the client goes away, and the
 * stream follows gRPC flow control so a slow client does not make the server buffer the result.
 */
final class QueryGrpcService extends QueryServiceGrpc.QueryServiceImplBase {
  private final SqlEngine engine;
  // queries stopped because their client went away (observable in tests and, later, metrics)
  private final AtomicLong cancelledByClient = new AtomicLong();

  private final AtomicInteger active = new AtomicInteger();

  private final ServerMetrics metrics;

  QueryGrpcService(SqlEngine engine, ServerMetrics metrics) {
    this.engine = engine;
    this.metrics = metrics;
  }

  @Override
  public void execute(ExecuteRequest request, StreamObserver<ExecuteResponse> responses) {
    ServerCallStreamObserver<ExecuteResponse> call =
        (ServerCallStreamObserver<ExecuteResponse>) responses;
    QueryCancellation cancellation = QueryCancellation.create();
    AtomicBoolean answered = new AtomicBoolean();
    // The call's own cancel handler would run only after this method returns (same serializing
    // executor); the context is cancelled at once when the client goes away, so listen there.
    io.grpc.Context.current()
        .addListener(
            context -> {
              if (!answered.get()) {
                cancelledByClient.incrementAndGet();
                cancellation.cancel();
              }
            },
            Runnable::run);
    call.setOnCancelHandler(cancellation::cancel);
    QueryOptions options =
        QueryOptions.defaults()
            .withCancellation(cancellation)
            // each table the statement reads must be readable by the caller (access control)
            .withGate(dev.tracelake.access.Caller.currentGate());
    if (request.getTimeoutMs() > 0) {
      options = options.withTimeout(Duration.ofMillis(request.getTimeoutMs()));
    }
    if (request.getBatchRows() > 0) {
      options = options.withBatchSize(request.getBatchRows());
    }
    active.incrementAndGet();
    long started = System.nanoTime();
    // recorded before the call ends, so a client that sees the end also sees the metric
    AtomicBoolean recorded = new AtomicBoolean();
    Consumer<String> record =
        outcome -> {
          if (recorded.compareAndSet(false, true)) {
            metrics.queryEnded(outcome, System.nanoTime() - started);
          }
        };
    try (QueryResult result = engine.execute(request.getSql(), options)) {
      ResultSchema.Builder head =
          ResultSchema.newBuilder()
              .setArrowSchema(ByteString.copyFrom(ArrowIpc.schemaBytes(result.schema())));
      for (TableReference ref : result.references()) {
        ResolvedReference.Builder r =
            ResolvedReference.newBuilder()
                .setTable(ref.table().toString())
                .setVersion(ref.version());
        ref.snapshotId().ifPresent(r::setSnapshotId);
        head.addReferences(r);
      }
      call.onNext(ExecuteResponse.newBuilder().setSchema(head).build());
      ArrowReader reader = result.reader();
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      long rows = 0;
      while (reader.loadNextBatch()) {
        // the query's deadline keeps running while a slow client holds the stream back; past it,
        // the next load fails and the result (with its DuckDB memory) is released
        awaitReady(call, cancellation, result);
        rows += root.getRowCount();
        call.onNext(ExecuteResponse.newBuilder().setArrowBatch(batchBytes(root)).build());
      }
      call.onNext(
          ExecuteResponse.newBuilder()
              .setSummary(ResultSummary.newBuilder().setRowCount(rows))
              .build());
      answered.set(true);
      record.accept("ok");
      call.onCompleted();
    } catch (IOException e) {
      answered.set(true);
      record.accept("error");
      call.onError(GrpcErrors.toStatus(new UncheckedIOException(e)));
    } catch (RuntimeException e) {
      if (!call.isCancelled()) {
        answered.set(true);
        record.accept(cancellation.isCancelled() ? "cancelled" : "error");
        call.onError(GrpcErrors.toStatus(e));
      }
    } finally {
      active.decrementAndGet();
      record.accept(cancellation.isCancelled() ? "cancelled" : "error");
    }
  }

  int activeQueries() {
    return active.get();
  }

  long cancelledByClient() {
    return cancelledByClient.get();
  }

  /** Waits for the client to take more (flow control), or for a cancellation. */
  private static void awaitReady(
      ServerCallStreamObserver<ExecuteResponse> call,
      QueryCancellation cancellation,
      QueryResult result) {
    while (!call.isReady()
        && !call.isCancelled()
        && !cancellation.isCancelled()
        && !result.isStopped()) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cancellation.cancel();
        return;
      }
    }
  }

  private static ByteString batchBytes(VectorSchemaRoot root) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
      MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), batch);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteString.copyFrom(out.toByteArray());
  }
}
