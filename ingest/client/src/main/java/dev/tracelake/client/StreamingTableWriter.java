package dev.tracelake.client;

import dev.tracelake.proto.v1.AppendRowsRequest;
import dev.tracelake.proto.v1.AppendRowsResponse;
import dev.tracelake.proto.v1.IngestServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TableWriter} over AppendRows streams. Keeps every request until its acknowledgement;
 * when a stream ends with a retryable status it opens a new one after a backoff and re-sends them
 * all with the same offsets. Acknowledgements arrive in offset order, so the unacknowledged
 * requests are a queue whose head is the next one to be acknowledged.
 */
final class StreamingTableWriter implements TableWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingTableWriter.class);

  /** Statuses after which re-sending the same offsets is safe and may succeed. */
  static final Set<Status.Code> RETRYABLE =
      Set.of(Status.Code.UNAVAILABLE, Status.Code.ABORTED, Status.Code.UNKNOWN);

  /** One request from its append until its acknowledgement. */
  private static final class Unacked {
    final AppendRowsRequest request;
    final List<String> recordIds;
    final long rows;
    final long bytes;
    final CompletableFuture<AppendAck> future = new CompletableFuture<>();
    // guarded by the writer's lock: how many streams this request was sent on
    int sends;

    Unacked(AppendRowsRequest request, List<String> recordIds) {
      this.request = request;
      this.recordIds = recordIds;
      this.rows = recordIds.size();
      this.bytes = request.getSerializedSize();
    }

    long offset() {
      return request.getOffset();
    }
  }

  private final ManagedChannel channel;
  private final IngestServiceGrpc.IngestServiceStub stub;
  private final String table;
  private final String writerId;
  private final WriterOptions options;
  private final dev.tracelake.proto.v1.Provenance provenance;
  private final RowEncoder encoder;
  private final ScheduledExecutorService scheduler;
  private final Executor callbacks;
  private final Runnable onClose;

  // Fair, so that appends waiting for room are admitted (and get offsets) in arrival order.
  private final ReentrantLock lock = new ReentrantLock(true);
  // signalled whenever the window shrinks, the writer fails or admission moves on
  private final Condition changed = lock.newCondition();
  // guarded by lock: sent or waiting to be sent, in offset order
  private final ArrayDeque<Unacked> unacked = new ArrayDeque<>();
  // guarded by lock
  private long unackedBytes;
  // guarded by lock
  private long nextOffset;
  // guarded by lock: tickets make admission first come, first served
  private long nextTicket;
  // guarded by lock
  private long admittedTicket;
  // guarded by lock: tickets of appends that gave up waiting (interrupted, writer closed)
  private final Set<Long> skippedTickets = new HashSet<>();
  // guarded by lock: the open stream, null when none is open
  private ClientCallStreamObserver<AppendRowsRequest> stream;
  // guarded by lock: callbacks of older streams are ignored
  private int generation;
  // guarded by lock
  private boolean reconnectScheduled;
  // guarded by lock
  private final Backoff backoff;
  // guarded by lock: when reconnecting began without an acknowledgement since; -1 when not
  private long retryingSinceNanos = -1;
  // guarded by lock: set once, when a final status ends the writer
  private TracelakeException failure;
  // guarded by lock: the offset whose failure ended the writer
  private long failedOffset = Long.MAX_VALUE;
  // guarded by lock
  private boolean closed;

  StreamingTableWriter(
      ManagedChannel channel,
      String table,
      String writerId,
      long firstOffset,
      WriterOptions options,
      RowEncoder encoder,
      ScheduledExecutorService scheduler,
      Executor callbacks,
      Runnable onClose) {
    this.channel = channel;
    this.stub = IngestServiceGrpc.newStub(channel);
    this.table = table;
    this.writerId = writerId;
    this.nextOffset = firstOffset;
    this.options = options;
    this.provenance = ProtoValues.toProto(options.provenance());
    this.encoder = encoder;
    this.scheduler = scheduler;
    this.callbacks = callbacks;
    this.onClose = onClose;
    this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
  }

  @Override
  public String table() {
    return table;
  }

  @Override
  public String writerId() {
    return writerId;
  }

  @Override
  public CompletableFuture<AppendAck> append(VectorSchemaRoot batch) {
    Objects.requireNonNull(batch, "batch");
    checkOpen();
    RowEncoder.Encoded rows = encoder.arrow(batch);
    return enqueue(AppendRowsRequest.newBuilder().setArrowRows(rows.arrow()), rows.recordIds());
  }

  @Override
  public CompletableFuture<AppendAck> appendRows(List<? extends Map<String, ?>> rows) {
    Objects.requireNonNull(rows, "rows");
    checkOpen();
    RowEncoder.Encoded encoded = encoder.json(rows);
    return enqueue(AppendRowsRequest.newBuilder().setJsonRows(encoded.json()), encoded.recordIds());
  }

  private CompletableFuture<AppendAck> enqueue(
      AppendRowsRequest.Builder request, List<String> recordIds) {
    request.setTable(table).setWriterId(writerId).setProvenance(provenance);
    if (!"main".equals(options.branch())) {
      request.setBranch(options.branch());
    }
    long bytes = request.build().getSerializedSize();
    lock.lock();
    try {
      long ticket = nextTicket++;
      try {
        while (ticket != admittedTicket || !hasRoom(bytes)) {
          checkOpen();
          changed.await();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw TracelakeException.of(
            describe(),
            Status.Code.CANCELLED,
            "interrupted while waiting for room among "
                + unacked.size()
                + " unacknowledged appends ("
                + unackedBytes
                + " bytes)",
            e);
      } finally {
        if (ticket == admittedTicket) {
          admittedTicket++;
        } else {
          // leaving the line before our turn: whoever comes after must not wait for it
          skippedTickets.add(ticket);
        }
        while (skippedTickets.remove(admittedTicket)) {
          admittedTicket++;
        }
        changed.signalAll();
      }
      checkOpen();
      Unacked u = new Unacked(request.setOffset(nextOffset++).build(), recordIds);
      unacked.addLast(u);
      unackedBytes += u.bytes;
      if (stream != null) {
        u.sends++;
        stream.onNext(u.request);
      } else if (!reconnectScheduled) {
        openStream();
      }
      // a copy, so a caller completing or cancelling it cannot touch the writer's own future
      return u.future.copy();
    } finally {
      lock.unlock();
    }
  }

  private boolean hasRoom(long bytes) {
    return unacked.isEmpty()
        || (unacked.size() < options.maxInflightRequests()
            && unackedBytes + bytes <= options.maxInflightBytes());
  }

  /** Throws when the writer takes no more appends; called with or without the lock. */
  private void checkOpen() {
    lock.lock();
    try {
      if (failure != null) {
        throw new TracelakeException(
            describe()
                + " failed at offset "
                + failedOffset
                + " and takes no more appends: "
                + failure.code()
                + (failure.description() == null ? "" : ": " + failure.description())
                + " (open a new writer with the same id to continue after its last committed"
                + " offset)",
            failure.code(),
            failure.description(),
            failure);
      }
      if (closed) {
        throw new IllegalStateException("Writer " + writerId + " on table " + table + " is closed");
      }
    } finally {
      lock.unlock();
    }
  }

  /** Opens a stream and sends every unacknowledged request on it; called with the lock held. */
  private void openStream() {
    int current = ++generation;
    stream = (ClientCallStreamObserver<AppendRowsRequest>) stub.appendRows(new Responses(current));
    for (Unacked u : unacked) {
      u.sends++;
      stream.onNext(u.request);
    }
  }

  /** Receives one stream's acknowledgements and end; ignores them once the stream is replaced. */
  private final class Responses
      implements ClientResponseObserver<AppendRowsRequest, AppendRowsResponse> {
    private final int streamGeneration;

    Responses(int streamGeneration) {
      this.streamGeneration = streamGeneration;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<AppendRowsRequest> requests) {}

    @Override
    public void onNext(AppendRowsResponse response) {
      List<Runnable> completions = new ArrayList<>(1);
      lock.lock();
      try {
        if (streamGeneration == generation) {
          acknowledge(response, completions);
        }
      } finally {
        lock.unlock();
      }
      complete(completions);
    }

    @Override
    public void onError(Throwable t) {
      ended(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      ended(Status.OK);
    }

    private void ended(Status status) {
      List<Runnable> completions = new ArrayList<>();
      lock.lock();
      try {
        if (streamGeneration != generation) {
          return;
        }
        stream = null;
        if (unacked.isEmpty() && (status.isOk() || RETRYABLE.contains(status.getCode()))) {
          return; // nothing to re-send; the next append opens a new stream
        }
        if (status.isOk()) {
          status =
              Status.UNAVAILABLE.withDescription(
                  "the server ended the stream with offsets "
                      + unacked.getFirst().offset()
                      + ".."
                      + unacked.getLast().offset()
                      + " unacknowledged");
        }
        if (RETRYABLE.contains(status.getCode())) {
          scheduleReconnect(status, completions);
        } else {
          fail(status, completions);
        }
      } finally {
        lock.unlock();
      }
      complete(completions);
    }
  }

  /** Completes the head request with the server's acknowledgement; called with the lock held. */
  private void acknowledge(AppendRowsResponse response, List<Runnable> completions) {
    Unacked head = unacked.peekFirst();
    if (head == null || response.getOffset() < head.offset()) {
      LOG.debug(
          "Writer {} on table {}: ignoring a repeated acknowledgement of offset {}",
          writerId,
          table,
          response.getOffset());
      return;
    }
    if (response.getOffset() > head.offset()) {
      fail(
          Status.INTERNAL.withDescription(
              "the server acknowledged offset "
                  + response.getOffset()
                  + " before offset "
                  + head.offset()),
          completions);
      return;
    }
    if (response.getAlreadyCommitted() && head.sends <= 1) {
      // Committed before this writer ever resent it: another live producer holds this writer id
      // (or an earlier instance's request landed after this one read the offsets). Its rows, not
      // ours, are at this offset; acknowledging would drop ours silently.
      fail(
          Status.ALREADY_EXISTS.withDescription(
              "offset "
                  + head.offset()
                  + " was already committed by another producer using writer id "
                  + writerId
                  + "; this request's rows were not written. Give each live producer its own"
                  + " writer id"),
          completions);
      return;
    }
    unacked.removeFirst();
    unackedBytes -= head.bytes;
    backoff.reset();
    retryingSinceNanos = -1;
    // A resend of a committed offset carries no record ids and no row count: the request's own
    // ids and rows are what that earlier commit wrote.
    AppendAck ack =
        response.getAlreadyCommitted()
            ? new AppendAck(
                head.offset(), response.getSnapshotId(), head.recordIds, head.rows, true)
            : new AppendAck(
                head.offset(),
                response.getSnapshotId(),
                response.getRecordIdsList(),
                response.getRowCount(),
                false);
    completions.add(() -> head.future.complete(ack));
    changed.signalAll();
  }

  /** Plans a new stream after a backoff, or fails when retrying has lasted too long. */
  private void scheduleReconnect(Status status, List<Runnable> completions) {
    long now = System.nanoTime();
    if (retryingSinceNanos < 0) {
      retryingSinceNanos = now;
    } else if (now - retryingSinceNanos > options.retryTimeout().toNanos()) {
      fail(
          Status.fromCode(status.getCode())
              .withDescription(
                  "gave up reconnecting after "
                      + options.retryTimeout()
                      + " without an acknowledgement; last status: "
                      + TracelakeException.details(status)),
          completions);
      return;
    }
    long delay = backoff.nextDelayMillis();
    reconnectScheduled = true;
    LOG.info(
        "Writer {} on table {}: stream ended with {} {}; re-sending offsets {}..{} in {} ms",
        writerId,
        table,
        status.getCode(),
        TracelakeException.details(status),
        unacked.getFirst().offset(),
        unacked.getLast().offset(),
        delay);
    scheduler.schedule(this::reconnect, delay, TimeUnit.MILLISECONDS);
  }

  private void reconnect() {
    List<Runnable> completions = new ArrayList<>();
    lock.lock();
    try {
      reconnectScheduled = false;
      if (failure != null || stream != null) {
        return;
      }
      if (unacked.isEmpty()) {
        return; // the next append opens a new stream
      }
      if (channel.isShutdown()) {
        fail(Status.UNAVAILABLE.withDescription("the client's channel is shut down"), completions);
        return;
      }
      // The channel may be waiting out its own (long) reconnect backoff; try now instead.
      channel.resetConnectBackoff();
      openStream();
    } finally {
      lock.unlock();
      complete(completions);
    }
  }

  /**
   * Ends the writer: the head request fails with the status, later ones because of it; called with
   * the lock held.
   */
  private void fail(Status status, List<Runnable> completions) {
    Unacked head = unacked.peekFirst();
    String at = head == null ? "" : ", offset " + head.offset();
    failure = TracelakeException.of(describe() + at, status);
    failedOffset = head == null ? nextOffset : head.offset();
    TracelakeException cause = failure;
    for (Unacked u : unacked) {
      TracelakeException error =
          u == head
              ? cause
              : TracelakeException.of(
                  describe() + ", offset " + u.offset(),
                  status.getCode(),
                  "not written because offset "
                      + head.offset()
                      + " failed: "
                      + failure.description(),
                  cause);
      completions.add(() -> u.future.completeExceptionally(error));
    }
    unacked.clear();
    unackedBytes = 0;
    if (stream != null) {
      ClientCallStreamObserver<AppendRowsRequest> broken = stream;
      stream = null;
      generation++;
      broken.cancel("writer failed", null);
    }
    changed.signalAll();
  }

  @Override
  public void flush() {
    lock.lock();
    try {
      long last = nextOffset - 1;
      awaitAcknowledged(last, "flush");
      if (failure != null && failedOffset <= last) {
        throw failure;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits until every offset up to {@code last} is acknowledged or failed; holds the lock. */
  private void awaitAcknowledged(long last, String what) {
    try {
      while (!unacked.isEmpty() && unacked.getFirst().offset() <= last && failure == null) {
        changed.await();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TracelakeException.of(
          describe(),
          Status.Code.CANCELLED,
          "interrupted during "
              + what
              + " with "
              + unacked.size()
              + " appends unacknowledged (offsets "
              + (unacked.isEmpty() ? "none" : unacked.getFirst().offset() + ".." + last)
              + ")",
          e);
    }
  }

  @Override
  public void close() {
    List<Runnable> completions = new ArrayList<>();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      changed.signalAll(); // appends waiting for room now fail
      try {
        awaitAcknowledged(nextOffset - 1, "close");
      } catch (TracelakeException interrupted) {
        fail(
            Status.CANCELLED.withDescription(
                "the writer was closed while interrupted; the append may or may not be"
                    + " committed"),
            completions);
        throw interrupted;
      }
      if (stream != null) {
        ClientCallStreamObserver<AppendRowsRequest> done = stream;
        stream = null;
        generation++;
        done.onCompleted();
      }
    } finally {
      lock.unlock();
      complete(completions);
      onClose.run();
    }
  }

  /** Completes futures in order on the callback thread, never under the lock. */
  private void complete(List<Runnable> completions) {
    for (Runnable completion : completions) {
      try {
        callbacks.execute(completion);
      } catch (RejectedExecutionException e) {
        completion.run(); // the client is closing: complete here rather than never
      }
    }
  }

  private String describe() {
    return "Writer " + writerId + " on table " + table;
  }
}
