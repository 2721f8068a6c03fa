package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attack corpus against the embedded engine, with its guard and without it (the test seam): in
 * both, every attack fails with a clear status, every file under the warehouse is byte-identical
 * afterwards, nothing appears outside it, and every later query (also in a reused warm sandbox)
 * sees the lake as it was. Without the guard, that is the kernel's write barrier, DuckDB's file
 * confinement and the read-only relations holding on their own. All attacks run against one lake,
 * one after the other, so an attack that left anything behind would also show in the next ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttackCorpusTest {
  private RootAllocator allocator;
  private Lake lake;
  private SqlEngine guarded;
  private SqlEngine unguarded;
  private AttackCorpus.Fixture fixture;

  @BeforeAll
  void buildFixture(@TempDir Path warehouse, @TempDir Path outside) {
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    fixture = AttackCorpus.Fixture.build(lake, warehouse, outside, allocator);
    guarded = SqlEngine.create(lake);
    unguarded = SqlEngine.createWithoutStatementGuardForTests(lake, SqlEngineConfig.defaults());
  }

  @AfterAll
  void close() {
    guarded.close();
    unguarded.close();
    lake.close();
    allocator.close();
  }

  static Stream<AttackCorpus.Attack> attacks() {
    return AttackCorpus.attacks().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void theGuardRefusesTheAttackAndNoFileChanges(AttackCorpus.Attack attack) {
    Map<Path, String> before = fixture.digests();

    assertThatThrownBy(() -> drain(guarded, attack.sql(fixture)))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining(attack.message())
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(attack.kind());

    assertThat(fixture.digests()).isEqualTo(before);
    assertThat(fixture.outsideFiles()).isEmpty();
    checkInvariants(guarded);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void withoutTheGuardTheLowerLayersStillHold(AttackCorpus.Attack attack) {
    Map<Path, String> before = fixture.digests();

    assertThatThrownBy(() -> drain(unguarded, attack.sql(fixture)))
        .isInstanceOf(QueryException.class)
        .satisfies(
            e ->
                assertThat(((QueryException) e).kind())
                    .as("%s: %s", attack.name(), e.getMessage())
                    .isIn(
                        QueryErrorKind.PERMISSION_DENIED,
                        QueryErrorKind.INVALID_ARGUMENT,
                        QueryErrorKind.NOT_FOUND));

    assertThat(fixture.digests()).isEqualTo(before);
    assertThat(fixture.outsideFiles()).isEmpty();
    checkInvariants(unguarded);
  }

  private void checkInvariants(SqlEngine engine) {
    for (Map.Entry<String, Object> check : fixture.invariants().entrySet()) {
      assertThat(drain(engine, check.getKey()).get(0).get(0))
          .as(check.getKey())
          .isEqualTo(check.getValue());
    }
  }

  static List<List<Object>> drain(SqlEngine engine, String sql) {
    try (QueryResult result = engine.execute(sql)) {
      List<List<Object>> rows = new ArrayList<>();
      while (result.reader().loadNextBatch()) {
        rows.addAll(QueryTestBase.rowsOf(result.reader().getVectorSchemaRoot()));
      }
      return rows;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
