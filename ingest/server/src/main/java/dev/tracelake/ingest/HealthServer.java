package dev.tracelake.ingest;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plaintext gRPC port that serves only {@code grpc.health.v1.Health}, with the statuses of the
 * main server (the same {@code liveness} and overall services): kubelet's gRPC probes cannot speak
 * TLS, so a server whose gRPC port is TLS-only keeps its probes here. It reveals no data and takes
 * no credentials, as health checks on the main port do not either.
 */
public final class HealthServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);

  private final Server server;

  private HealthServer(Server server) {
    this.server = server;
  }

  /**
   * Starts serving {@code main}'s health on {@code address}.
   *
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static HealthServer start(TracelakeServer main, InetSocketAddress address) {
    Server server =
        NettyServerBuilder.forAddress(address)
            .addService(main.healthService())
            .maxInboundMessageSize(64 * 1024)
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serve health checks on " + address, e);
    }
    LOG.info(
        "Serving plaintext gRPC health checks on {}:{}", address.getHostString(), server.getPort());
    return new HealthServer(server);
  }

  /** The port actually bound. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
