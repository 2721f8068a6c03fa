package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.tracelake.proto.v1.ArrowRows;
import dev.tracelake.proto.v1.ColumnList;
import dev.tracelake.proto.v1.ColumnSpec;
import dev.tracelake.proto.v1.CreateTableRequest;
import dev.tracelake.proto.v1.DescribeTableRequest;
import dev.tracelake.proto.v1.JsonRows;
import dev.tracelake.wire.ArrowIpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each bad input gets its status and a message naming the fault, commits nothing, and the server
 * stays up.
 */
class BadInputTest extends IngestServerTestBase {
  private static final int MAX_MESSAGE = 1 << 20;

  @Override
  IngestConfig config() {
    return super.config().withMaxMessageBytes(MAX_MESSAGE);
  }

  @BeforeEach
  void seed() throws Exception {
    createEvents("events");
    try (AppendStream stream = new AppendStream(channel, "events", "seed")) {
      stream.sendJson(0, jsonEvents(0, 3)).take();
      assertThat(stream.finish().isOk()).isTrue();
    }
  }

  private Status failingAppend(AppendStream stream) throws Exception {
    return stream.status(Duration.ofSeconds(30));
  }

  private void assertNothingCommittedAndServerUp() throws Exception {
    assertThat(eventIds("events", null)).containsExactly(0L, 1L, 2L);
    assertThat(snapshotCount("events")).isEqualTo(1);
    assertThat(dataFiles()).hasSize(1);
    // the server still takes good requests
    try (AppendStream stream = new AppendStream(channel, "events", "after")) {
      assertThat(stream.sendJson(0, jsonEvents(100, 1)).take().getRowCount()).isEqualTo(1);
    }
  }

  private List<Path> dataFiles() throws Exception {
    try (Stream<Path> files = Files.walk(warehouse)) {
      return files.filter(p -> p.toString().endsWith(".parquet")).toList();
    }
  }

  @Test
  void unknownTableIsNotFound() throws Exception {
    try (AppendStream stream = new AppendStream(channel, "nope", "w1")) {
      stream.sendJson(0, jsonEvents(0, 1));
      Status status = failingAppend(stream);
      assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
      assertThat(status.getDescription()).startsWith("Table default.nope does not exist");
    }
    assertThatThrownBy(
            () -> stub().describeTable(DescribeTableRequest.newBuilder().setTable("nope").build()))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("NOT_FOUND: Table default.nope does not exist");
    assertNothingCommittedAndServerUp();
  }

