package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.replay.Candidate;
import dev.tracelake.lineage.replay.CompareOptions;
import dev.tracelake.lineage.replay.ReplayComparison;
import dev.tracelake.lineage.replay.ReplayInfo;
import dev.tracelake.lineage.replay.ReplaySlice;
import dev.tracelake.lineage.replay.ReplaySpec;
import dev.tracelake.lineage.replay.Replays;
import dev.tracelake.query.LineageSqlTest.Input;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code replay_pairs('<id>')} over a real lake: every production output of the slice paired with
 * the candidate output citing the same inputs at the same snapshots (in any order, table names
 * qualified or not), first of duplicates, outputs citing nothing and other models' outputs left
 * out; the same counts as the replay's own comparison; bad calls get a clear status.
 */
class ReplaySqlTest extends QueryTestBase {
  private static final Provenance V3 =
      Provenance.builder().model("fraud", "v3").runId("scoring-3").codeCommit("abc3").build();
  private static final Provenance V2 =
      Provenance.builder().model("fraud", "v2").runId("scoring-2").codeCommit("abc2").build();
  private static final Provenance V4 =
      Provenance.builder().model("fraud", "v4").runId("replay-r1").codeCommit("abc4").build();

  private long f1;
  private long f2;

  @BeforeEach
  void writeHistory() {
    LakeTable features =
        lake.createTable(TableName.parse("fraud.features"), LineageSqlTest.ID_ONLY);
    f1 =
        LineageSqlTest.append(
                allocator,
                features,
                PROV,
                LineageSqlTest.row(1, "f-1"),
                LineageSqlTest.row(2, "f-2"),
                LineageSqlTest.row(3, "f-3"),
                LineageSqlTest.row(4, "f-4"),
                LineageSqlTest.row(5, "f-5"))
            .snapshotId();
    f2 =
        LineageSqlTest.append(allocator, features, PROV, LineageSqlTest.row(6, "f-6")).snapshotId();
    LakeTable predictions =
        lake.createTable(TableName.parse("fraud.predictions"), LineageSqlTest.ID_ONLY);
    append(
        predictions,
        "main",
        V3,
        LineageSqlTest.row(10, "p-1", in("fraud.features", "f-1", f1)),
        LineageSqlTest.row(
            20, "p-2", in("fraud.features", "f-2", f1), in("fraud.features", "f-3", f1)),
        LineageSqlTest.row(30, "p-3", in("fraud.features", "f-4", f1)),
        LineageSqlTest.row(31, "p-3b", in("fraud.features", "f-4", f1)),
        LineageSqlTest.row(40, "p-4"),
        LineageSqlTest.row(50, "p-5", in("fraud.features", "f-5", f1)));
    append(predictions, "main", V2, LineageSqlTest.row(90, "p-9", in("fraud.features", "f-1", f1)));
  }

  private static Input in(String table, String id, long snapshot) {
    return new Input(table, id, snapshot);
  }

  /** Creates replay r1 over fraud v3 and writes the candidate's answers on its branch. */
  private ReplayInfo replayWithCandidate() {
    try (Replays replays = Replays.open(lake)) {
      ReplayInfo r =
          replays
              .create(
                  ReplaySpec.builder(
                          "r1",
                          ReplaySlice.of(TableName.parse("fraud.predictions"))
                              .withModel("fraud", "v3"))
                      .candidate(Candidate.of("fraud", "v4", "abc4"))
                      .build())
              .replay();
      append(
          lake.table(TableName.parse("fraud.predictions")),
          r.spec().branch(),
          V4,
          LineageSqlTest.row(11, "c-1", in("fraud.features", "f-1", f1)),
          // the same inputs in another order
          LineageSqlTest.row(
              20, "c-2", in("fraud.features", "f-3", f1), in("fraud.features", "f-2", f1)),
          // f-5 at another snapshot: another case
          LineageSqlTest.row(51, "c-5", in("fraud.features", "f-5", f2)),
          LineageSqlTest.row(60, "c-6"));
      return replays.get("r1");
    }
  }

