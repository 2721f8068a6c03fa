package dev.tracelake.icebergrest;

import java.time.Duration;
import java.util.Objects;

/**
 * How the Iceberg REST catalog listens.
 *
 * @param host the address to bind
 * @param port the port; 0 picks a free one
 * @param threads the most requests served at once
 * @param idleTimeout how long a connection may send nothing (a slow or stalled client is cut off)
 * @param maxRequestBytes the largest request body accepted (larger: 413)
 * @param tokenLifetime how long an OAuth2 access token issued by {@code /v1/oauth/tokens} lives
 */
public record RestCatalogConfig(
    String host,
    int port,
    int threads,
    Duration idleTimeout,
    long maxRequestBytes,
    Duration tokenLifetime) {
  public static final int DEFAULT_PORT = 8181;

  public RestCatalogConfig {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("REST catalog port must be 0..65535, got " + port);
    }
    if (threads < 4) {
      throw new IllegalArgumentException("REST catalog threads must be at least 4, got " + threads);
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("REST catalog idle timeout must be positive");
    }
    if (maxRequestBytes < 1024) {
      throw new IllegalArgumentException(
          "REST catalog max request bytes must be at least 1024, got " + maxRequestBytes);
    }
  }

  /** Loopback, port 8181, 16 threads, 30 s idle timeout, 1 MiB bodies, 1 h tokens. */
  public static RestCatalogConfig defaults() {
    return new RestCatalogConfig(
        "127.0.0.1", DEFAULT_PORT, 16, Duration.ofSeconds(30), 1 << 20, Duration.ofHours(1));
  }

  public RestCatalogConfig withHost(String value) {
    return new RestCatalogConfig(value, port, threads, idleTimeout, maxRequestBytes, tokenLifetime);
  }

  public RestCatalogConfig withPort(int value) {
    return new RestCatalogConfig(host, value, threads, idleTimeout, maxRequestBytes, tokenLifetime);
  }

  public RestCatalogConfig withTokenLifetime(Duration value) {
    return new RestCatalogConfig(host, port, threads, idleTimeout, maxRequestBytes, value);
  }
}
