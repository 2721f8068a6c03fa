package dev.tracelake.ingest;

import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.RunInfo;
import dev.tracelake.proto.v1.AppendRowsRequest;
import dev.tracelake.proto.v1.IngestServiceGrpc;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which runs have a writer connected to this server, and the reaper that aborts started runs whose
 * writers all went away without finishing them. An interceptor on the append stream: it reads the
 * run id of each stream's requests and counts the streams of each run until they end, however they
 * end (completed, cancelled by a disconnect, failed). Runs with a connected writer are reported
 * alive; a run silent for the timeout (no writer here, no commit anywhere, no start) is aborted.
 * Writers connected to other replicas show as the commits they make, so a run writing elsewhere is
 * not aborted while it commits.
 */
final class RunLiveness implements ServerInterceptor, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunLiveness.class);

  /** How long a started run may stay silent by default before it is aborted. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  private final Lineage lineage;
  // run id -> streams of that run open now
  private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
  private final ScheduledExecutorService reaper =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "tracelake-run-reaper");
            t.setDaemon(true);
            return t;
          });
  private volatile Duration timeout = DEFAULT_TIMEOUT;

  RunLiveness(Lineage lineage) {
    this.lineage = lineage;
  }

  /**
   * Aborts runs silent for {@code timeout} from now on, checking every quarter of it (at least
   * every 100 ms, at most every minute).
   */
  void startReaper(Duration timeout) {
    this.timeout = timeout;
    long every = Math.max(100, Math.min(60_000, timeout.toMillis() / 4));
    reaper.scheduleWithFixedDelay(this::reapQuietly, every, every, TimeUnit.MILLISECONDS);
  }

  /** The runs with a writer connected now. */
  Set<String> connected() {
    return Set.copyOf(open.keySet());
  }

  /** Aborts the runs silent past the timeout; returns them. */
  List<RunInfo> reap() {
    Set<String> alive = connected();
    alive.forEach(lineage::runIsAlive);
    return lineage.abortAbandonedRuns(timeout, alive);
  }

  private void reapQuietly() {
    try {
      reap();
    } catch (RuntimeException e) {
      LOG.warn("Cannot check for abandoned runs; will retry: {}", e.getMessage());
    }
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    ServerCall.Listener<Q> listener = next.startCall(call, headers);
    if (!IngestServiceGrpc.getAppendRowsMethod()
        .getFullMethodName()
        .equals(call.getMethodDescriptor().getFullMethodName())) {
      return listener;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      // the run this stream writes for; a stream's requests all carry the same one
      private String runId;

      @Override
      public void onMessage(Q message) {
        if (runId == null && message instanceof AppendRowsRequest request) {
          String id = request.getProvenance().getRunId().strip();
          if (!id.isEmpty()) {
            runId = id;
            open.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            lineage.runIsAlive(id);
          }
        }
        super.onMessage(message);
      }

      @Override
      public void onComplete() {
        closed();
        super.onComplete();
      }

      @Override
      public void onCancel() {
        closed();
        super.onCancel();
      }

      private void closed() {
        String id = runId;
        if (id == null) {
          return;
        }
        runId = null;
        // the last sign of life is the end of the stream: the timeout counts from here
        lineage.runIsAlive(id);
        open.computeIfPresent(id, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
      }
    };
  }

  @Override
  public void close() {
    reaper.shutdownNow();
  }
}
