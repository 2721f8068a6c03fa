package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.proto.v1.AppendRowsResponse;
import io.grpc.ManagedChannel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** A server killed with SIGKILL and restarted on the same warehouse keeps exactly-once. */
class RestartTest extends IngestServerTestBase {

  private static Process startServer(Path warehouse, int port) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                KillableServer.class.getName(),
                warehouse.toString(),
                String.valueOf(port))
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("PORT ")) {
        // keep draining so the child never blocks on a full pipe
        Thread drain = new Thread(() -> out.lines().forEach(l -> {}));
        drain.setDaemon(true);
        drain.start();
        return p;
      }
    }
    throw new AssertionError("server process exited with " + p.waitFor());
  }

  @Test
  void serverKilledBetweenCommitAndRetryLeavesNoDuplicate() throws Exception {
    Path lakeDir = warehouse.resolve("shared");
    createEventsIn(lakeDir);
    int port = freePort();
    Process first = startServer(lakeDir, port);
    List<AppendRowsResponse> acked;
    ManagedChannel c1 = channel(port);
    try (AppendStream stream = new AppendStream(c1, "events", "producer-1")) {
      for (int i = 0; i < 5; i++) {
        try (VectorSchemaRoot batch = events(i * 100L, 100)) {
          stream.sendArrow(i, batch);
        }
      }
      acked = stream.take(5);
    } finally {
      // committed and acknowledged; now the server dies hard, before the client "sees" anything
      // more
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      c1.shutdownNow();
    }

    Process second = startServer(lakeDir, port);
    ManagedChannel c2 = channel(port);
    List<AppendRowsResponse> retried = new ArrayList<>();
    try (AppendStream stream = new AppendStream(c2, "events", "producer-1")) {
      // the client did not trust its acks and resends everything, plus one new request
      for (int i = 0; i < 6; i++) {
        try (VectorSchemaRoot batch = events(i * 100L, 100)) {
          stream.sendArrow(i, batch);
        }
      }
      retried.addAll(stream.take(6));
      assertThat(stream.finish().isOk()).isTrue();
    } finally {
      c2.shutdownNow();
      second.destroy();
      second.waitFor(30, TimeUnit.SECONDS);
    }

    for (int i = 0; i < 5; i++) {
      assertThat(retried.get(i).getAlreadyCommitted()).isTrue();
      assertThat(retried.get(i).getSnapshotId()).isEqualTo(acked.get(i).getSnapshotId());
    }
    assertThat(retried.get(5).getAlreadyCommitted()).isFalse();
    try (Lake reopened = Lake.open(LakeConfig.embedded(lakeDir))) {
      List<Long> ids = new ArrayList<>();
      try (var batches =
          reopened
              .table(dev.tracelake.lake.TableName.parse("events"))
              .scan()
              .select("event_id")
              .open(allocator)) {
        while (batches.loadNextBatch()) {
          var v = (org.apache.arrow.vector.BigIntVector) batches.root().getVector(0);
          for (int r = 0; r < batches.root().getRowCount(); r++) {
            ids.add(v.get(r));
          }
        }
      }
      ids.sort(null);
      assertThat(ids).isEqualTo(LongStream.range(0, 600).boxed().toList());
    }
  }

  private void createEventsIn(Path dir) {
    try (Lake other = Lake.open(LakeConfig.embedded(dir))) {
      other.createTable(dev.tracelake.lake.TableName.parse("events"), EVENTS);
    }
  }

  private static int freePort() throws Exception {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
