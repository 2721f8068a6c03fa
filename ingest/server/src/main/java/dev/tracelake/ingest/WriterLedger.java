package dev.tracelake.ingest;

import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.LakeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The exactly-once bookkeeping of one table, in one place: which offset each writer may send next
 * on each branch, which requests wait for a commit, and every acknowledgement or refusal that
 * follows from a writer's offsets. Exactly once per (table, branch, writer, offset): a committed
 * offset is answered with its original snapshot, an offset still queued is joined, a gap is
 * refused, and offsets queued behind a failed one fail with it so no gap is ever committed.
 *
 * <p>The committed offsets themselves live in the table ({@link WriterOffsets}); this class keeps
 * the requests between admission and commit.
 */
final class WriterLedger {
  /** A queued request and the future its stream waits on. */
  static final class Pending {
    final AppendBatch request;
    final CompletableFuture<Ack> future = new CompletableFuture<>();

    Pending(AppendBatch request) {
      this.request = request;
    }
  }

  /**
   * How many bytes of record ids of recent acknowledgements are kept, so that a retry whose ack was
   * lost gets its ids back (as Kafka's idempotent producer gets its batch's original offsets back).
   */
  static final long RECENT_ID_BYTES = 32L << 20;

  private final Function<String, WriterOffsets> offsets;
  // guarded by this: (branch + '\0' + writer) -> offset -> pending
  private final Map<String, TreeMap<Long, Pending>> pending = new HashMap<>();
  // guarded by this: (branch + '\0' + writer + '\0' + offset) -> the ids its commit wrote, oldest
  // first
  private final LinkedHashMap<String, List<String>> recentIds = new LinkedHashMap<>();
  // guarded by this
  private long recentIdBytes;

  /**
   * @param offsets the committed offsets of a branch
   */
  WriterLedger(Function<String, WriterOffsets> offsets) {
    this.offsets = offsets;
  }

  /**
   * Admits one request: answers a committed offset, joins one still queued, refuses a gap, or hands
   * a new {@link Pending} to {@code enqueue} (under this ledger's lock, so a writer's offsets reach
   * the commit queue in order).
   *
   * @return the future of the request's acknowledgement
   * @throws IngestException OFFSET_OUT_OF_RANGE for an offset that does not follow the writer's
   *     last committed or queued one
   */
  CompletableFuture<Ack> admit(AppendBatch request, Consumer<Pending> enqueue) {
    String writer = request.writerId();
    String key = request.branch() + '\0' + writer;
    WriterOffsets committedOffsets = offsets.apply(request.branch());
    Pending admitted;
    TreeMap<Long, Pending> queued;
    synchronized (this) {
      queued = pending.computeIfAbsent(key, k -> new TreeMap<>());
      long committed = committedOffsets.last(writer).map(CommittedOffset::offset).orElse(-1L);
      if (request.offset() <= committed) {
        return CompletableFuture.completedFuture(alreadyCommitted(committedOffsets, request));
      }
      Pending inFlight = queued.get(request.offset());
      if (inFlight != null) {
        // a retry of a request still waiting for its commit: answer with the original's ack
        return inFlight.future.thenApply(ack -> ack);
      }
      long expected = Math.max(committed, queued.isEmpty() ? -1 : queued.lastKey()) + 1;
      if (request.offset() != expected && queued.isEmpty()) {
        // another replica may have committed for this writer since we last looked
        committedOffsets.catchUp();
        committed = committedOffsets.last(writer).map(CommittedOffset::offset).orElse(-1L);
        if (request.offset() <= committed) {
          return CompletableFuture.completedFuture(alreadyCommitted(committedOffsets, request));
        }
        expected = committed + 1;
      }
      if (request.offset() != expected) {
        throw new IngestException(
                ErrorKind.OFFSET_OUT_OF_RANGE,
                String.format(
                    "Writer %s on table %s (branch %s): expected offset %d, given %d",
                    writer, request.table(), request.branch(), expected, request.offset()))
            .with("table", request.table())
            .with("offset", request.offset())
            .with("expected_offset", expected)
            .with("field", "offset");
      }
      admitted = new Pending(request);
      queued.put(request.offset(), admitted);
      enqueue.accept(admitted);
    }
    // the stream sees the outcome only once the ledger reflects it, so a resend it makes
    // straight away finds the expected offset right
    return admitted.future.whenComplete((ack, error) -> settled(queued, admitted, error));
  }

  private void settled(TreeMap<Long, Pending> queued, Pending done, Throwable error) {
    List<Pending> later;
    synchronized (this) {
      queued.remove(done.request.offset());
      if (error == null) {
        return;
      }
      // offsets queued behind a failed one cannot commit before it: fail them now, so the writer
      // can resend from the failed offset
      var tail = queued.tailMap(done.request.offset(), false);
      later = new ArrayList<>(tail.values());
      tail.clear();
    }
    for (Pending p : later) {
      p.future.completeExceptionally(earlierOffsetFailed(p.request, done.request, error));
    }
  }

  /** Fails every request still waiting for its commit (a shutdown whose grace ran out). */
  void failAll(java.util.function.LongFunction<? extends RuntimeException> failure) {
    List<Pending> all = new ArrayList<>();
    synchronized (this) {
      pending.values().forEach(q -> all.addAll(q.values()));
    }
    for (Pending p : all) {
      p.future.completeExceptionally(failure.apply(p.request.offset()));
    }
  }

