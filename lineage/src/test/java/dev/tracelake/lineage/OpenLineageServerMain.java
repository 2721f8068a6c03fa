package dev.tracelake.lineage;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;

/**
 * Starts an OpenLineage endpoint in a JVM of its own, as {@code tracelake serve} does: the JDK's
 * HTTP server reads its timeouts once per process, so a test of them needs a fresh process. Prints
 * the port, then serves until its standard input closes.
 */
public final class OpenLineageServerMain {
  private OpenLineageServerMain() {}

  public static void main(String[] args) throws Exception {
    try (Lake lake = Lake.open(LakeConfig.embedded(Files.createTempDirectory("ol-hardening")));
        Lineage lineage = Lineage.open(lake, LineageOptions.defaults().withManualRefresh());
        OpenLineageServer server =
            OpenLineageServer.start(
                lineage.openLineageHandler(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      System.out.println("port " + server.address().getPort());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the test closes our input
      }
    }
  }
}
