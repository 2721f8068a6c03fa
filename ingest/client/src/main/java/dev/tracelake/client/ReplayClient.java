package dev.tracelake.client;

import dev.tracelake.proto.v1.CommitEmptyReplayBatchRequest;
import dev.tracelake.proto.v1.CompareReplayRequest;
import dev.tracelake.proto.v1.CreateReplayResponse;
import dev.tracelake.proto.v1.DropReplayRequest;
import dev.tracelake.proto.v1.GetReplayRequest;
import dev.tracelake.proto.v1.ListReplaysRequest;
import dev.tracelake.proto.v1.PublishReplayRequest;
import dev.tracelake.proto.v1.ReplayServiceGrpc;
import dev.tracelake.proto.v1.StreamReplayRequest;
import io.grpc.Context;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays: define one over production outputs, stream its inputs to a candidate model (or let
 * {@link #run} drive the candidate, exactly once), compare, then publish or drop. Get one from
 * {@link TracelakeClient#replays()}. Thread-safe.
 *
 * <pre>{@code
 * ReplayClient replays = client.replays();
 * replays.create(NewReplay.of("v4-trial", "fraud.predictions").model("fraud", "v3")
 *     .candidate(Provenance.builder().model("fraud", "v4").codeCommit(sha).build()));
 * replays.run("v4-trial", batch -> score(batch));          // resumes where it stopped
 * ReplayComparison diff = replays.compare("v4-trial", "day", List.of());
 * replays.publish("v4-trial");                             // or replays.drop("v4-trial")
 * }</pre>
 */
public final class ReplayClient {
  private static final Logger LOG = LoggerFactory.getLogger(ReplayClient.class);
  private static final Duration CALL_DEADLINE = Duration.ofMinutes(10);
  private static final int MAX_MESSAGE = 256 << 20;

  private final TracelakeClient client;
  private final io.grpc.Channel channel;

  ReplayClient(TracelakeClient client, io.grpc.Channel channel) {
    this.client = client;
    this.channel = channel;
  }

  private ReplayServiceGrpc.ReplayServiceBlockingStub stub() {
    return ReplayServiceGrpc.newBlockingStub(channel)
        .withMaxInboundMessageSize(MAX_MESSAGE)
        .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Creates a replay, or returns it when the same id was created with the same definition.
   *
   * @throws TracelakeException ALREADY_EXISTS when the id names another definition or the branch
   *     exists, NOT_FOUND for an unknown table, ref or snapshot, FAILED_PRECONDITION when the slice
   *     selects no output citing inputs, INVALID_ARGUMENT for a malformed value
   */
  public Created create(NewReplay replay) {
    Objects.requireNonNull(replay, "replay");
    CreateReplayResponse r =
        TracelakeClient.call(
            "Cannot create replay " + replay.toProto().getReplayId(),
            () -> stub().createReplay(replay.toProto()));
    return new Created(Replay.fromProto(r.getReplay()), r.getCreated());
  }

  /**
   * The answer of {@link #create}.
   *
   * @param replay the replay
   * @param created false when the same replay existed and is returned unchanged
   */
  public record Created(Replay replay, boolean created) {}

  /**
   * Returns a replay and how far its candidate got.
   *
   * @throws TracelakeException NOT_FOUND for an unknown replay
   */
  public Replay get(String replayId) {
    return Replay.fromProto(
        TracelakeClient.call(
                "Cannot get replay " + replayId,
                () -> stub().getReplay(GetReplayRequest.newBuilder().setReplayId(replayId).build()))
            .getReplay());
  }

  /** Returns the replays (of {@code table}, or all when null), newest first. */
  public List<Replay> list(String table) {
    ListReplaysRequest request =
        ListReplaysRequest.newBuilder().setTable(table == null ? "" : table).build();
    return TracelakeClient.call("Cannot list replays", () -> stub().listReplays(request))
        .getReplaysList()
        .stream()
        .map(Replay::fromProto)
        .toList();
  }

  /**
   * Streams a replay's inputs from batch {@code fromBatch} on, at most {@code maxBatches} (0: all).
   *
   * @param allocator where the batches are allocated
   * @return the stream; close it (closing early cancels it)
   * @throws TracelakeException NOT_FOUND for an unknown replay, INVALID_ARGUMENT for a batch out of
   *     range, FAILED_PRECONDITION for a published or dropped replay
   */
  public ReplayInputs stream(
      String replayId, long fromBatch, long maxBatches, BufferAllocator allocator) {
    Objects.requireNonNull(allocator, "allocator");
    Context.CancellableContext context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      var responses =
          ReplayServiceGrpc.newBlockingStub(channel)
              .withMaxInboundMessageSize(MAX_MESSAGE)
              .streamReplay(
                  StreamReplayRequest.newBuilder()
                      .setReplayId(replayId)
                      .setFromBatch(fromBatch)
                      .setMaxBatches(maxBatches)
                      .build());
      return new ReplayInputs(context, responses, replayId, allocator);
    } catch (RuntimeException e) {
      context.cancel(e);
      throw e;
    } finally {
      context.detach(previous);
    }
  }

  /**
   * Compares the candidate's outputs with production's.
   *
   * @param groupBy {@code model_version}, {@code run}, {@code day} or a column; null for none
   * @param columns the columns to compare; empty for all but metadata
   * @throws TracelakeException NOT_FOUND for an unknown replay or column
   */
  public ReplayComparison compare(String replayId, String groupBy, List<String> columns) {
    return compare(replayId, groupBy, columns, 0, 0);
  }

  /**
   * Compares, listing at most {@code maxPairs} value pairs per categorical column and {@code
   * maxExamples} record ids per kind (0: the server's defaults, 20 and 10).
   */
  public ReplayComparison compare(
      String replayId, String groupBy, List<String> columns, int maxPairs, int maxExamples) {
    CompareReplayRequest request =
        CompareReplayRequest.newBuilder()
            .setReplayId(replayId)
            .setGroupBy(groupBy == null ? "" : groupBy)
            .addAllColumns(columns)
            .setMaxPairs(maxPairs)
            .setMaxExamples(maxExamples)
            .build();
    return ReplayComparison.fromProto(
        TracelakeClient.call(
            "Cannot compare replay " + replayId, () -> stub().compareReplay(request)));
  }

  /**
   * Publishes a complete replay: main of its table moves to the branch head.
   *
   * @throws TracelakeException FAILED_PRECONDITION when it is not complete, was dropped, or main
   *     moved on since the branch was made
   */
  public Replay publish(String replayId) {
    return Replay.fromProto(
        TracelakeClient.call(
                "Cannot publish replay " + replayId,
                () ->
                    stub()
                        .publishReplay(
                            PublishReplayRequest.newBuilder().setReplayId(replayId).build()))
            .getReplay());
  }

  /** Drops a replay's branch (admin); its snapshots stay readable and comparable. */
  public Replay drop(String replayId) {
    return Replay.fromProto(
        TracelakeClient.call(
                "Cannot drop replay " + replayId,
                () ->
                    stub().dropReplay(DropReplayRequest.newBuilder().setReplayId(replayId).build()))
            .getReplay());
  }

  /**
   * Commits a batch without outputs: the replay writer's offset for it, in an empty snapshot on the
   * branch (an append without rows is refused). {@link #run} does this for a batch its model
   * answers with no rows; a candidate writing on its own does it too, then reopens its writer.
   *
   * @throws TracelakeException FAILED_PRECONDITION when the batch before it is not committed yet or
   *     the replay is published or dropped, INVALID_ARGUMENT for a batch out of range
   */
  public Replay commitEmptyBatch(String replayId, long batch) {
    return Replay.fromProto(
        TracelakeClient.call(
                "Cannot commit batch " + batch + " of replay " + replayId,
                () ->
                    stub()
                        .commitEmptyReplayBatch(
                            CommitEmptyReplayBatchRequest.newBuilder()
                                .setReplayId(replayId)
                                .setBatch(batch)
                                .build()))
            .getReplay());
  }

  /** Runs a candidate over a replay; see {@link #run(String, ReplayModel, Duration)}. */
  public ReplayRunResult run(String replayId, ReplayModel model) {
    return run(replayId, model, Duration.ofMinutes(5));
  }

  /**
   * Runs a candidate over a replay, exactly once: starts its run, opens the replay's writer on the
   * replay's branch, streams the batches after the writer's last committed one and appends the
   * model's outputs for batch N as offset N. When the server goes away the stream is opened again
   * from the next batch (for up to {@code retryTimeout}) and the writer resends what was not
   * acknowledged, so a batch is committed once however often the run reconnects, and a run started
   * again after a crash continues where the last one stopped. Ends the run COMPLETED, or FAILED
   * when the model or the server fails.
   *
   * @return what the run did
   * @throws TracelakeException when the replay cannot be streamed or written, e.g.
   *     FAILED_PRECONDITION for a published or dropped replay
   * @throws RuntimeException what the model threw
   */
  public ReplayRunResult run(String replayId, ReplayModel model, Duration retryTimeout) {
    Objects.requireNonNull(model, "model");
    Replay replay = get(replayId);
    Provenance candidate = replay.candidate();
    if (replay.state().equals("DROPPED") || replay.state().equals("PUBLISHED")) {
      // its branch may be gone: let the server say why nothing can be streamed
      try (BufferAllocator allocator = new RootAllocator();
          ReplayInputs inputs = stream(replayId, 0, 1, allocator);
          ReplayInputBatch ignored = inputs.next()) {
        throw new IllegalStateException("Replay " + replayId + " is " + replay.state());
      }
    }
    RunHandle run = startRun(replay);
    long first =
        client.writerOffset(replay.table(), replay.writerId(), replay.branch()).orElse(-1L) + 1;
    long next = first;
    long written = 0;
    long outputs = 0;
    long skipped = 0;
    int reconnects = 0;
    List<CompletableFuture<AppendAck>> acks = new ArrayList<>();
    List<Long> batches = new ArrayList<>();
    WriterOptions options =
        WriterOptions.builder()
            .provenance(candidate)
            .branch(replay.branch())
            .retryTimeout(retryTimeout)
            .build();
    TableWriter[] writer = {client.openWriter(replay.table(), replay.writerId(), options)};
    try (BufferAllocator allocator = new RootAllocator()) {
      long deadline = 0;
      Duration backoff = Duration.ofMillis(100);
      while (next < replay.batches()) {
        try (ReplayInputs inputs = stream(replayId, next, 0, allocator)) {
          while (true) {
            try (ReplayInputBatch batch = inputs.next()) {
              if (batch == null) {
                break;
              }
              List<Map<String, Object>> rows = model.score(batch);
              if (rows == null || rows.isEmpty()) {
                // an append needs rows: the server commits the batch's offset on its own, after
                // every earlier one, and a writer opened afterwards continues after it
                writer[0].flush();
                checkOffsets(replayId, acks, batches);
                acks.clear();
                batches.clear();
                commitEmptyBatch(replayId, batch.batch());
                writer[0].close();
                writer[0] = client.openWriter(replay.table(), replay.writerId(), options);
              } else {
                acks.add(writer[0].appendRows(rows));
                batches.add(batch.batch());
              }
              written++;
              outputs += rows == null ? 0 : rows.size();
              skipped += batch.skipped().size();
              next = batch.batch() + 1;
              deadline = 0;
              backoff = Duration.ofMillis(100);
            }
          }
          next = Math.max(next, replay.batches());
        } catch (TracelakeException e) {
          if (e.code() != Status.Code.UNAVAILABLE && e.code() != Status.Code.DEADLINE_EXCEEDED) {
            throw e;
          }
          long now = System.nanoTime();
          deadline = deadline == 0 ? now + retryTimeout.toNanos() : deadline;
          if (now > deadline) {
            throw e;
          }
          reconnects++;
          LOG.info(
              "Replay {}: input stream broke at batch {} ({}); streaming again",
              replayId,
              next,
              e.getMessage());
          sleep(backoff);
          backoff =
              backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                  ? Duration.ofSeconds(5)
                  : backoff.multipliedBy(2);
        }
      }
      writer[0].flush();
      checkOffsets(replayId, acks, batches);
      writer[0].close();
    } catch (RuntimeException e) {
      try {
        writer[0].close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      if (run != null) {
        try {
          run.fail(String.valueOf(e.getMessage()));
        } catch (TracelakeException failing) {
          e.addSuppressed(failing);
        }
      }
      throw e;
    }
    if (run != null) {
      run.complete();
    }
    return new ReplayRunResult(get(replayId), first, written, outputs, skipped, reconnects);
  }

  /** Starts the candidate's run; null when it ended already (a replay run again after its end). */
  private RunHandle startRun(Replay replay) {
    Provenance c = replay.candidate();
    RunSpec.Builder spec =
        RunSpec.builder(c.runId())
            .job("tracelake-replay", replay.replayId())
            .parameter("replay", replay.replayId())
            .parameter("table", replay.table())
            .parameter("branch", replay.branch())
            .parameter("source_snapshot_id", Long.toString(replay.sourceSnapshotId()));
    if (c.modelName() != null) {
      spec.model(c.modelName(), c.modelVersion());
    }
    if (c.codeCommit() != null) {
      spec.code(null, c.codeCommit());
    }
    try {
      return client.lineage().startRun(spec.build());
    } catch (TracelakeException e) {
      if (e.code() == Status.Code.FAILED_PRECONDITION) {
        LOG.info(
            "Replay {}: run {} has ended already; writing under it anyway",
            replay.replayId(),
            c.runId());
        return null;
      }
      throw e;
    }
  }

  /** Checks that batch N was committed as offset N: the writer's offsets are the batch numbers. */
  private static void checkOffsets(
      String replayId, List<CompletableFuture<AppendAck>> acks, List<Long> batches) {
    for (int i = 0; i < acks.size(); i++) {
      AppendAck ack;
      try {
        ack = acks.get(i).join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof TracelakeException t ? t : e;
      }
      if (ack.offset() != batches.get(i)) {
        throw new IllegalStateException(
            "Replay "
                + replayId
                + ": batch "
                + batches.get(i)
                + " was committed as offset "
                + ack.offset()
                + "; another writer with the replay's writer id is running");
      }
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TracelakeException.of("Replay run interrupted", Status.CANCELLED);
    }
  }
}
