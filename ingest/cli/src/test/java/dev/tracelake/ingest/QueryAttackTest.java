package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.client.SqlRows;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.client.TracelakeException;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.query.AttackCorpus;
import dev.tracelake.query.SqlEngine;
import dev.tracelake.query.UnguardedEngines;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The query module's attack corpus against the gRPC QueryService over loopback, with the engine's
 * guard and without it: every attack fails with a clear status, no file under the warehouse
 * changes, nothing is written outside it, and later queries see the lake as it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryAttackTest {
  private RootAllocator allocator;
  private Lake lake;
  private AttackCorpus.Fixture fixture;
  private SqlEngine guarded;
  private SqlEngine unguarded;
  private Server guardedServer;
  private Server unguardedServer;

  @BeforeAll
  void buildLake(@TempDir Path warehouse, @TempDir Path outside) throws Exception {
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    fixture = AttackCorpus.Fixture.build(lake, warehouse, outside, allocator);
    guarded = SqlEngine.create(lake);
    unguarded = UnguardedEngines.create(lake);
    guardedServer = serve(guarded);
    unguardedServer = serve(unguarded);
  }

  @AfterAll
  void closeLake() throws Exception {
    for (Server s : List.of(guardedServer, unguardedServer)) {
      s.shutdownNow();
      s.awaitTermination(10, TimeUnit.SECONDS);
    }
    guarded.close();
    unguarded.close();
    lake.close();
    allocator.close();
  }

  private static Server serve(SqlEngine engine) throws Exception {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new QueryGrpcService(engine, ServerMetrics.create()))
        .build()
        .start();
  }

  static Stream<AttackCorpus.Attack> attacks() {
    return AttackCorpus.attacks().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void theServiceRefusesTheAttackAndNoFileChanges(AttackCorpus.Attack attack) throws Exception {
    runAgainst(
        guardedServer,
        client -> {
          assertThatThrownBy(() -> drain(client, attack.sql(fixture)))
              .isInstanceOf(TracelakeException.class)
              .hasMessageContaining(attack.message())
              .extracting(e -> ((TracelakeException) e).code())
              .isEqualTo(Status.Code.valueOf(attack.kind().name()));
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void withoutTheGuardTheServiceStillChangesNoFile(AttackCorpus.Attack attack) throws Exception {
    runAgainst(
        unguardedServer,
        client -> {
          assertThatThrownBy(() -> drain(client, attack.sql(fixture)))
              .isInstanceOf(TracelakeException.class)
              .extracting(e -> ((TracelakeException) e).code())
              .isIn(
                  Status.Code.PERMISSION_DENIED,
                  Status.Code.INVALID_ARGUMENT,
                  Status.Code.NOT_FOUND);
        });
  }

  private interface ClientCall {
    void run(TracelakeClient client) throws Exception;
  }

  private void runAgainst(Server server, ClientCall attack) throws Exception {
    try (TracelakeClient client = TracelakeClient.connect("127.0.0.1:" + server.getPort())) {
      Map<Path, String> before = fixture.digests();
      attack.run(client);
      assertThat(fixture.digests()).isEqualTo(before);
      assertThat(fixture.outsideFiles()).isEmpty();
      checkInvariants(client);
    }
  }

  private void checkInvariants(TracelakeClient client) {
    for (Map.Entry<String, Object> check : fixture.invariants().entrySet()) {
      List<List<Object>> rows = drain(client, check.getKey());
      assertThat(rows.get(0).get(0)).as(check.getKey()).isEqualTo(check.getValue());
    }
  }

  private List<List<Object>> drain(TracelakeClient client, String sql) {
    try (SqlRows rows = client.sql(sql, allocator)) {
      List<List<Object>> out = new java.util.ArrayList<>();
      while (rows.loadNextBatch()) {
        for (int r = 0; r < rows.root().getRowCount(); r++) {
          List<Object> row = new java.util.ArrayList<>();
          for (FieldVector v : rows.root().getFieldVectors()) {
            row.add(v.getObject(r));
          }
          out.add(row);
        }
      }
      return out;
    }
  }
}
