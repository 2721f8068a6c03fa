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

  /**
   * Initializes Iceberg's thread pools now. Their class registers a JVM shutdown hook when it is
   * first used, which fails once the JVM is shutting down: a process whose first commit is the
   * drain of a graceful shutdown would fail that commit ({@code ExceptionInInitializerError:
   * Shutdown in progress}). Call it when a lake opens.
   */
  static void initialize() {
    if (org.apache.iceberg.util.ThreadPools.WORKER_THREAD_POOL_SIZE < 1 || POOL.isShutdown()) {
      throw new IllegalStateException("Commit pools are not usable");
    }
  }
}
