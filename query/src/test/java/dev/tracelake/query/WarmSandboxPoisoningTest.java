package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client tries to poison the warm sandboxes of an engine while another checks its answers on
 * the same engine, at the same time; and the transaction every query runs in takes back whatever a
 * statement changed in a database before it serves another query.
 */
class WarmSandboxPoisoningTest {
  private static final List<String> POISON =
      List.of(
          "WITH x AS (UPDATE runs SET run_id = 'forged' RETURNING *) SELECT count(*) FROM x",
          "WITH x AS (DELETE FROM \"events$snapshots\" RETURNING *) SELECT count(*) FROM x",
          "WITH x AS (INSERT INTO \"events$refs\" VALUES ('forged', 'TAG', 1) RETURNING *)"
              + " SELECT * FROM x",
          "WITH x AS (DELETE FROM runs RETURNING *) SELECT count(*) FROM x");

  private RootAllocator allocator;
  private Lake lake;
  private AttackCorpus.Fixture fixture;

  @BeforeEach
  void build(@TempDir Path warehouse, @TempDir Path outside) {
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    fixture = AttackCorpus.Fixture.build(lake, warehouse, outside, allocator);
  }

  @AfterEach
  void close() {
    lake.close();
    allocator.close();
  }

  @Test
  void aClientPoisoningWarmSandboxesNeverChangesAnotherClientsAnswers() throws Exception {
    for (SqlEngine engine :
        List.of(
            SqlEngine.create(lake),
            SqlEngine.createWithoutStatementGuardForTests(lake, SqlEngineConfig.defaults()))) {
      try (engine) {
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
          Future<Integer> attacker =
              clients.submit(
                  () -> {
                    int refused = 0;
                    for (int round = 0; round < 8; round++) {
                      for (String poison : POISON) {
                        assertThatThrownBy(() -> AttackCorpusTest.drain(engine, poison))
                            .isInstanceOf(QueryException.class);
                        refused++;
                        // leaves a warm database with the victim's relations behind
                        AttackCorpusTest.drain(engine, "SELECT count(*) FROM runs");
                      }
                    }
                    return refused;
                  });
          Future<Integer> victim =
              clients.submit(
                  () -> {
                    int checked = 0;
                    for (int round = 0; round < 8; round++) {
                      for (Map.Entry<String, Object> check : fixture.invariants().entrySet()) {
                        assertThat(AttackCorpusTest.drain(engine, check.getKey()).get(0).get(0))
                            .as(check.getKey())
                            .isEqualTo(check.getValue());
                        checked++;
                      }
                    }
                    return checked;
                  });
          assertThat(attacker.get(5, TimeUnit.MINUTES)).isEqualTo(32);
          assertThat(victim.get(5, TimeUnit.MINUTES)).isEqualTo(56);
        } finally {
          clients.shutdownNow();
        }
      }
    }
  }

  @Test
  void whatAStatementChangesInADatabaseIsRolledBackBeforeItIsReused(@TempDir Path spillParent)
      throws Exception {
    FileWriteBarrier barrier = FileWriteBarrier.probe();
    SqlEngineConfig config = SqlEngineConfig.defaults();
    try (SpillSpace spill = SpillSpace.create(spillParent, null);
        SandboxThreads threads = new SandboxThreads(barrier, spill.root(), 2);
        Sandbox sandbox = new Sandbox(config, threads)) {
      Path dir = spill.forQuery(1);
      try (SandboxDatabase db =
          new SandboxDatabase(sandbox.open(List.of(), dir), dir, threads, spill)) {
        db.beginQuery();
        run(threads, db, "CREATE TABLE poison AS SELECT 42 AS x");
        run(threads, db, "CREATE MACRO forged() AS 'forged'");
        assertThat(count(threads, db, "SELECT count(*) FROM duckdb_tables()")).isEqualTo(1);
        assertThat(db.endQuery()).isTrue();
        assertThat(count(threads, db, "SELECT count(*) FROM duckdb_tables()")).isZero();
        assertThat(
                count(
                    threads,
                    db,
                    "SELECT count(*) FROM duckdb_functions() WHERE function_name = 'forged'"))
            .isZero();
      }
    }
  }

  private static void run(SandboxThreads threads, SandboxDatabase db, String sql)
      throws SQLException {
    threads.call(
        () -> {
          try (Statement s = db.connection().createStatement()) {
            return s.execute(sql);
          }
        });
  }

  private static long count(SandboxThreads threads, SandboxDatabase db, String sql)
      throws SQLException {
    return threads.call(
        () -> {
          try (Statement s = db.connection().createStatement();
              var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }
}
