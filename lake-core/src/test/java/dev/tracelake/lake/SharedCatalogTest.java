package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared-catalog path: the same lake-core code on an Iceberg JdbcCatalog in PostgreSQL, with
 * two {@link Lake} instances (two replicas) writing one table. Runs where PostgreSQL answers (CI's
 * .ci/run starts one: {@code benchmarks/scripts/start-postgres.sh}).
 */
class SharedCatalogTest {
  private static final String URL =
      System.getenv()
          .getOrDefault(
              "TRACELAKE_TEST_PG_URL", "jdbc:postgresql://localhost:5432/tracelake_bench");
  private static final String USER = System.getenv().getOrDefault("PGUSER", "postgres");
  private static final String PASSWORD = System.getenv().getOrDefault("PGPASSWORD", "bench");

  @TempDir Path warehouse;

  /** Fails, not skips, without PostgreSQL: the shared catalog must be tested for real. */
  private static void requirePostgres() {
    try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD)) {
      assertThat(c.isValid(5)).isTrue();
    } catch (SQLException e) {
      throw new AssertionError(
          "PostgreSQL does not answer at "
              + URL
              + " ("
              + e.getMessage()
              + "); start it with: bash benchmarks/scripts/start-postgres.sh",
          e);
    }
  }

  private LakeConfig config(String catalogName) {
    return LakeConfig.builder()
        .warehouse(warehouse.toString())
        .catalogUri(URL)
        .catalogName(catalogName)
        .catalogProperty("jdbc.user", USER)
        .catalogProperty("jdbc.password", PASSWORD)
        .build();
  }

  @Test
  void twoReplicasOnAPostgresCatalogShareTablesAndLoseNothing() throws Exception {
    requirePostgres();
    // a catalog name of its own: the database may hold other runs' catalogs
    String catalog = "test_" + UUID.randomUUID().toString().replace("-", "");
    try (RootAllocator allocator = new RootAllocator();
        Lake first = Lake.open(config(catalog));
        Lake second = Lake.open(config(catalog))) {
      assertThat(first.config().describeCatalog()).startsWith("jdbc:postgresql://");
      LakeTable a = first.createTable(TableName.parse("events"), TestBatches.EVENTS);
      LakeTable b = second.table(TableName.parse("events"));

      int appendsPerReplica = 6;
      int rows = 40;
      ExecutorService pool = Executors.newFixedThreadPool(2);
      List<Future<List<Long>>> futures = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        LakeTable table = r == 0 ? a : b;
        int replica = r;
        futures.add(
            pool.submit(
                () -> {
                  List<Long> snapshots = new ArrayList<>();
                  for (int i = 0; i < appendsPerReplica; i++) {
                    long from = ((long) replica * appendsPerReplica + i) * rows;
                    try (VectorSchemaRoot batch = TestBatches.events(allocator, from, rows)) {
                      snapshots.add(
                          table
                              .append(
                                  Provenance.builder().runId("replica-" + replica).build(), batch)
                              .snapshotId());
                    }
                  }
                  return snapshots;
                }));
      }
      List<Long> snapshots = new ArrayList<>();
      for (Future<List<Long>> f : futures) {
        snapshots.addAll(f.get());
      }
      pool.shutdown();

      long total = 2L * appendsPerReplica * rows;
      List<Long> ids =
          TestBatches.rows(b.scan().select("event_id"), allocator).stream()
              .map(r -> (Long) r.get("event_id"))
              .sorted()
              .toList();
      assertThat(ids).isEqualTo(LongStream.range(0, total).boxed().toList());
      assertThat(a.history("main")).hasSize(2 * appendsPerReplica);
      assertThat(snapshots).doesNotHaveDuplicates().hasSize(2 * appendsPerReplica);
      // time travel and tags work through the shared catalog too
      b.createTag("v1", snapshots.get(0));
      assertThat(a.scan().atRef("v1").snapshot())
          .get()
          .extracting(SnapshotInfo::snapshotId)
          .isEqualTo(snapshots.get(0));
      assertThat(first.tables()).containsExactly(TableName.parse("events"));
    }
  }

  @Test
  void replicasOpeningAFreshCatalogDatabaseAtOnceAllSucceed() throws Exception {
    requirePostgres();
    // a database of its own: the catalog's tables must not exist yet
    String database = "tl_fresh_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String admin = URL.substring(0, URL.lastIndexOf('/') + 1) + "postgres";
    try (Connection c = DriverManager.getConnection(admin, USER, PASSWORD)) {
      c.createStatement().execute("CREATE DATABASE " + database);
    }
    try {
      LakeConfig config =
          LakeConfig.builder()
              .warehouse(warehouse.toString())
              .catalogUri(URL.substring(0, URL.lastIndexOf('/') + 1) + database)
              .catalogProperty("jdbc.user", USER)
              .catalogProperty("jdbc.password", PASSWORD)
              .build();
      int replicas = 4;
      ExecutorService pool = Executors.newFixedThreadPool(replicas);
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<Future<Lake>> opened = new ArrayList<>();
      for (int i = 0; i < replicas; i++) {
        opened.add(
            pool.submit(
                () -> {
                  go.await();
                  return Lake.open(config);
                }));
      }
      go.countDown();
      List<Lake> lakes = new ArrayList<>();
      try {
        for (Future<Lake> f : opened) {
          lakes.add(f.get());
        }
        lakes.get(0).createTable(TableName.parse("events"), TestBatches.EVENTS);
        // replicas creating tables in one new namespace at once: all succeed
        List<Future<LakeTable>> created = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
          Lake lake = lakes.get(i);
          TableName table = TableName.parse("fraud.t" + i);
          created.add(pool.submit(() -> lake.createTable(table, TestBatches.EVENTS)));
        }
        for (Future<LakeTable> f : created) {
          f.get();
        }
        for (Lake lake : lakes) {
          assertThat(lake.tables())
              .containsExactly(
                  TableName.parse("default.events"),
                  TableName.parse("fraud.t0"),
                  TableName.parse("fraud.t1"),
                  TableName.parse("fraud.t2"),
                  TableName.parse("fraud.t3"));
        }
      } finally {
        lakes.forEach(Lake::close);
        pool.shutdown();
      }
    } finally {
      try (Connection c = DriverManager.getConnection(admin, USER, PASSWORD)) {
        c.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
    }
  }
}
