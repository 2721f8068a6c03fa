package dev.tracelake.benchmarks.ingest;

import dev.tracelake.client.AppendAck;
import dev.tracelake.client.Provenance;
import dev.tracelake.client.TableWriter;
import dev.tracelake.client.TracelakeClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Writers appending batches to one table on a fixed schedule (or back to back), each recording
 * every append's latency from the call to {@link TableWriter#append} until its acknowledgement.
 *
 * <p>Writer {@code w} of {@code n} sends batches {@code w, w + n, w + 2n, ...} of the pool, so
 * without wrapping around every batch is sent once. Writers' schedules are spread over one period,
 * so appends do not all arrive in the same instant.
 */
final class SteadyLoad {
  private final TracelakeClient client;
  private final String table;
  private final int writers;
  private final List<VectorSchemaRoot> pool;
  private final double ratePerWriter;
  private final long maxSendsPerWriter;
  private final long durationNanos;
  private final Provenance provenance;
  private final Recorder recorder = new Recorder();
  private final AtomicLong ackedRows = new AtomicLong();
  private final AtomicLong maxLagNanos = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final List<Thread> threads = new ArrayList<>();
  private long startNanos;

  /**
   * @param ratePerWriter appends per second per writer; 0 to append as fast as the writer's window
   *     of unacknowledged appends allows
   * @param maxSendsPerWriter stop a writer after this many appends
   * @param durationNanos stop every writer once this long has passed since {@link #start}
   */
  SteadyLoad(
      TracelakeClient client,
      String table,
      int writers,
      List<VectorSchemaRoot> pool,
      double ratePerWriter,
      long maxSendsPerWriter,
      long durationNanos,
      Provenance provenance) {
    if (pool.isEmpty()) {
      throw new IllegalArgumentException("Load on table " + table + " needs at least one batch");
    }
    this.client = client;
    this.table = table;
    this.writers = writers;
    this.pool = List.copyOf(pool);
    this.ratePerWriter = ratePerWriter;
    this.maxSendsPerWriter = maxSendsPerWriter;
    this.durationNanos = durationNanos;
    this.provenance = provenance;
  }

  /** Opens the writers, then starts one thread per writer. */
  void start() {
    List<TableWriter> opened = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      opened.add(client.openWriter(table, "steady-" + w, provenance));
    }
    startNanos = System.nanoTime();
    for (int w = 0; w < writers; w++) {
      TableWriter writer = opened.get(w);
      int index = w;
      Thread thread = new Thread(() -> send(writer, index), "steady-writer-" + w);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  long startNanos() {
    return startNanos;
  }

  /** Returns rows acknowledged so far. */
  long ackedRows() {
    return ackedRows.get();
  }

  /**
   * Waits for every writer to finish sending and for every acknowledgement.
   *
   * @throws IllegalStateException when an append failed
   */
  Result await() {
    for (Thread thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for writers on " + table, e);
      }
    }
    long endNanos = System.nanoTime();
    if (failure.get() != null) {
      throw new IllegalStateException(
          "Load on table " + table + " failed: " + failure.get().getMessage(), failure.get());
    }
    return recorder.result(ackedRows.get(), endNanos - startNanos, maxLagNanos.get());
  }

  private void send(TableWriter writer, int w) {
    long periodNanos = ratePerWriter > 0 ? (long) (1e9 / ratePerWriter) : 0;
    long phase = periodNanos * w / writers;
    List<CompletableFuture<?>> recorded = new ArrayList<>();
    try (writer) {
      for (long k = 0; k < maxSendsPerWriter && failure.get() == null; k++) {
        long due = startNanos + phase + k * periodNanos;
        if (due - startNanos >= durationNanos) {
          break;
        }
        long now;
        while ((now = System.nanoTime()) < due) {
          LockSupport.parkNanos(due - now);
        }
        if (now - startNanos >= durationNanos) {
          break;
        }
        long lag = now - due;
        maxLagNanos.accumulateAndGet(lag, Math::max);
        VectorSchemaRoot batch = pool.get((int) ((w + k * writers) % pool.size()));
        long sent = System.nanoTime();
        recorded.add(
            writer
                .append(batch)
                .whenComplete(
                    (AppendAck ack, Throwable error) -> {
                      long acked = System.nanoTime();
                      if (error != null) {
                        failure.compareAndSet(null, error);
                      } else {
                        ackedRows.addAndGet(ack.rowCount());
                        recorder.record(sent - startNanos, acked - sent);
                      }
                    }));
      }
      writer.flush();
      // acknowledgements are recorded on the client's callback thread, after flush sees them
      CompletableFuture.allOf(recorded.toArray(CompletableFuture[]::new))
          .exceptionally(e -> null)
          .join();
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }

  /** Latencies of acknowledged appends; appended to from the client's acknowledgement thread. */
  private static final class Recorder {
    // guarded by this
    private long[] sentAt = new long[1024];
    // guarded by this
    private long[] latency = new long[1024];
    // guarded by this
    private int size;

    synchronized void record(long sentAtNanos, long latencyNanos) {
      if (size == sentAt.length) {
        sentAt = Arrays.copyOf(sentAt, size * 2);
        latency = Arrays.copyOf(latency, size * 2);
      }
      sentAt[size] = sentAtNanos;
      latency[size] = latencyNanos;
      size++;
    }

    synchronized Result result(long rows, long nanos, long maxLag) {
      return new Result(
          Arrays.copyOf(sentAt, size), Arrays.copyOf(latency, size), rows, nanos, maxLag);
    }
  }

  /**
   * What a load did.
   *
   * @param sentAtNanos per acknowledged append, when it was sent, from the start
   * @param latencyNanos per acknowledged append, the time from sending it to its acknowledgement
   * @param ackedRows rows acknowledged
   * @param nanos from the start until the last acknowledgement
   * @param maxLagNanos the most an append was sent after its scheduled time (the writer was blocked
   *     by its window or starved of CPU)
   */
  record Result(
      long[] sentAtNanos, long[] latencyNanos, long ackedRows, long nanos, long maxLagNanos) {
    /** Returns the sorted latencies of appends sent in {@code [fromNanos, toNanos)}. */
    long[] latenciesSentBetween(long fromNanos, long toNanos) {
      long[] kept = new long[sentAtNanos.length];
      int n = 0;
      for (int i = 0; i < sentAtNanos.length; i++) {
        if (sentAtNanos[i] >= fromNanos && sentAtNanos[i] < toNanos) {
          kept[n++] = latencyNanos[i];
        }
      }
      long[] sorted = Arrays.copyOf(kept, n);
      Arrays.sort(sorted);
      return sorted;
    }
  }
}
