package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.LakeScan;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.PlannedColumn;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Builds a table with a random history (appends, added, renamed and widened columns, tags, a
 * branch) and checks that SQL returns exactly what lake-core's Iceberg reader returns for the same
 * snapshot, at every snapshot and through every kind of version.
 */
class RandomHistoryComparisonTest extends QueryTestBase {
  private static final List<ArrowType> ADDED_TYPES =
      List.of(
          new ArrowType.Int(64, true),
          ArrowType.Utf8.INSTANCE,
          new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE),
          new ArrowType.Int(32, true),
          ArrowType.Bool.INSTANCE,
          new ArrowType.Date(DateUnit.DAY),
          new ArrowType.Decimal(10, 2, 128),
          new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
  private static final List<String> WORDS =
      List.of("alpha", "it's", "\"quoted\"", "ünïcödé", "", "a,b", "back\\slash", "x");

  private Random random;
  private long nextId;
  private int nextColumn;
  private boolean renamed;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {7, 42, 20261101})
  void sqlMatchesTheIcebergReaderAtEverySnapshot(long seed) {
    random = new Random(seed);
    LakeTable table =
        lake.createTable(
            TableName.parse("hist"),
            new Schema(
                List.of(
                    new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
                    new Field("name", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                    new Field("qty", FieldType.nullable(new ArrowType.Int(32, true)), null))));
    // never written: the right columns and no rows
    compare("hist", table.scan());

    int snapshots = 0;
    boolean widened = false;
    while (snapshots < 10) {
      // every history adds and renames a column at least once, at random points
      int step =
          snapshots == 4 && nextColumn == 0
              ? 5
              : snapshots == 7 && !renamed ? 6 : random.nextInt(10);
      if (step < 5 || snapshots == 0) {
        append(table, null);
        snapshots++;
      } else if (step == 5) {
        table.updateSchema().addColumn("c" + nextColumn++, pick(ADDED_TYPES)).commit();
      } else if (step == 6) {
        List<String> renamable = userColumns(table).stream().filter(n -> !n.equals("id")).toList();
        table.updateSchema().renameColumn(pick(renamable), "r" + nextColumn++).commit();
        renamed = true;
      } else if (step == 7 && !widened && hasIntColumn(table)) {
        String column =
            table.arrowSchema().getFields().stream()
                .filter(f -> f.getType().equals(new ArrowType.Int(32, true)))
                .map(Field::getName)
                .findFirst()
                .orElseThrow();
        table.updateSchema().widenColumn(column, new ArrowType.Int(64, true)).commit();
        widened = true;
      } else if (step == 8) {
        table.createTag("tag-" + snapshots + "-" + nextColumn++, head(table));
      } else if (!table.refs().stream().anyMatch(r -> r.name().equals("side"))) {
        table.createBranch("side", head(table));
        append(table, "side");
        snapshots++;
      } else {
        append(table, "side");
        snapshots++;
      }
    }

    for (SnapshotInfo s : table.snapshots()) {
      compare("hist FOR VERSION AS OF " + s.snapshotId(), table.scan().atSnapshot(s.snapshotId()));
      if (random.nextInt(3) == 0) {
        compare(
            "hist FOR TIMESTAMP AS OF TIMESTAMP '" + s.committedAt() + "'",
            table.scan().asOf(s.committedAt()));
      }
      // a random projection in a random order
      List<String> names =
          table.scan().atSnapshot(s.snapshotId()).plan().columns().stream()
              .map(PlannedColumn::name)
              .collect(Collectors.toCollection(ArrayList::new));
      java.util.Collections.shuffle(names, random);
      List<String> some = names.subList(0, 1 + random.nextInt(names.size()));
      compareProjection(s.snapshotId(), some, table);
    }
    for (RefInfo ref : table.refs()) {
      compare("hist FOR VERSION AS OF '" + ref.name() + "'", table.scan().atRef(ref.name()));
    }
    compare("hist", table.scan());
  }

  private void compare(String relation, LakeScan scan) {
    Answer sql = query("SELECT * FROM " + relation);
    List<String> expectedColumns = scan.plan().columns().stream().map(PlannedColumn::name).toList();
    assertThat(sql.columns()).as(relation).isEqualTo(expectedColumns);
    assertThat(sorted(sql.rows())).as(relation).isEqualTo(sorted(lakeRows(scan)));
  }

  private void compareProjection(long snapshotId, List<String> columns, LakeTable table) {
    String list = columns.stream().map(SqlText::identifier).collect(Collectors.joining(", "));
    Answer sql = query("SELECT " + list + " FROM hist FOR VERSION AS OF " + snapshotId);
    assertThat(sorted(sql.rows()))
        .as("%s at %d", columns, snapshotId)
        .isEqualTo(sorted(lakeRows(table.scan().atSnapshot(snapshotId).select(columns))));
  }

  private void append(LakeTable table, String branch) {
    List<Field> fields =
        table.arrowSchema().getFields().stream().filter(f -> !f.getName().startsWith("_")).toList();
    int rows = 5 + random.nextInt(40);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator)) {
      root.allocateNew();
      for (FieldVector vector : root.getFieldVectors()) {
        for (int r = 0; r < rows; r++) {
          fill(vector, r);
        }
      }
      root.setRowCount(rows);
      if (branch == null) {
        table.append(PROV, root);
      } else {
        try (PendingAppend append = table.newAppend(PROV, branch)) {
          append.write(root);
          append.commit();
        }
      }
    }
  }

  private void fill(FieldVector vector, int row) {
    if (vector.getName().equals("id")) {
      ((BigIntVector) vector).setSafe(row, nextId++);
      return;
    }
    if (random.nextInt(8) == 0) {
      vector.setNull(row);
      return;
    }
    if (vector instanceof BigIntVector v) {
      v.setSafe(row, random.nextLong());
    } else if (vector instanceof IntVector v) {
      v.setSafe(row, random.nextInt());
    } else if (vector instanceof VarCharVector v) {
      v.setSafe(row, (pick(WORDS) + random.nextInt(100)).getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof Float8Vector v) {
      v.setSafe(row, random.nextInt(1_000_000) / 8.0 - 1000);
    } else if (vector instanceof BitVector v) {
      v.setSafe(row, random.nextBoolean() ? 1 : 0);
    } else if (vector instanceof DateDayVector v) {
      v.setSafe(row, 18_000 + random.nextInt(3_000));
    } else if (vector instanceof DecimalVector v) {
      v.setSafe(row, BigDecimal.valueOf(random.nextInt(10_000_000) - 5_000_000, 2));
    } else if (vector instanceof TimeStampMicroTZVector v) {
      v.setSafe(row, 1_700_000_000_000_000L + random.nextInt(Integer.MAX_VALUE) * 1000L);
    } else {
      throw new IllegalStateException("No random values for " + vector.getField());
    }
  }

  private static List<String> userColumns(LakeTable table) {
    return table.arrowSchema().getFields().stream()
        .map(Field::getName)
        .filter(n -> !n.startsWith("_"))
        .toList();
  }

  private static boolean hasIntColumn(LakeTable table) {
    return table.arrowSchema().getFields().stream()
        .anyMatch(f -> f.getType().equals(new ArrowType.Int(32, true)));
  }

  private static long head(LakeTable table) {
    return table.scan().snapshot().orElseThrow().snapshotId();
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
