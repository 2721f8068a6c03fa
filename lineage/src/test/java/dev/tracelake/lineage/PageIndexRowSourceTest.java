package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.DataFileInfo;
import dev.tracelake.lake.Filter;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.PlannedColumn;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lake.TableName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;

/**
 * The page-index reader returns exactly the rows lake-core's scan returns for the same ids, for
 * every column type Tracelake stores, across schema changes, and honours per-file constants.
 */
class PageIndexRowSourceTest extends LineageTestBase {
  private static final Schema ALL_TYPES =
      new Schema(
          List.of(
              nullable("i", new ArrowType.Int(32, true)),
              nullable("l", new ArrowType.Int(64, true)),
              nullable("f", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
              nullable("d", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
              nullable("b", ArrowType.Bool.INSTANCE),
              nullable("s", ArrowType.Utf8.INSTANCE),
              nullable("bin", ArrowType.Binary.INSTANCE),
              nullable("fx", new ArrowType.FixedSizeBinary(4)),
              nullable("dec9", new ArrowType.Decimal(9, 2, 128)),
              nullable("dec18", new ArrowType.Decimal(18, 4, 128)),
              nullable("dec30", new ArrowType.Decimal(30, 5, 128)),
              nullable("day", new ArrowType.Date(DateUnit.DAY)),
              nullable("t", new ArrowType.Time(TimeUnit.MICROSECOND, 64)),
              nullable("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
              nullable("tstz", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
              new Field(
                  "tags",
                  FieldType.nullable(ArrowType.List.INSTANCE),
                  List.of(nullable("element", ArrowType.Utf8.INSTANCE))),
              new Field(
                  "point",
                  FieldType.nullable(ArrowType.Struct.INSTANCE),
                  List.of(
                      nullable("x", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                      nullable("label", ArrowType.Utf8.INSTANCE))),
              new Field(
                  "attrs",
                  FieldType.nullable(new ArrowType.Map(false)),
                  List.of(
                      new Field(
                          "entries",
                          FieldType.notNullable(ArrowType.Struct.INSTANCE),
                          List.of(
                              new Field(
                                  "key", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                              nullable("value", new ArrowType.Int(64, true))))))));

  private static Field nullable(String name, ArrowType type) {
    return new Field(name, FieldType.nullable(type), null);
  }

  /** A row of every type; row {@code k} leaves some values null, depending on k. */
  private static ObjectNode allTypesRow(int k) {
    ObjectNode row = JSON.createObjectNode();
    if (k % 7 != 0) {
      row.put("i", k * 3 - 50);
      row.put("l", 1L << 40 | k);
      row.put("f", k / 4.0f);
      row.put("d", k * 1.25);
      row.put("b", k % 2 == 0);
      row.put("s", "value-" + k + "-ü");
      row.put("bin", Base64.getEncoder().encodeToString(new byte[] {1, (byte) k, 0, -1}));
      row.put("fx", Base64.getEncoder().encodeToString(new byte[] {9, 8, 7, (byte) k}));
      row.put("dec9", (k - 20) + ".25");
      row.put("dec18", "12345678901." + (1000 + k));
      row.put("dec30", "-1234567890123456789012." + (10000 + k));
      row.put("day", "2026-01-" + (10 + k % 18));
      row.put("t", "12:34:" + (10 + k % 40) + ".123456");
      row.put("ts", "2026-02-03T04:05:06." + (100000 + k));
      row.put("tstz", "2026-02-03T04:05:06." + (200000 + k) + "Z");
    }
    if (k % 3 != 0) {
      var tags = row.putArray("tags");
      for (int j = 0; j < k % 4; j++) {
        if (j == 1) {
          tags.addNull();
        } else {
          tags.add("tag" + j);
        }
      }
    }
    if (k % 5 != 0) {
      ObjectNode point = row.putObject("point");
      point.put("x", k * 0.5);
      if (k % 2 == 0) {
        point.put("label", "p" + k);
      }
    }
    if (k % 4 != 0) {
      ObjectNode attrs = row.putObject("attrs");
      attrs.put("a", k);
      if (k % 8 == 1) {
        attrs.putNull("b");
      }
    }
    return row;
  }

  @Test
  void readsTheRowsTheLakeScanReadsForEveryColumnType() throws IOException {
    LakeTable table = lake.createTable(TableName.parse("types"), ALL_TYPES);
    List<String> ids = new ArrayList<>();
    for (int batch = 0; batch < 2; batch++) {
      int from = batch * 30;
      ids.addAll(appendJson(table, IntStream.range(from, from + 30).mapToObj(k -> allTypesRow(k))));
    }
    List<String> wanted = new ArrayList<>();
    for (int k = 0; k < ids.size(); k += 3) {
      wanted.add(ids.get(k));
    }
    wanted.add("0190a000-0000-7000-8000-000000000000"); // absent
    ScanPlan plan = table.scan().plan();
    assertThat(plan.files()).hasSize(2);

    Map<String, Map<String, Object>> byPages = readWith(PageIndexRowSource.of(lake), plan, wanted);

    assertThat(byPages).hasSize(wanted.size() - 1);
    assertThat(byPages).usingRecursiveComparison().isEqualTo(scanRows(table, wanted));
    Map<String, Object> row7 = byPages.get(ids.get(21));
    assertThat(row7.get("i")).isNull(); // 21 % 7 == 0
    assertThat(row7.get("tags")).isNull(); // 21 % 3 == 0
    assertThat(byPages.get(ids.get(9)).get("tags")).isNull();
    assertThat(byPages.get(ids.get(6)).get("point")).isEqualTo(Map.of("x", 3.0, "label", "p6"));
  }

  @Test
  void lineageColumnAndProvenanceReadLikeTheScan() throws IOException {
    LakeTable features = features();
    Committed inputs = append(features, FEATURE_JOB, feature("u1", 1.0), feature("u2", 2.0));
    LakeTable predictions = predictions();
    Committed scored =
        append(
            predictions,
            FRAUD_V3,
            prediction(
                0.5,
                ref(inputs.key("default.features", 0), inputs.snapshotId()),
                ref(inputs.key("default.features", 1), null)),
            prediction(0.7));
    ScanPlan plan = predictions.scan().plan();

    Map<String, Map<String, Object>> rows =
        readWith(PageIndexRowSource.of(lake), plan, scored.recordIds());

    assertThat(rows)
        .usingRecursiveComparison()
        .isEqualTo(scanRows(predictions, scored.recordIds()));
    Map<String, Object> first = rows.get(scored.recordIds().get(0));
    assertThat(first.get(MetadataColumns.MODEL_NAME)).isEqualTo("fraud");
    assertThat((List<?>) first.get(MetadataColumns.LINEAGE)).hasSize(2);
    assertThat(rows.get(scored.recordIds().get(1)).get(MetadataColumns.LINEAGE)).isNull();
  }

  @Test
  void renamedAndAddedColumnsReadByFieldId() throws IOException {
    LakeTable features = features();
    Committed before = append(features, FEATURE_JOB, feature("u1", 1.5), feature("u2", 2.5));
    features
        .updateSchema()
        .renameColumn("amount", "amount_usd")
        .addColumn("currency", ArrowType.Utf8.INSTANCE)
        .commit();
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("entity", "u3");
    values.put("amount_usd", 7.0);
    values.put("currency", "EUR");
    Committed after = append(features, FEATURE_JOB, new NewRecord(null, values, List.of()));
    List<String> wanted = List.of(before.recordIds().get(1), after.recordIds().get(0));
    ScanPlan plan = features.scan().plan();

    Map<String, Map<String, Object>> rows = readWith(PageIndexRowSource.of(lake), plan, wanted);

    assertThat(rows).usingRecursiveComparison().isEqualTo(scanRows(features, wanted));
    assertThat(rows.get(wanted.get(0)))
        .containsEntry("amount_usd", 2.5)
        .containsEntry("currency", null)
        .doesNotContainKey("amount");
    assertThat(rows.get(wanted.get(1))).containsEntry("currency", "EUR");
  }

  @Test
  void writerGivenIdsInNoOrderAreFound() throws IOException {
    LakeTable features = features();
    List<NewRecord> records = new ArrayList<>();
    List<String> given = new ArrayList<>();
    for (int k = 0; k < 200; k++) {
      // ids whose order has nothing to do with the write order: the page index is unordered
      String id = Integer.toHexString((k * 7919) % 1009) + "-rec-" + k;
      given.add(id);
      records.add(withId(id, feature("e" + k, k)));
    }
    append(features, FEATURE_JOB, records);
    List<String> wanted = List.of(given.get(199), given.get(0), given.get(77), "no-such-id");

    Map<String, Map<String, Object>> rows =
        readWith(PageIndexRowSource.of(lake), features.scan().plan(), wanted);

    assertThat(rows.keySet())
        .containsExactlyInAnyOrder(given.get(199), given.get(0), given.get(77));
    assertThat(rows).usingRecursiveComparison().isEqualTo(scanRows(features, wanted));
    assertThat(rows.get(given.get(77)))
        .containsEntry("entity", "e77")
        .containsEntry("amount", 77.0);
  }

  @Test
  void manyIdsAcrossManyPagesOfAHandWrittenFile() throws IOException {
    Path file = warehouse.resolve("pages.parquet");
    int rowCount = 5000;
    writeFile(file, rowCount, true);
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      var idChunk = reader.getRowGroups().get(0).getColumns().get(0);
      assertThat(reader.readOffsetIndex(idChunk).getPageCount()).isGreaterThan(20);
    }
    ScanPlan plan = plan(List.of(info(file, rowCount, Map.of())), idColumn(), longColumn(2, "x"));
    List<String> wanted = new ArrayList<>();
    for (int r = 3; r < rowCount; r += 37) {
      wanted.add(recordId(r));
    }
    wanted.add(recordId(rowCount + 5)); // after the last id: no page holds it
    wanted.add("0"); // before the first

    PageIndexRowSource source = PageIndexRowSource.of(lake);
    Map<String, Map<String, Object>> rows = readWith(source, plan, wanted);

    assertThat(rows).hasSize(wanted.size() - 2);
    for (int r = 3; r < rowCount; r += 37) {
      assertThat(rows.get(recordId(r)))
          .as("row %d", r)
          .containsEntry(MetadataColumns.RECORD_ID, recordId(r))
          .containsEntry("x", r % 10 == 0 ? null : (long) r * 11);
    }
    assertThat(source.cachedFiles()).isEqualTo(1);
    // the footer and page index now come from memory: the same answer
    assertThat(readWith(source, plan, wanted)).isEqualTo(rows);
  }

  @Test
  void aColumnTheFileLacksTakesTheFileConstantOrNull() throws IOException {
    Path file = warehouse.resolve("partitioned.parquet");
    writeFile(file, 300, false);
    Map<Integer, Object> withNull = new HashMap<>();
    withNull.put(3, null);
    List<DataFileInfo> files =
        List.of(
            info(file, 300, Map.of(3, "run-7", 4, 42L)),
            info(copy(file, "plain.parquet"), 300, Map.of()),
            info(copy(file, "null-constant.parquet"), 300, withNull));
    PlannedColumn run =
        new PlannedColumn(3, MetadataColumns.RUN_ID, "string", false, nullableField("_run_id"));
    PlannedColumn n =
        new PlannedColumn(4, "n", "long", false, nullable("n", new ArrowType.Int(64, true)));
    for (int f = 0; f < files.size(); f++) {
      ScanPlan plan = plan(List.of(files.get(f)), idColumn(), longColumn(2, "x"), run, n);

      Map<String, Map<String, Object>> rows =
          readWith(PageIndexRowSource.of(lake), plan, List.of(recordId(5), recordId(250)));

      assertThat(rows).hasSize(2);
      for (Map<String, Object> row : rows.values()) {
        assertThat(row.keySet()).containsExactly(MetadataColumns.RECORD_ID, "x", "_run_id", "n");
        assertThat(row.get("_run_id")).isEqualTo(f == 0 ? "run-7" : null);
        assertThat(row.get("n")).isEqualTo(f == 0 ? 42L : null);
      }
      assertThat(rows.get(recordId(5))).containsEntry("x", 55L);
    }
  }

  @Test
  void aMissingFileFailsNamingIt() {
    Path missing = warehouse.resolve("gone.parquet");
    ScanPlan plan =
        plan(
            List.of(new DataFileInfo("file:" + missing, missing.toString(), 10, 1000)), idColumn());

    assertThatThrownBy(() -> readWith(PageIndexRowSource.of(lake), plan, List.of("x")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void aCorruptFileFailsNamingIt() throws IOException {
    Path corrupt = warehouse.resolve("corrupt.parquet");
    Files.write(corrupt, "this is not parquet at all, though it is long enough".getBytes());
    ScanPlan plan = plan(List.of(info(corrupt, 1, Map.of())), idColumn());

    assertThatThrownBy(() -> readWith(PageIndexRowSource.of(lake), plan, List.of("x")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(corrupt.toString())
        .hasMessageContaining("not a Parquet file");
  }

  @Test
  void explainReadsTheSameRowsThroughThePageIndexAsThroughTheScan() {
    LakeTable features = features();
    Committed inputs = append(features, FEATURE_JOB, feature("u1", 1.0), feature("u2", 2.0));
    LakeTable predictions = predictions();
    Committed scored =
        append(
            predictions,
            FRAUD_V3,
            prediction(
                0.5,
                ref(inputs.key("default.features", 0), inputs.snapshotId()),
                ref(inputs.key("default.features", 1), inputs.snapshotId())));
    lineage.catchUp();
    RecordKey key = scored.key("default.predictions", 0);
    Explanation byScan = lineage.explain(key);

    lineage.readRowsWith(PageIndexRowSource.of(lake));
    Explanation byPages = lineage.explain(key);

    assertThat(byPages.problems()).isEmpty();
    assertThat(byPages.root()).usingRecursiveComparison().isEqualTo(byScan.root());
    assertThat(byPages.root().inputs()).hasSize(2);
    assertThat(byPages.root().inputs().get(0).values()).containsEntry("entity", "u1");
  }

  // --- helpers ---

  private List<String> appendJson(LakeTable table, java.util.stream.Stream<ObjectNode> rows) {
    List<String> json = rows.map(ObjectNode::toString).toList();
    try (VectorSchemaRoot batch = table.batchChecker().fromJson(json, allocator);
        PendingAppend append = table.newAppend(FEATURE_JOB)) {
      List<String> ids = append.write(batch);
      append.commit();
      return ids;
    }
  }

  private Map<String, Map<String, Object>> readWith(
      RowSource source, ScanPlan plan, List<String> ids) throws IOException {
    Schema planned = new Schema(plan.columns().stream().map(PlannedColumn::arrowField).toList());
    Map<String, Map<String, Object>> rows = new HashMap<>();
    source.read(
        plan,
        ids,
        allocator,
        root -> {
          assertThat(root.getSchema()).isEqualTo(planned);
          for (int r = 0; r < root.getRowCount(); r++) {
            Map<String, Object> row = RowValues.row(root.getFieldVectors(), r);
            rows.put((String) row.get(MetadataColumns.RECORD_ID), row);
          }
        });
    return rows;
  }

  private Map<String, Map<String, Object>> scanRows(LakeTable table, List<String> ids) {
    Map<String, Map<String, Object>> rows = new HashMap<>();
    try (ScanBatches batches =
        table.scan().filter(Filter.in(MetadataColumns.RECORD_ID, ids)).open(allocator)) {
      while (batches.loadNextBatch()) {
        VectorSchemaRoot root = batches.root();
        for (int r = 0; r < root.getRowCount(); r++) {
          Map<String, Object> row = RowValues.row(root.getFieldVectors(), r);
          rows.put((String) row.get(MetadataColumns.RECORD_ID), row);
        }
      }
    }
    return rows;
  }

  private static String recordId(int row) {
    return String.format("0190a000-0000-7000-8000-%012d", row);
  }

  /**
   * Writes {@code rows} rows of {@code _record_id} (field id 1, ascending) and {@code x} (field id
   * 2, long, null every tenth row), in pages of about 100 rows when {@code smallPages}.
   */
  private static void writeFile(Path path, int rows, boolean smallPages) throws IOException {
    MessageType schema =
        Types.buildMessage()
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .id(1)
            .named(MetadataColumns.RECORD_ID)
            .optional(PrimitiveTypeName.INT64)
            .id(2)
            .named("x")
            .named("table");
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new LocalOutputFile(path))
            .withType(schema)
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .withPageRowCountLimit(smallPages ? 50 : 20_000)
            .withMinRowCountForPageSizeCheck(smallPages ? 10 : 100)
            .withDictionaryEncoding(false)
            .build()) {
      for (int r = 0; r < rows; r++) {
        Group g = groups.newGroup().append(MetadataColumns.RECORD_ID, recordId(r));
        if (r % 10 != 0) {
          g.append("x", (long) r * 11);
        }
        writer.write(g);
      }
    }
  }

  private Path copy(Path file, String name) throws IOException {
    return Files.copy(file, warehouse.resolve(name));
  }

  private static DataFileInfo info(Path file, long rows, Map<Integer, Object> constants)
      throws IOException {
    return new DataFileInfo("file:" + file, file.toString(), rows, Files.size(file), constants);
  }

  private static ScanPlan plan(List<DataFileInfo> files, PlannedColumn... columns) {
    return new ScanPlan(
        TableName.parse("handwritten"), Optional.empty(), List.of(columns), files, 0, false);
  }

  private static PlannedColumn idColumn() {
    return new PlannedColumn(
        1,
        MetadataColumns.RECORD_ID,
        "string",
        true,
        new Field(MetadataColumns.RECORD_ID, FieldType.notNullable(ArrowType.Utf8.INSTANCE), null));
  }

  private static PlannedColumn longColumn(int id, String name) {
    return new PlannedColumn(id, name, "long", false, nullable(name, new ArrowType.Int(64, true)));
  }

  private static Field nullableField(String name) {
    return nullable(name, ArrowType.Utf8.INSTANCE);
  }
}