  @Test
  void everyCaseIsPairedAsComputedHere() {
    ReplayInfo replay = replayWithCandidate();

    Answer answer =
        query(
            "SELECT pairing, production_record_id, candidate_record_id, production_id,"
                + " candidate_id, production_model_version, candidate_model_version, inputs"
                + " FROM replay_pairs('r1') ORDER BY coalesce(production_record_id,"
                + " candidate_record_id)");

    String f = "fraud.features/";
    assertThat(answer.rows())
        .containsExactly(
            row(null, "c-5", null, 51L, null, "v4", f + "f-5@" + f2),
            row("p-1", "c-1", 10L, 11L, "v3", "v4", f + "f-1@" + f1),
            row("p-2", "c-2", 20L, 20L, "v3", "v4", f + "f-2@" + f1, f + "f-3@" + f1),
            row("p-3", null, 30L, null, "v3", null, f + "f-4@" + f1),
            row("p-5", null, 50L, null, "v3", null, f + "f-5@" + f1));
    assertThat(answer.references())
        .extracting(TableReference::snapshotId)
        .contains(
            java.util.OptionalLong.of(replay.definition().sourceSnapshotId()),
            java.util.OptionalLong.of(replay.candidateSnapshotId()));

    Map<String, Long> byPairing = new TreeMap<>();
    for (List<Object> r :
        rows("SELECT pairing, count(*) FROM replay_pairs('r1') GROUP BY pairing")) {
      byPairing.put((String) r.get(0), (Long) r.get(1));
    }
    assertThat(byPairing)
        .isEqualTo(Map.of("matched", 2L, "only_production", 2L, "only_candidate", 1L));
    // the replay's own comparison, a separate implementation, counts the same
    try (Replays replays = Replays.open(lake)) {
      ReplayComparison.Counts counts = replays.compare("r1", CompareOptions.defaults()).counts();
      assertThat(List.of(counts.matched(), counts.onlyProduction(), counts.onlyCandidate()))
          .containsExactly(2L, 2L, 1L);
    }
    assertThat(
            query(
                    "SELECT count(*) FILTER (WHERE production_id <> candidate_id),"
                        + " max(abs(candidate_id - production_id)) FROM replay_pairs('r1')"
                        + " WHERE pairing = 'matched'")
                .rows())
        .containsExactly(List.of(1L, 1L));
  }

  private static List<Object> row(
      String production,
      String candidate,
      Long productionId,
      Long candidateId,
      String productionModel,
      String candidateModel,
      String... inputs) {
    return java.util.Arrays.asList(
        production == null && candidate != null
            ? "only_candidate"
            : candidate == null ? "only_production" : "matched",
        production,
        candidate,
        productionId,
        candidateId,
        productionModel,
        candidateModel,
        // the list as the test base prints nested values: JSON
        java.util.Arrays.stream(inputs)
            .map(i -> "\"" + i + "\"")
            .collect(java.util.stream.Collectors.joining(",", "[", "]")));
  }

  @Test
  void badCallsGetAClearStatus() {
    replayWithCandidate();
    assertThatThrownBy(() -> query("SELECT * FROM replay_pairs('nope')"))
        .isInstanceOfSatisfying(
            QueryException.class, e -> assertThat(e.kind()).isEqualTo(QueryErrorKind.NOT_FOUND))
        .hasMessageContaining("No replay has the id 'nope'");
    assertThatThrownBy(() -> query("SELECT * FROM replay_pairs(42)"))
        .isInstanceOfSatisfying(
            QueryException.class,
            e -> assertThat(e.kind()).isEqualTo(QueryErrorKind.INVALID_ARGUMENT))
        .hasMessageContaining("replay_pairs takes one replay id as a string literal");
    assertThatThrownBy(() -> query("SELECT * FROM replay_pairs('r1' || '')"))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("string literal");
    assertThatThrownBy(() -> query("SELECT * FROM replay_pairs('bad id\u0000\u202e')"))
        .isInstanceOfSatisfying(
            QueryException.class,
            e -> assertThat(e.kind()).isEqualTo(QueryErrorKind.INVALID_ARGUMENT));
    // a query naming no replay still runs, and the pairs stay readable with the others
    assertThat(
            query("SELECT count(*) FROM replay_pairs('r1') JOIN fraud.features f ON true").value())
        .isEqualTo(5L * 6L);
  }

  /** Appends rows of (id, record id, inputs) with lineage to {@code branch}. */
  private AppendResult append(
      LakeTable table, String branch, Provenance provenance, Object[]... rows) {
    Field ref =
        new Field(
            "element",
            FieldType.notNullable(ArrowType.Struct.INSTANCE),
            List.of(
                new Field("table", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                new Field("record_id", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                new Field("snapshot_id", FieldType.nullable(new ArrowType.Int(64, true)), null)));
    Schema schema =
        new Schema(
            List.of(
                LineageSqlTest.ID_ONLY.getFields().get(0),
                new Field("_record_id", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field("_lineage", FieldType.nullable(ArrowType.List.INSTANCE), List.of(ref))));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        PendingAppend append = table.newAppend(provenance, branch)) {
      root.allocateNew();
      ListVector lineage = (ListVector) root.getVector("_lineage");
      StructVector refs = (StructVector) lineage.getDataVector();
      for (int r = 0; r < rows.length; r++) {
        ((BigIntVector) root.getVector("id")).setSafe(r, (Long) rows[r][0]);
        ((VarCharVector) root.getVector("_record_id"))
            .setSafe(r, ((String) rows[r][1]).getBytes(StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        List<Input> inputs = (List<Input>) rows[r][2];
        int start = lineage.startNewValue(r);
        for (int j = 0; j < inputs.size(); j++) {
          Input in = inputs.get(j);
          refs.setIndexDefined(start + j);
          ((VarCharVector) refs.getChild("table"))
              .setSafe(start + j, in.table().getBytes(StandardCharsets.UTF_8));
          ((VarCharVector) refs.getChild("record_id"))
              .setSafe(start + j, in.recordId().getBytes(StandardCharsets.UTF_8));
          ((BigIntVector) refs.getChild("snapshot_id")).setSafe(start + j, in.snapshotId());
        }
        lineage.endValue(r, inputs.size());
      }
      root.setRowCount(rows.length);
      append.write(root);
      return append.commit();
    }
  }
}
