package dev.tracelake.pgwire;

import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How the PostgreSQL endpoint listens.
 *
 * @param host the address to bind
 * @param port the port; 0 picks a free one
 * @param maxConnections connections served at once; more are refused with SQLSTATE 53300
 * @param maxMessageBytes the largest message a client may send (a query, a Bind with its values)
 * @param authenticationTimeout how long a new connection may take to start up and authenticate
 * @param tls the TLS context for clients that ask for SSL, or null to answer SSLRequest with 'N'
 */
public record PgServerConfig(
    String host,
    int port,
    int maxConnections,
    int maxMessageBytes,
    Duration authenticationTimeout,
    SSLContext tls) {
  public static final int DEFAULT_PORT = 5433;

  public PgServerConfig {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("PostgreSQL port must be 0..65535, got " + port);
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException(
          "PostgreSQL max connections must be positive, got " + maxConnections);
    }
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException(
          "PostgreSQL max message bytes must be at least 1024, got " + maxMessageBytes);
    }
    Objects.requireNonNull(authenticationTimeout, "authenticationTimeout");
  }

  /** Loopback, port 5433, 100 connections, 16 MiB messages, 30 s to authenticate, no TLS. */
  public static PgServerConfig defaults() {
    return new PgServerConfig(
        "127.0.0.1", DEFAULT_PORT, 100, 16 << 20, Duration.ofSeconds(30), null);
  }

  public PgServerConfig withHost(String value) {
    return new PgServerConfig(
        value, port, maxConnections, maxMessageBytes, authenticationTimeout, tls);
  }

  public PgServerConfig withPort(int value) {
    return new PgServerConfig(
        host, value, maxConnections, maxMessageBytes, authenticationTimeout, tls);
  }

  public PgServerConfig withMaxConnections(int value) {
    return new PgServerConfig(host, port, value, maxMessageBytes, authenticationTimeout, tls);
  }

  public PgServerConfig withMaxMessageBytes(int value) {
    return new PgServerConfig(host, port, maxConnections, value, authenticationTimeout, tls);
  }

  public PgServerConfig withAuthenticationTimeout(Duration value) {
    return new PgServerConfig(host, port, maxConnections, maxMessageBytes, value, tls);
  }

  public PgServerConfig withTls(SSLContext value) {
    return new PgServerConfig(
        host, port, maxConnections, maxMessageBytes, authenticationTimeout, value);
  }
}
