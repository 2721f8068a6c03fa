package dev.tracelake.ingest;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Starts the metrics endpoint in a JVM of its own, as {@code tracelake serve} does: the JDK's HTTP
 * server reads its timeouts once per process. Prints the port, then serves until stdin closes.
 */
public final class MetricsServerMain {
  private MetricsServerMain() {}

  public static void main(String[] args) throws Exception {
    try (MetricsHttpServer server =
        MetricsHttpServer.start(
            ServerMetrics.create(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      System.out.println("port " + server.address().getPort());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the test closes our input
      }
    }
  }
}