  /** Describes the requests still waiting for their commit, for a log line. */
  synchronized String describePending() {
    StringBuilder b = new StringBuilder();
    pending.forEach(
        (key, queued) -> {
          if (!queued.isEmpty()) {
            b.append(key.replace('\0', '/'))
                .append(" offsets ")
                .append(queued.keySet())
                .append(queued.values().stream().anyMatch(p -> p.future.isDone()) ? " (done)" : "")
                .append("; ");
          }
        });
    return b.toString();
  }

  /** Returns whether no request waits for its commit. */
  synchronized boolean idle() {
    return pending.values().stream().allMatch(Map::isEmpty);
  }

  /** The acknowledgement of a request whose rows a commit just wrote; remembers its ids. */
  Ack committed(Pending p, long snapshotId, List<String> recordIds) {
    AppendBatch r = p.request;
    remember(r, recordIds);
    return r.omitRecordIds()
        ? new Ack(
            r.table(), r.branch(), r.offset(), snapshotId, List.of(), recordIds.size(), false, true)
        : new Ack(
            r.table(),
            r.branch(),
            r.offset(),
            snapshotId,
            recordIds,
            recordIds.size(),
            false,
            false);
  }

  /**
   * The acknowledgement of a request whose offset was committed before, with the ids that commit
   * wrote when the request names them all or this ledger still holds them.
   */
  Ack alreadyCommitted(WriterOffsets offsets, AppendBatch r) {
    long snapshot =
        offsets
            .snapshotOf(r.writerId(), r.offset())
            .orElseGet(() -> offsets.last(r.writerId()).orElseThrow().snapshotId());
    List<String> ids = r.givenIds().orElse(null);
    if (ids == null) {
      synchronized (this) {
        ids = recentIds.get(idKey(r));
      }
    }
    if (ids == null || r.omitRecordIds()) {
      return new Ack(
          r.table(),
          r.branch(),
          r.offset(),
          snapshot,
          List.of(),
          ids == null ? 0 : ids.size(),
          true,
          true);
    }
    return new Ack(r.table(), r.branch(), r.offset(), snapshot, ids, ids.size(), true, false);
  }

  private synchronized void remember(AppendBatch r, List<String> ids) {
    List<String> previous = recentIds.put(idKey(r), ids);
    recentIdBytes += idBytes(ids) - (previous == null ? 0 : idBytes(previous));
    var oldest = recentIds.entrySet().iterator();
    while (recentIdBytes > RECENT_ID_BYTES && oldest.hasNext()) {
      recentIdBytes -= idBytes(oldest.next().getValue());
      oldest.remove();
    }
  }

  private static long idBytes(List<String> ids) {
    return 48L * ids.size();
  }

  private static String idKey(AppendBatch r) {
    return r.branch() + '\0' + r.writerId() + '\0' + r.offset();
  }

  /**
   * Settles a request whose writer a commit found committed elsewhere since it was admitted:
   * acknowledged as already committed when its offset is, else to be resent.
   */
  void resolveConflict(WriterOffsets offsets, Pending p) {
    String writer = p.request.writerId();
    Optional<CommittedOffset> last = offsets.last(writer);
    if (last.isPresent() && last.get().offset() >= p.request.offset()) {
      p.future.complete(alreadyCommitted(offsets, p.request));
    } else {
      p.future.completeExceptionally(
          new IngestException(
                  ErrorKind.RETRY,
                  String.format(
                      "Writer %s on table %s: offset %d raced with a commit of the same writer"
                          + " elsewhere; resend it",
                      writer, p.request.table(), p.request.offset()))
              .with("table", p.request.table())
              .with("offset", p.request.offset())
              .with("resend_from_offset", p.request.offset()));
    }
  }

  /** The refusal of an offset whose writer's earlier offsets are not committed. */
  static LakeException behindGap(AppendBatch request, long lastCommitted) {
    return new IngestException(
            ErrorKind.RETRY,
            String.format(
                "Writer %s on table %s: offset %d not committed because the writer's last committed"
                    + " offset is %d, so offsets %d..%d are missing; resend from offset %d",
                request.writerId(),
                request.table(),
                request.offset(),
                lastCommitted,
                lastCommitted + 1,
                request.offset() - 1,
                lastCommitted + 1))
        .with("table", request.table())
        .with("offset", request.offset())
        .with("resend_from_offset", lastCommitted + 1);
  }

  /** The refusal of an offset queued behind one of the same writer that failed. */
  static LakeException earlierOffsetFailed(
      AppendBatch request, AppendBatch failed, Throwable cause) {
    return new IngestException(
            ErrorKind.RETRY,
            String.format(
                "Writer %s on table %s: offset %d not committed because earlier offset %d failed (%s);"
                    + " resend from offset %d",
                request.writerId(),
                request.table(),
                request.offset(),
                failed.offset(),
                GrpcErrors.describe(cause),
                failed.offset()))
        .with("table", request.table())
        .with("offset", request.offset())
        .with("resend_from_offset", failed.offset());
  }

  /** Fails {@code bad} and every later request of the same writer, so no gap is committed. */
  static void failWriterFrom(List<Pending> todo, Pending bad, LakeException cause) {
    bad.future.completeExceptionally(cause);
    List<Pending> dropped = new ArrayList<>();
    dropped.add(bad);
    for (Pending p : todo) {
      if (p != bad
          && p.request.writerId().equals(bad.request.writerId())
          && p.request.offset() > bad.request.offset()) {
        p.future.completeExceptionally(earlierOffsetFailed(p.request, bad.request, cause));
        dropped.add(p);
      }
    }
    todo.removeAll(dropped);
  }
}
