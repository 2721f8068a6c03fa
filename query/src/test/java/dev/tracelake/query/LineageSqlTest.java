package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.ExplainNode;
import dev.tracelake.lineage.Explanation;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.lineage.RecordKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
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

class LineageSqlTest extends QueryTestBase {
  private static final Provenance SCORING =
      Provenance.builder()
          .codeCommit("c0ffee")
          .model("fraud", "v4")
          .runId("score-7")
          .producer("scoring-service")
          .build();
  static final Schema ID_ONLY =
      new Schema(
          List.of(new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null)));

  /** One input of a record: the table, record id and snapshot it was read at. */
  record Input(String table, String recordId, long snapshotId) {}

  private AppendResult features;
  private AppendResult predictions;
  private AppendResult decisions;

  @BeforeEach
  void buildLineage() {
    LakeTable featureTable = lake.createTable(TableName.parse("features"), ID_ONLY);
    features = append(featureTable, PROV, row(1, "f-1"), row(2, "f-2"), row(3, "f-3"));
    LakeTable predictionTable = lake.createTable(TableName.parse("predictions"), ID_ONLY);
    predictions =
        append(
            predictionTable,
            SCORING,
            row(
                10,
                "p-1",
                new Input("default.features", "f-1", features.snapshotId()),
                new Input("features", "f-2", features.snapshotId())),
            row(11, "p-2", new Input("default.features", "f-3", features.snapshotId())));
    LakeTable decisionTable = lake.createTable(TableName.parse("decisions"), ID_ONLY);
    decisions =
        append(
            decisionTable,
            SCORING,
            row(20, "d-1", new Input("default.predictions", "p-1", predictions.snapshotId())));
  }

  @Test
  void lineageEdgesListEveryInputOfEveryRecordWithTheSnapshotsOnBothSides() {
    Answer answer =
        query(
            "SELECT output_table, output_record_id, output_snapshot_id, input_table,"
                + " input_record_id, input_snapshot_id FROM lineage_edges ORDER BY"
                + " output_record_id, input_record_id");

    assertThat(answer.rows())
        .containsExactly(
            List.of(
                "default.decisions",
                "d-1",
                decisions.snapshotId(),
                "default.predictions",
                "p-1",
                predictions.snapshotId()),
            List.of(
                "default.predictions",
                "p-1",
                predictions.snapshotId(),
                "default.features",
                "f-1",
                features.snapshotId()),
            List.of(
                "default.predictions",
                "p-1",
                predictions.snapshotId(),
                "default.features",
                "f-2",
                features.snapshotId()),
            List.of(
                "default.predictions",
                "p-2",
                predictions.snapshotId(),
                "default.features",
                "f-3",
                features.snapshotId()));
    assertThat(answer.references())
        .contains(
            new TableReference(
                TableName.parse("predictions"), "main", OptionalLong.of(predictions.snapshotId())));
    assertThat(query("SELECT count(*) FROM tracelake.lineage_edges").value()).isEqualTo(4L);
  }

  @Test
  void runsListEverySnapshotWithItsProvenance() {
    Answer answer =
        query(
            "SELECT run_id, code_commit, model_name, model_version, producer, table_name,"
                + " snapshot_id FROM runs ORDER BY table_name");
    assertThat(answer.rows())
        .containsExactly(
            List.of(
                "score-7",
                "c0ffee",
                "fraud",
                "v4",
                "scoring-service",
                "default.decisions",
                decisions.snapshotId()),
            List.of(
                "run-1",
                "abc123",
                "fraud",
                "v3",
                "test",
                "default.features",
                features.snapshotId()),
            List.of(
                "score-7",
                "c0ffee",
                "fraud",
                "v4",
                "scoring-service",
                "default.predictions",
                predictions.snapshotId()));
  }

  @Test
  void lineageUpstreamTracesARecordToItsSourcesRecursively() {
    Answer answer =
        query(
            "SELECT depth, output_record_id, input_table, input_record_id FROM"
                + " lineage_upstream('decisions', 'd-1') ORDER BY depth, input_record_id");
    assertThat(answer.rows())
        .containsExactly(
            List.of(1, "d-1", "default.predictions", "p-1"),
            List.of(2, "p-1", "default.features", "f-1"),
            List.of(2, "p-1", "default.features", "f-2"));
  }

  @Test
  void aRecursiveTraceIsPlainSql() {
    Answer answer =
        query(
            "WITH RECURSIVE up(tbl, rid, depth) AS ("
                + " SELECT 'default.decisions', 'd-1', 0"
                + " UNION ALL"
                + " SELECT e.input_table, e.input_record_id, up.depth + 1 FROM lineage_edges e"
                + " JOIN up ON e.output_table = up.tbl AND e.output_record_id = up.rid)"
                + " SELECT up.rid, f.id FROM up JOIN features FOR VERSION AS OF "
                + features.snapshotId()
                + " f ON f._record_id = up.rid ORDER BY f.id");
    assertThat(answer.rows()).containsExactly(List.of("f-1", 1L), List.of("f-2", 2L));
  }

  @Test
  void aLakeTableNamedLikeALineageRelationWinsOverIt() {
    LakeTable runs = lake.createTable(TableName.parse("runs"), ID_ONLY);
    append(runs, PROV, row(42, "r-42"));
    assertThat(query("SELECT id FROM runs").value()).isEqualTo(42L);
    assertThat(query("SELECT count(*) FROM tracelake.runs").value()).isEqualTo(4L);
  }

  @Test
  void explainReadsTheSameRowsThroughDuckDbAsThroughTheLakeScan() {
    LakeTable typed = TypesSqlTest.typedTable(lake, allocator);
    // a later rename: records are read with the schema of the snapshot they were cited at
    lake.table(TableName.parse("features"))
        .updateSchema()
        .renameColumn("id", "feature_id")
        .commit();
    List<RecordKey> records = new ArrayList<>();
    records.add(new RecordKey("default.decisions", "d-1"));
    for (Object id : query("SELECT _record_id FROM typed").column(0)) {
      records.add(new RecordKey("default.typed", (String) id));
    }
    assertThat(typed.scan().plan().files()).hasSize(1);
    try (Lineage lineage = Lineage.open(lake, LineageOptions.defaults().withManualRefresh());
        DuckDbRowSource duckDb = DuckDbRowSource.open(lake, config())) {
      lineage.catchUp();
      List<Explanation> byScan = records.stream().map(lineage::explain).toList();
      lineage.readRowsWith(duckDb);
      List<Explanation> byDuckDb = records.stream().map(lineage::explain).toList();
      for (int i = 0; i < records.size(); i++) {
        assertThat(byDuckDb.get(i).problems()).isEmpty();
        assertThat(byScan.get(i).problems()).isEmpty();
        assertThat(byDuckDb.get(i).root())
            .as("explanation of %s", records.get(i))
            .usingRecursiveComparison()
            .isEqualTo(byScan.get(i).root());
      }
      ExplainNode decision = byDuckDb.get(0).root();
      assertThat(decision.value("id")).isEqualTo(20L);
      ExplainNode prediction = decision.inputs().get(0);
      assertThat(prediction.value("id")).isEqualTo(10L);
      assertThat(prediction.inputs()).extracting(n -> n.value("id")).containsExactly(1L, 2L);
    }
  }

  @Test
  void anInputCitedAtASnapshotThatDoesNotHoldItIsReportedAlikeByBothReaders() {
    LakeTable featureTable = lake.table(TableName.parse("features"));
    AppendResult late = append(featureTable, PROV, row(9, "f-9"));
    // cited at the first features snapshot, which was committed before f-9 existed
    append(
        lake.table(TableName.parse("predictions")),
        SCORING,
        row(12, "p-9", new Input("default.features", "f-9", features.snapshotId())));
    assertThat(late.snapshotId()).isNotEqualTo(features.snapshotId());
    RecordKey prediction = new RecordKey("default.predictions", "p-9");
    try (Lineage lineage = Lineage.open(lake, LineageOptions.defaults().withManualRefresh());
        DuckDbRowSource duckDb = DuckDbRowSource.open(lake, config())) {
      lineage.catchUp();
      Explanation byScan = lineage.explain(prediction);
      lineage.readRowsWith(duckDb);
      Explanation byDuckDb = lineage.explain(prediction);
      assertThat(byScan.problems())
          .extracting(dev.tracelake.lineage.Problem::kind)
          .containsExactly(dev.tracelake.lineage.Problem.Kind.MISSING_INPUT);
      assertThat(byDuckDb.problems()).isEqualTo(byScan.problems());
      assertThat(byDuckDb.root()).usingRecursiveComparison().isEqualTo(byScan.root());
      assertThat(byDuckDb.root().inputs().get(0).values()).isEmpty();
    }
  }

  static Object[] row(long id, String recordId, Input... inputs) {
    return new Object[] {id, recordId, Arrays.asList(inputs)};
  }

  /** Appends rows of (id, record id, inputs) with writer-given record ids and lineage. */
  private AppendResult append(LakeTable table, Provenance provenance, Object[]... rows) {
    return append(allocator, table, provenance, rows);
  }

  static AppendResult append(
      org.apache.arrow.memory.BufferAllocator allocator,
      LakeTable table,
      Provenance provenance,
      Object[]... rows) {
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
                ID_ONLY.getFields().get(0),
                new Field("_record_id", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field("_lineage", FieldType.nullable(ArrowType.List.INSTANCE), List.of(ref))));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        PendingAppend append = table.newAppend(provenance)) {
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