  @Test
  void arrowRowsNotMatchingTheSchemaNameColumnAndTypes() throws Exception {
    Schema wrong =
        new Schema(
            List.of(
                new Field("event_id", FieldType.notNullable(new ArrowType.Int(32, true)), null),
                new Field("user", FieldType.nullable(new ArrowType.Int(32, true)), null)));
    try (AppendStream stream = new AppendStream(channel, "events", "w1");
        VectorSchemaRoot batch = VectorSchemaRoot.create(wrong, allocator)) {
      batch.allocateNew();
      ((IntVector) batch.getVector(0)).setSafe(0, 1);
      ((IntVector) batch.getVector(1)).setSafe(0, 2);
      batch.setRowCount(1);
      stream.sendArrow(0, batch);
      Status status = failingAppend(stream);
      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription())
          .isEqualTo(
              "Table default.events: column 'user' expects string but the batch gives Arrow type Int(32, true)");
    }
    assertNothingCommittedAndServerUp();
  }

  @Test
  void nullInRequiredColumnNamesTheRow() throws Exception {
    Schema schema =
        new Schema(
            List.of(
                new Field("event_id", FieldType.nullable(new ArrowType.Int(64, true)), null),
                new Field("user", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
    try (AppendStream stream = new AppendStream(channel, "events", "w1");
        VectorSchemaRoot batch = VectorSchemaRoot.create(schema, allocator)) {
      batch.allocateNew();
      ((org.apache.arrow.vector.BigIntVector) batch.getVector(0)).setSafe(0, 9);
      ((org.apache.arrow.vector.BigIntVector) batch.getVector(0)).setNull(1);
      ((VarCharVector) batch.getVector(1)).setSafe(0, "a".getBytes(StandardCharsets.UTF_8));
      batch.setRowCount(2);
      stream.sendArrow(0, batch);
      Status status = failingAppend(stream);
      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription())
          .contains("column 'event_id' is required but is null at row 1");
    }
    assertNothingCommittedAndServerUp();
  }

  @Test
  void malformedArrowIsInvalidArgument() throws Exception {
    try (AppendStream stream = new AppendStream(channel, "events", "w1")) {
      stream.send(
          stream
              .request(0)
              .setArrowRows(
                  ArrowRows.newBuilder()
                      .setIpcStream(ByteString.copyFromUtf8("definitely not arrow")))
              .build());
      Status status = failingAppend(stream);
      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription())
          .startsWith("Table default.events, offset 0: malformed Arrow IPC stream");
    }
    assertNothingCommittedAndServerUp();
  }

  @Test
  void arrowDeclaringMoreBytesThanItHoldsIsRefusedBeforeAnythingIsAllocated() throws Exception {
    byte[] valid;
    try (VectorSchemaRoot batch = events(500, 100)) {
      valid = ArrowIpc.encode(batch).toByteArray();
    }
    // a continuation marker, then a 1.75 GiB metadata length; and a valid stream cut short
    byte[] huge = {-1, -1, -1, -1, 0, 0, 0, 0x70, 1, 2, 3, 4};
    byte[] truncated = java.util.Arrays.copyOf(valid, valid.length - 40);
    for (byte[] bad : List.of(huge, truncated)) {
      try (AppendStream stream = new AppendStream(channel, "events", "w1")) {
        stream.send(
            stream
                .request(0)
                .setArrowRows(ArrowRows.newBuilder().setIpcStream(ByteString.copyFrom(bad)))
                .build());
        Status status = failingAppend(stream);
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription())
            .startsWith(
                "Table default.events, offset 0: malformed Arrow IPC stream: message at byte")
            .containsPattern(
                bad == huge
                    ? "declares 1879048192 bytes of metadata"
                    : "declares a body of \\d+ bytes");
      }
    }
    assertNothingCommittedAndServerUp();
  }

  @Test
  void malformedOrMistypedJsonNamesTheRow() throws Exception {
    try (AppendStream stream = new AppendStream(channel, "events", "w1")) {
      stream.send(
          stream
              .request(0)
              .setJsonRows(
                  JsonRows.newBuilder().addRows("{\"event_id\": 5}").addRows("{\"event_id\": 6,"))
              .build());
      Status status = failingAppend(stream);
      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription())
          .startsWith("Table default.events: JSON row 1 is malformed");
    }
    try (AppendStream stream = new AppendStream(channel, "events", "w2")) {
      stream.sendJson(0, List.of("{\"event_id\": 5, \"score\": \"high\"}"));
      Status status = failingAppend(stream);
      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription())
          .isEqualTo(
              "Table default.events: JSON row 0: column 'score' expects double, got string 'high'");
    }
    try (AppendStream stream = new AppendStream(channel, "events", "w3")) {
      stream.sendJson(0, List.of("{\"event_id\": 5, \"colour\": \"red\"}"));
      Status status = failingAppend(stream);
      assertThat(status.getDescription())
          .contains("JSON row 0 has field 'colour', which is not a writable column");
    }
    assertNothingCommittedAndServerUp();
  }

  @Test
  void oversizedMessageIsResourceExhausted() throws Exception {
    StringBuilder big = new StringBuilder("{\"event_id\": 1, \"user\": \"");
    big.append("x".repeat(MAX_MESSAGE + 10)).append("\"}");
    try (AppendStream stream = new AppendStream(channel, "events", "w1")) {
      stream.sendJson(0, List.of(big.toString()));
      Status status = failingAppend(stream);
      assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(status.getDescription())
          .contains("exceeds maximum")
          .contains(String.valueOf(MAX_MESSAGE));
    }
    assertNothingCommittedAndServerUp();
  }

  @Test
  void aStreamCarriesOneWriterAndABadWriterIdIsRefused() throws Exception {
    try (AppendStream stream = new AppendStream(channel, "events", "w1")) {
      stream.sendJson(0, jsonEvents(10, 1)).take();
      stream.send(
          stream
              .request(1)
              .setWriterId("w2")
              .setJsonRows(JsonRows.newBuilder().addAllRows(jsonEvents(11, 1)))
              .build());
      Status status = failingAppend(stream);
      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription())
          .contains("one writer and one table")
          .contains("got writer 'w2'");
    }
    try (AppendStream stream = new AppendStream(channel, "events", "bad writer!")) {
      stream.sendJson(0, jsonEvents(12, 1));
      Status status = failingAppend(stream);
      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription()).contains("Invalid writer id 'bad writer!'");
    }
    assertThat(eventIds("events", null)).containsExactly(0L, 1L, 2L, 10L);
  }

  @Test
  void badTableDefinitionsAreRefused() {
    assertThatThrownBy(
            () ->
                stub()
                    .createTable(
                        CreateTableRequest.newBuilder()
                            .setTable("t2")
                            .setColumns(
                                ColumnList.newBuilder()
                                    .addColumns(
                                        ColumnSpec.newBuilder().setName("a").setType("varchar(3)")))
                            .build()))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("INVALID_ARGUMENT: Column 'a': unknown type 'varchar(3)'");
    assertThatThrownBy(() -> createEvents("events"))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessage("ALREADY_EXISTS: Table default.events already exists");
    var again =
        stub()
            .createTable(
                CreateTableRequest.newBuilder()
                    .setTable("events")
                    .setIfNotExists(true)
                    .setColumns(
                        ColumnList.newBuilder()
                            .addColumns(ColumnSpec.newBuilder().setName("x").setType("long")))
                    .build());
    assertThat(again.getCreated()).isFalse();
    assertThat(again.getTable().getColumns(0).getName()).isEqualTo("event_id");
  }
}
