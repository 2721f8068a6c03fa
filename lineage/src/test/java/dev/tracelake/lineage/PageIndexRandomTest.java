package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.DataFileInfo;
import dev.tracelake.lake.Filter;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lake.TableName;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The page-index reader against lake-core's scan, on random data: many snapshots, small pages whose
 * boundaries differ from column to column (a long-string column fills its byte-limited pages long
 * before the numbers do), and records citing several inputs each, in the same page, in neighbouring
 * pages and far apart, at the snapshot that wrote them or a later one. Every answer must be the
 * scan's, row for row.
 *
 * <p>Written for issue 16: parquet-java's column reader returned the row after the previous wanted
 * one when the last wanted row lay in a later page, and explain reported such inputs missing.
 */
class PageIndexRandomTest {
  private static final Schema FEATURES =
      new Schema(
          List.of(
              new Field("entity", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
              new Field(
                  "amount",
                  FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                  null),
              new Field("note", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
              new Field(
                  "tags",
                  FieldType.nullable(ArrowType.List.INSTANCE),
                  List.of(
                      new Field("element", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)))));

  @TempDir Path warehouse;

  @ParameterizedTest
  @ValueSource(longs = {16L, 20261207L})
  void pageIndexReadsWhatTheScanReads(long seed) throws IOException {
    Random random = new Random(seed);
    int pageRows = List.of(137, 400, 1000).get(random.nextInt(3));
    LakeConfig config =
        LakeConfig.builder()
            .warehouse(warehouse.toString())
            .catalogProperty("table-override.write.parquet.page-row-limit", "" + pageRows)
            .catalogProperty("table-override.write.parquet.page-size-bytes", "2048")
            .catalogProperty("table-override.write.parquet.dict-size-bytes", "4096")
            .build();
    try (org.apache.arrow.memory.RootAllocator allocator =
            new org.apache.arrow.memory.RootAllocator();
        Lake lake = Lake.open(config);
        Lineage byPages = Lineage.open(lake, LineageOptions.defaults().withManualRefresh());
        Lineage byScan = Lineage.open(lake, LineageOptions.defaults().withManualRefresh())) {
      PageIndexRowSource.attachTo(byPages, lake);
      LakeTable features = lake.createTable(TableName.parse("features"), FEATURES);
      List<String> ids = new ArrayList<>();
      List<Long> committedIn = new ArrayList<>();
      List<Long> snapshots = new ArrayList<>();
      int appends = 5 + random.nextInt(3);
      for (int a = 0; a < appends; a++) {
        int rows = 200 + random.nextInt(700);
        List<String> json = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
          json.add(featureRow(random, ids.size() + r).toString());
        }
        long snapshot = append(features, json, allocator, ids);
        snapshots.add(snapshot);
        while (committedIn.size() < ids.size()) {
          committedIn.add(snapshot);
        }
      }
      assertThat(pageBoundariesDiffer(features.scan().plan()))
          .as("columns of some file have different page boundaries")
          .isTrue();

      // 1. the reader itself: random sets of ids visible at a random snapshot
      PageIndexRowSource source = PageIndexRowSource.of(lake);
      for (int t = 0; t < 40; t++) {
        int at = random.nextInt(snapshots.size());
        List<String> wanted = pick(random, ids, committedIn, snapshots.get(at), pageRows);
        ScanPlan plan = features.scan().atSnapshot(snapshots.get(at)).plan();
        Map<String, Map<String, Object>> pages = new HashMap<>();
        source.read(plan, wanted, allocator, root -> collect(root, pages));
        assertThat(pages)
            .as("seed %d, ids %s at snapshot %d", seed, wanted, snapshots.get(at))
            .isEqualTo(scan(features, snapshots.get(at), wanted, allocator));
      }

      // 2. explain of records citing several inputs each, at their own or a later snapshot
      LakeTable predictions =
          lake.createTable(
              TableName.parse("predictions"),
              new Schema(
                  List.of(
                      new Field(
                          "score",
                          FieldType.nullable(
                              new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                          null))));
      List<String> scored = new ArrayList<>();
      List<String> json = new ArrayList<>();
      int predictionCount = 60;
      for (int p = 0; p < predictionCount; p++) {
        ObjectNode row = LineageTestBase.JSON.createObjectNode();
        row.put("score", random.nextDouble());
        ArrayNode lineage = row.putArray("_lineage");
        int from = random.nextInt(snapshots.size());
        for (String id : pick(random, ids, committedIn, snapshots.get(from), pageRows)) {
          long own = committedIn.get(ids.indexOf(id));
          int earliest = snapshots.indexOf(own);
          long cited = snapshots.get(earliest + random.nextInt(snapshots.size() - earliest));
          ObjectNode ref = lineage.addObject();
          ref.put("table", "default.features");
          ref.put("record_id", id);
          ref.put("snapshot_id", cited);
        }
        json.add(row.toString());
      }
      append(predictions, json, allocator, scored);
      byPages.catchUp();
      byScan.catchUp();
      int inputs = 0;
      for (String id : scored) {
        RecordKey key = RecordKey.of("default.predictions", id);
        Explanation pages = byPages.explain(key);
        Explanation scan = byScan.explain(key);
        assertThat(pages.problems()).as("seed %d, record %s", seed, id).isEmpty();
        assertThat(pages.root())
            .as("seed %d, record %s", seed, id)
            .usingRecursiveComparison()
            .isEqualTo(scan.root());
        for (ExplainNode input : pages.root().inputs()) {
          assertThat(input.state()).isEqualTo(NodeState.PRESENT);
          assertThat(input.values())
              .containsEntry(MetadataColumns.RECORD_ID, input.key().recordId());
          inputs++;
        }
      }
      assertThat(inputs).isGreaterThan(2 * predictionCount);
    }
  }

  private static ObjectNode featureRow(Random random, int n) {
    ObjectNode row = LineageTestBase.JSON.createObjectNode();
    row.put("entity", "e" + n);
    if (random.nextInt(9) != 0) {
      row.put("amount", n * 0.5);
    }
    if (random.nextInt(4) != 0) {
      // long and uneven, so this column's byte-limited pages end at other rows than the rest's
      row.put("note", ("n" + n + "-").repeat(1 + random.nextInt(40)));
    }
    if (random.nextInt(3) != 0) {
      ArrayNode tags = row.putArray("tags");
      for (int t = random.nextInt(4); t > 0; t--) {
        tags.add("t" + random.nextInt(50));
      }
    }
    return row;
  }

  /**
   * Picks 2 to 7 ids of records committed at or before {@code visibleAt}: neighbours within a page,
   * records a page or two apart, and records anywhere.
   */
  private static List<String> pick(
      Random random, List<String> ids, List<Long> committedIn, long visibleAt, int pageRows) {
    int visible = committedIn.lastIndexOf(visibleAt) + 1;
    Set<String> wanted = new HashSet<>();
    int n = 2 + random.nextInt(6);
    int base = random.nextInt(visible);
    while (wanted.size() < Math.min(n, visible)) {
      int at =
          switch (random.nextInt(3)) {
            case 0 -> base + random.nextInt(5) - 2;
            case 1 ->
                base
                    + (random.nextBoolean() ? 1 : -1)
                        * (pageRows / 2 + random.nextInt(2 * pageRows));
            default -> random.nextInt(visible);
          };
      if (at >= 0 && at < visible) {
        wanted.add(ids.get(at));
      }
    }
    return new ArrayList<>(wanted);
  }

  private static long append(
      LakeTable table,
      List<String> json,
      org.apache.arrow.memory.BufferAllocator allocator,
      List<String> ids) {
    try (VectorSchemaRoot batch = table.batchChecker().fromJson(json, allocator);
        PendingAppend append = table.newAppend(LineageTestBase.FEATURE_JOB)) {
      ids.addAll(append.write(batch));
      return append.commit().snapshotId();
    }
  }

  private static void collect(VectorSchemaRoot root, Map<String, Map<String, Object>> rows) {
    for (int r = 0; r < root.getRowCount(); r++) {
      Map<String, Object> row = RowValues.row(root.getFieldVectors(), r);
      rows.put((String) row.get(MetadataColumns.RECORD_ID), row);
    }
  }

  private static Map<String, Map<String, Object>> scan(
      LakeTable table,
      long snapshot,
      List<String> ids,
      org.apache.arrow.memory.BufferAllocator allocator) {
    Map<String, Map<String, Object>> rows = new HashMap<>();
    try (ScanBatches batches =
        table
            .scan()
            .atSnapshot(snapshot)
            .filter(Filter.in(MetadataColumns.RECORD_ID, ids))
            .open(allocator)) {
      while (batches.loadNextBatch()) {
        collect(batches.root(), rows);
      }
    }
    return rows;
  }

  /** Whether two columns of some data file start their pages at different rows. */
  private static boolean pageBoundariesDiffer(ScanPlan plan) throws IOException {
    for (DataFileInfo file : plan.files()) {
      Path path = Path.of(java.net.URI.create(file.location()));
      try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(path))) {
        Set<List<Long>> layouts = new HashSet<>();
        for (ColumnChunkMetaData chunk : reader.getRowGroups().get(0).getColumns()) {
          OffsetIndex index = reader.readOffsetIndex(chunk);
          List<Long> firstRows = new ArrayList<>();
          for (int p = 0; p < index.getPageCount(); p++) {
            firstRows.add(index.getFirstRowIndex(p));
          }
          layouts.add(firstRows);
        }
        if (layouts.size() > 1) {
          return true;
        }
      }
    }
    return false;
  }
}
