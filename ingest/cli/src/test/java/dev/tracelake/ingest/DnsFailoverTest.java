package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The same failover as {@link FailoverTest}, with the replicas behind one DNS name with three
 * records, as a Kubernetes headless Service gives them: {@code replicas.tracelake.test} resolves to
 * 127.0.0.1, 127.0.0.2 and 127.0.0.3 (through {@code src/test/resources/replicas.hosts}, which the
 * build's {@code dns-failover} execution hands the JVM as {@code jdk.net.hosts.file}), each replica
 * listening on one of them, all on the same port. The client is given {@code
 * dns:///replicas.tracelake.test:<port>} and nothing else.
 */
// Runs in the build's dns-failover execution, the only one that sets the property; the default
// execution leaves this class out by name (this condition only matters for a hand-run -Dtest).
@EnabledIfSystemProperty(named = "jdk.net.hosts.file", matches = ".*replicas\\.hosts")
class DnsFailoverTest extends FailoverTest {
  static final String NAME = "replicas.tracelake.test";

  @Override
  List<ServeProcess> start(List<String> args) throws Exception {
    assertThat(System.getProperty("jdk.net.hosts.file"))
        .as("jdk.net.hosts.file: run this test through the build's dns-failover execution")
        .isNotNull();
    assertThat(Stream.of(InetAddress.getAllByName(NAME)).map(InetAddress::getHostAddress))
        .containsExactlyInAnyOrder("127.0.0.1", "127.0.0.2", "127.0.0.3");
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = probe.getLocalPort();
    }
    List<CompletableFuture<ServeProcess>> starting = new ArrayList<>();
    for (String host : List.of("127.0.0.1", "127.0.0.2", "127.0.0.3")) {
      starting.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return ServeProcess.start(host, port, args, java.util.Map.of());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    List<ServeProcess> started = new ArrayList<>();
    for (CompletableFuture<ServeProcess> s : starting) {
      started.add(s.join());
    }
    return started;
  }

  @Override
  String target(List<ServeProcess> replicas) {
    return "dns:///" + NAME + ":" + replicas.get(0).port();
  }
}
