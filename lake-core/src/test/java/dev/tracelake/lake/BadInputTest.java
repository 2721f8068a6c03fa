package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every bad input fails with a message naming the fault and commits nothing. */
class BadInputTest extends LakeTestBase {
  private LakeTable table;
  private List<SnapshotInfo> snapshotsBefore;
  private List<Path> filesBefore;

  @BeforeEach
  void seed() {
    table = events();
    appendEvents(table, 0, 10);
    snapshotsBefore = table.snapshots();
    filesBefore = dataFiles();
  }

  private void assertNothingCommitted() {
    assertThat(table.snapshots()).isEqualTo(snapshotsBefore);
    assertThat(dataFiles()).isEqualTo(filesBefore);
    assertThat(eventIds(table.scan())).hasSize(10);
  }

  @Test
  void unknownTable() {
    assertThatThrownBy(() -> lake.table(TableName.parse("nope")))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("Table default.nope does not exist")
        .extracting(e -> ((LakeException) e).kind())
        .isEqualTo(ErrorKind.NOT_FOUND);
  }

  @Test
  void typeMismatchNamesColumnExpectedAndGiven() {
    Schema wrong =
        new Schema(
            List.of(
                new Field("event_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
                new Field("user", FieldType.nullable(new ArrowType.Int(32, true)), null)));
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(wrong, allocator)) {
      batch.allocateNew();
      batch.setRowCount(0);
      assertThatThrownBy(() -> table.append(PROV, batch))
          .isInstanceOf(LakeException.class)
          .hasMessage(
              "Table default.events: column 'user' expects string but the batch gives Arrow type Int(32, true)")
          .extracting(e -> ((LakeException) e).kind())
          .isEqualTo(ErrorKind.INVALID_ARGUMENT);
    }
    assertNothingCommitted();
  }

  @Test
  void missingRequiredColumn() {
    try (VectorSchemaRoot batch = TestBatches.ints(allocator, "amount_cents", 1)) {
      assertThatThrownBy(() -> table.append(PROV, batch))
          .isInstanceOf(LakeException.class)
          .hasMessageContaining("has no column 'amount_cents'");
    }
    Schema onlyUser =
        new Schema(List.of(new Field("user", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(onlyUser, allocator)) {
      batch.allocateNew();
      batch.setRowCount(0);
      assertThatThrownBy(() -> table.append(PROV, batch))
          .isInstanceOf(LakeException.class)
          .hasMessage(
              "Table default.events: required column 'event_id' (long) is missing from the batch");
    }
    assertNothingCommitted();
  }

  @Test
  void nullInRequiredColumnNamesColumnAndRow() {
    try (VectorSchemaRoot good = TestBatches.events(allocator, 100, 5);
        VectorSchemaRoot bad = TestBatches.events(allocator, 200, 5)) {
      ((BigIntVector) bad.getVector("event_id")).setNull(3);
      assertThatThrownBy(() -> table.append(PROV, good, bad))
          .isInstanceOf(LakeException.class)
          .hasMessage(
              "Table default.events: column 'event_id' is required but is null at row 3 of the batch (row 8 of the append)");
    }
    assertNothingCommitted();
  }

  @Test
  void reservedMetadataColumnsCannotBeWritten() {
    try (VectorSchemaRoot batch = TestBatches.ints(allocator, "_model_version", 1)) {
      assertThatThrownBy(() -> table.append(PROV, batch))
          .isInstanceOf(LakeException.class)
          .hasMessageContaining("column '_model_version' is set by Tracelake");
    }
    assertNothingCommitted();
  }

  @Test
  void aFailedAppendCannotBeCommitted() {
    try (PendingAppend append = table.newAppend(PROV);
        VectorSchemaRoot good = TestBatches.events(allocator, 100, 5);
        VectorSchemaRoot bad = TestBatches.events(allocator, 200, 5)) {
      append.write(good);
      ((BigIntVector) bad.getVector("event_id")).setNull(0);
      assertThatThrownBy(() -> append.write(bad)).isInstanceOf(LakeException.class);
      assertThatThrownBy(append::commit)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Append to default.events is failed");
    }
    assertNothingCommitted();
  }

  @Test
  void badTableSchemasAndNames() {
    Schema reserved =
        new Schema(
            List.of(new Field("_secret", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
    assertThatThrownBy(() -> lake.createTable(TableName.parse("t2"), reserved))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("column '_secret' starts with '_'");
    Schema unsupported =
        new Schema(
            List.of(
                new Field(
                    "d",
                    FieldType.nullable(
                        new ArrowType.Duration(org.apache.arrow.vector.types.TimeUnit.SECOND)),
                    null)));
    assertThatThrownBy(() -> lake.createTable(TableName.parse("t3"), unsupported))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("column 'd' has Arrow type Duration(SECOND)");
    assertThatThrownBy(() -> lake.createTable(TableName.parse("events"), TestBatches.EVENTS))
        .isInstanceOf(LakeException.class)
        .hasMessage("Table default.events already exists");
    assertThatThrownBy(() -> TableName.parse("a.b.c"))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("Invalid table name 'a.b.c'");
    assertThat(lake.tables()).containsExactly(TableName.parse("events"));
  }
}
