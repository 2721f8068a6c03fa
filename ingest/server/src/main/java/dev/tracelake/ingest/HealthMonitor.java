package dev.tracelake.ingest;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeHealth;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps gRPC health in step with the lake's dependencies: every interval it checks that the catalog
 * answers and the warehouse takes a write ({@link Lake#checkHealth()}), and turns the server's
 * services NOT_SERVING while either fails, so a load balancer or Kubernetes readiness probe sends
 * writers elsewhere. The {@value TracelakeServer#LIVENESS_SERVICE} service stays SERVING: an
 * unreachable catalog is not cured by restarting the process.
 *
 * <p>A check that takes longer than the timeout (a catalog that accepts connections but never
 * answers) counts as a failure.
 */
final class HealthMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

  private final Lake lake;
  private final HealthStatusManager health;
  private final List<String> services;
  private final Duration timeout;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService checker;
  private volatile LakeHealth last;
  // only touched on the scheduler thread
  private Future<LakeHealth> running;

  HealthMonitor(
      Lake lake,
      HealthStatusManager health,
      List<String> services,
      Duration interval,
      ServerMetrics metrics) {
    this.lake = lake;
    this.health = health;
    this.services = List.copyOf(services);
    this.timeout = interval.compareTo(Duration.ofSeconds(5)) < 0 ? interval : Duration.ofSeconds(5);
    this.last = new LakeHealth(Instant.now(), null, null);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "health"));
    this.checker = Executors.newSingleThreadExecutor(r -> daemon(r, "health-check"));
    metrics.gauge(
        "tracelake.catalog.up",
        "1 when the catalog answered the last health check, else 0",
        () -> last.catalogReachable() ? 1 : 0);
    metrics.gauge(
        "tracelake.warehouse.up",
        "1 when the warehouse took a probe write at the last health check, else 0",
        () -> last.warehouseReachable() ? 1 : 0);
    scheduler.scheduleWithFixedDelay(
        this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, "tracelake-" + name);
    t.setDaemon(true);
    return t;
  }

  /** Returns the result of the last check (healthy before the first one). */
  LakeHealth last() {
    return last;
  }

  private void check() {
    try {
      if (running == null || running.isDone()) {
        running = checker.submit(lake::checkHealth);
      }
      LakeHealth now;
      try {
        now = running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // the check is still hanging (e.g. on a TCP connect): unhealthy until it comes back
        now =
            new LakeHealth(
                Instant.now(),
                last.catalogError() != null
                    ? last.catalogError()
                    : "no answer within " + timeout.toMillis() + " ms",
                last.warehouseError());
      } catch (ExecutionException e) {
        now = new LakeHealth(Instant.now(), String.valueOf(e.getCause()), null);
      }
      update(now);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("Health check failed to run", e);
    }
  }

  private void update(LakeHealth now) {
    LakeHealth before = last;
    last = now;
    if (now.healthy() != before.healthy()) {
      if (now.healthy()) {
        LOG.info("Healthy again: {}", now.describe());
      } else {
        LOG.warn("Not serving: {}", now.describe());
      }
    }
    ServingStatus status = now.healthy() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    for (String service : services) {
      health.setStatus(service, status);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    checker.shutdownNow();
  }
}
