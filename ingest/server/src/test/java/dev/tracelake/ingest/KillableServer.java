package dev.tracelake.ingest;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import java.nio.file.Path;
import java.time.Duration;

/** A server in its own JVM, for tests that kill it with SIGKILL. Prints "PORT <n>" when ready. */
public final class KillableServer {
  private KillableServer() {}

  public static void main(String[] args) throws Exception {
    Lake lake = Lake.open(LakeConfig.embedded(Path.of(args[0])));
    IngestConfig config =
        IngestConfig.defaults()
            .withPort(Integer.parseInt(args[1]))
            .withCommitInterval(Duration.ofMillis(50));
    TracelakeServer server = TracelakeServer.onNetty(lake, config).start();
    System.out.println("PORT " + server.port());
    System.out.flush();
    server.awaitTermination();
  }
}
