package dev.tracelake.lake;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads commits plan and write their manifests on, instead of Iceberg's shared worker pool.
 * Iceberg shuts its pool down from a JVM shutdown hook of its own, which runs at the same time as a
 * server's graceful shutdown: a commit draining the queue on SIGTERM would fail with {@code
 * RejectedExecutionException}. This pool is nobody's to shut down: its daemon threads live as long
 * as the process, so the shutdown order is Tracelake's.
 */
final class CommitPool {
  static final int SIZE = Math.max(2, Runtime.getRuntime().availableProcessors());

  private static final AtomicInteger THREADS = new AtomicInteger();

  static final ExecutorService POOL =
      Executors.newFixedThreadPool(
          SIZE,
          r -> {
            Thread t = new Thread(r, "tracelake-manifests-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private CommitPool() {}
}
