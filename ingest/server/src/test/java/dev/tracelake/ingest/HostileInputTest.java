package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.tracelake.proto.v1.AppendRowsRequest;
import dev.tracelake.proto.v1.ArrowRows;
import dev.tracelake.proto.v1.ColumnList;
import dev.tracelake.proto.v1.ColumnSpec;
import dev.tracelake.proto.v1.CreateTableRequest;
import dev.tracelake.proto.v1.DescribeTableRequest;
import dev.tracelake.proto.v1.GetWriterOffsetRequest;
import dev.tracelake.proto.v1.JsonRows;
import dev.tracelake.proto.v1.Provenance;
import dev.tracelake.wire.ArrowIpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Hostile and malformed requests, table-driven, each class of issue 15 with several cases. Every
 * case asserts: the documented status and reason, a message under the size bound that names what is
 * at fault, google.rpc details a client can act on, the server still SERVING, and the existing
 * tables unchanged.
 */
class HostileInputTest extends IngestServerTestBase {
  private static final String NUL = "\u0000";
  private static final int WRITER_SEQ_START = 0;

  private final AtomicInteger writers = new AtomicInteger(WRITER_SEQ_START);
  private List<Long> eventsBefore;
  private int eventsSnapshotsBefore;
  private int typedSnapshotsBefore;

  /** One hostile request: what it does, and what the answer must be. */
  private record Case(
      String name,
      Status.Code code,
      String reason,
      String field,
      String messageContains,
      Action action) {}

  @FunctionalInterface
  private interface Action {
    Throwable run() throws Exception;
  }

  @BeforeEach
  void tables() throws Exception {
    createEvents("events");
    stub()
        .createTable(
            CreateTableRequest.newBuilder()
                .setTable("typed")
                .setColumns(
                    ColumnList.newBuilder()
                        .addColumns(column("amount", "decimal(10, 2)"))
                        .addColumns(column("ratio", "float"))
                        .addColumns(column("day", "date"))
                        .addColumns(column("at", "timestamptz"))
                        .addColumns(column("n", "long")))
                .build());
    try (AppendStream s = new AppendStream(channel, "events", "seed")) {
      s.sendJson(0, jsonEvents(0, 3));
      assertThat(s.take().getRowCount()).isEqualTo(3);
    }
    eventsBefore = eventIds("events", null);
    eventsSnapshotsBefore = snapshotCount("events");
    typedSnapshotsBefore = snapshotCount("typed");
  }

  private static ColumnSpec.Builder column(String name, String type) {
    return ColumnSpec.newBuilder().setName(name).setType(type);
  }

  @TestFactory
  Stream<DynamicTest> everyHostileRequestGetsADocumentedStatusAndChangesNothing() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> assertAnswered(c)));
  }

  private List<Case> cases() {
    String huge = "t".repeat(40_000);
    List<Case> cases = new ArrayList<>();
    // 1. strings that would end up in metadata or partition values, poisoning the table for good
    cases.add(
        append(
            "NUL in run_id",
            "INVALID_ARGUMENT",
            "provenance.run_id",
            "run_id",
            prov(p -> p.setRunId("run" + NUL + "7"))));
    cases.add(
        append(
            "escape in code_commit",
            "INVALID_ARGUMENT",
            "provenance.code_commit",
            "control character",
            prov(p -> p.setCodeCommit("abc\u001b[31m"))));
    cases.add(
        append(
            "C1 control character in model_name",
            "INVALID_ARGUMENT",
            "provenance.model_name",
            "U+0085",
            prov(p -> p.setModelName("fraud\u0085"))));
    cases.add(
        append(
            "model_version too long for a directory name",
            "INVALID_ARGUMENT",
            "provenance.model_version",
            "URL-encoded",
            prov(p -> p.setModelVersion("v".repeat(300)))));
    cases.add(
        append(
            "producer of a megabyte",
            "INVALID_ARGUMENT",
            "provenance.producer",
            "1048576 characters",
            prov(p -> p.setProducer("p".repeat(1 << 20)))));
    cases.add(
        append(
            "NUL in a branch name",
            "INVALID_ARGUMENT",
            "branch",
            "control character",
            r -> r.setBranch("ma" + NUL + "in")));
    cases.add(
        json(
            "NUL in a given record id",
            "INVALID_ARGUMENT",
            "",
            "control character",
            List.of("{\"event_id\": 1, \"_record_id\": \"id\\u00001\"}")));
    // 2. schemas no reader can read
    cases.add(create("empty column name", "columns.columns[0].name", "empty", col("", "long")));
    cases.add(create("blank column name", "columns.columns[0].name", "blank", col("   ", "long")));
    cases.add(
        create(
            "NUL in a column name", "columns.columns[0].name", "control", col("a" + NUL, "long")));
    cases.add(
        create(
            "column name of a megabyte",
            "columns.columns[0].name",
            "1048576 characters",
            col("c".repeat(1 << 20), "long")));
    cases.add(
        create("decimal(0,0)", "columns.columns[0]", "decimal(0, 0)", col("d", "decimal(0,0)")));
    cases.add(
        create("decimal(10,20)", "columns.columns[0]", "decimal(10", col("d", "decimal(10,20)")));
    cases.add(create("fixed[0]", "columns.columns[0]", "fixed[0]", col("f", "fixed[0]")));
    cases.add(
        create(
            "duplicate column names",
            "columns.columns[0].name",
            "'a' and 'a'",
            col("a", "long"),
            col("a", "long")));
    cases.add(
        create(
            "columns differing only in case",
            "columns.columns[1].name",
            "'a' and 'A'",
            col("a", "long"),
            col("A", "string")));
    cases.add(
        create("a dot in a column name", "columns.columns[0].name", "'.'", col("a.b", "long")));
    cases.add(
        arrowSchema(
            "duplicate struct children",
            Status.Code.INVALID_ARGUMENT,
            "'x' and 'x'",
            new Schema(List.of(struct("s", leaf("x"), leaf("x"))))));
    cases.add(
        arrowSchema(
            "a struct without fields",
            Status.Code.INVALID_ARGUMENT,
            "without fields",
            new Schema(List.of(struct("s")))));
    cases.add(
        arrowSchema(
            "lists nested 100 deep",
            Status.Code.RESOURCE_EXHAUSTED,
            "32 levels",
            new Schema(List.of(nestedLists(100)))));
    cases.add(
        arrowSchema(
            "lists nested 20 deep",
            Status.Code.INVALID_ARGUMENT,
            "16 levels",
            new Schema(List.of(nestedLists(20)))));
    // 3. unbounded echo
    cases.add(
        new Case(
            "40,000-character table name in CreateTable",
            Status.Code.INVALID_ARGUMENT,
            "ERROR_REASON_INVALID_ARGUMENT",
            "table",
            "(40000 characters)",
            () ->
                unary(
                    () ->
                        stub()
                            .createTable(
                                CreateTableRequest.newBuilder()
                                    .setTable(huge)
                                    .setColumns(
                                        ColumnList.newBuilder().addColumns(col("a", "long")))
                                    .build()))));
    cases.add(
        new Case(
            "40,000-character table name in DescribeTable",
            Status.Code.INVALID_ARGUMENT,
            "ERROR_REASON_INVALID_ARGUMENT",
            "table",
            "(40000 characters)",
            () ->
                unary(
                    () ->
                        stub()
                            .describeTable(
                                DescribeTableRequest.newBuilder()
                                    .setTable("ns." + huge)
                                    .build()))));
    cases.add(
        new Case(
            "40,000-character table name in AppendRows",
            Status.Code.INVALID_ARGUMENT,
            "ERROR_REASON_INVALID_ARGUMENT",
            "table",
            "(40000 characters)",
            () -> stream(huge + ".x", "w", s -> s.sendJson(0, jsonEvents(0, 1)))));
    cases.add(
        new Case(
            "40,000-character writer id",
            Status.Code.INVALID_ARGUMENT,
            "ERROR_REASON_INVALID_ARGUMENT",
            "writer_id",
            "(40000 characters)",
            () -> stream("events", huge, s -> s.sendJson(0, jsonEvents(0, 1)))));
    cases.add(
        create(
            "type name of 40,000 characters",
            "columns.columns[0].type",
            "(40000 characters)",
            col("a", huge)));
    // 4. resource bombs in tiny requests
    cases.add(
        new Case(
            "24-byte schema declaring 2 GiB",
            Status.Code.INVALID_ARGUMENT,
            "ERROR_REASON_INVALID_ARGUMENT",
            "arrow_schema",
            "declares 2147483632 bytes",
            () ->
                unary(
                    () ->
                        stub()
                            .createTable(
                                CreateTableRequest.newBuilder()
                                    .setTable("bomb")
                                    .setArrowSchema(ByteString.copyFrom(bomb()))
                                    .build()))));
    cases.add(
        arrowSchema(
            "schema nested 5,000 levels", Status.Code.RESOURCE_EXHAUSTED, "32 levels", null));
    cases.add(
        new Case(
            "rows stream declaring 2 GiB",
            Status.Code.INVALID_ARGUMENT,
            "ERROR_REASON_INVALID_ARGUMENT",
            "arrow_rows.ipc_stream",
            "declares 2147483632 bytes",
            () ->
                stream(
                    "events",
                    writer(),
                    s ->
                        s.send(
                            s.request(0)
                                .setArrowRows(
                                    ArrowRows.newBuilder()
                                        .setIpcStream(ByteString.copyFrom(bomb())))
                                .build()))));
    cases.add(
        json(
            "decimal 1e10000000",
            "INVALID_ARGUMENT",
            "typed",
            "digits before the point",
            List.of("{\"amount\": \"1e10000000\"}")));
    cases.add(
        json(
            "decimal 1e-10000000",
            "INVALID_ARGUMENT",
            "typed",
            "digits after the point",
            List.of("{\"amount\": \"1e-10000000\"}")));
    cases.add(
        json(
            "JSON nested 10,000 deep",
            "INVALID_ARGUMENT",
            "typed",
            "malformed",
            List.of("{\"n\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}")));
    cases.add(
        json(
            "number of 10,000 digits",
            "INVALID_ARGUMENT",
            "typed",
            "malformed",
            List.of("{\"n\": " + "9".repeat(10_000) + "}")));
    // 5. silent wrong values
    cases.add(
        json(
            "date in year 466210",
            "INVALID_ARGUMENT",
            "typed",
            "years 1 to 9999",
            List.of("{\"day\": \"+466210-01-01\"}")));
    cases.add(
        json(
            "1e300 in a float column",
            "INVALID_ARGUMENT",
            "typed",
            "32-bit float",
            List.of("{\"ratio\": 1e300}")));
    cases.add(
        json(
            "timestamp far out of range",
            "INVALID_ARGUMENT",
            "typed",
            "years 1 to 9999",
            List.of("{\"at\": \"+999999999-12-31T00:00:00Z\"}")));
    cases.add(
        json(
            "timestamp micros far out of range",
            "INVALID_ARGUMENT",
            "typed",
            "years 1 to 9999",
            List.of("{\"at\": 9223372036854775807}")));
    cases.add(
        new Case(
            "Arrow date in year 466210",
            Status.Code.INVALID_ARGUMENT,
            "ERROR_REASON_INVALID_ARGUMENT",
            null,
            "outside the years 1 to 9999",
            () ->
                stream(
                    "typed",
                    writer(),
                    s -> {
                      try (VectorSchemaRoot b = farDate()) {
                        s.sendArrow(0, b);
                      }
                    })));
    cases.add(
        new Case(
            "Arrow timestamp far out of range",
            Status.Code.INVALID_ARGUMENT,
            "ERROR_REASON_INVALID_ARGUMENT",
            null,
            "outside the years 1 to 9999",
            () ->
                stream(
                    "typed",
                    writer(),
                    s -> {
                      try (VectorSchemaRoot b = farTimestamp()) {
                        s.sendArrow(0, b);
                      }
                    })));
    // 6. lineage entries
    cases.add(
        json(
            "lineage input with a blank table",
            "INVALID_ARGUMENT",
            "",
            "names no table",
            List.of(lineageRow("\"   \"", "\"r1\"", null))));
    cases.add(
        json(
            "lineage input table that does not exist",
            "INVALID_ARGUMENT",
            "",
            "nope, which does not exist",
            List.of(lineageRow("\"nope\"", "\"r1\"", null))));
    cases.add(
        json(
            "lineage snapshot of another history",
            "INVALID_ARGUMENT",
            "",
            "snapshot 123 of table events",
            List.of(lineageRow("\"events\"", "\"r1\"", 123L))));
    cases.add(
        json(
            "lineage input with a blank record id",
            "INVALID_ARGUMENT",
            "",
            "names no record id",
            List.of(lineageRow("\"events\"", "\" \"", null))));
    // 12. statuses and contract
    cases.add(
        new Case(
            "offset gap",
            Status.Code.OUT_OF_RANGE,
            "ERROR_REASON_OFFSET_OUT_OF_RANGE",
            "offset",
            "expected offset 0, given 5",
            () -> stream("events", writer(), s -> s.sendJson(5, jsonEvents(0, 1)))));
    cases.add(
        new Case(
            "zero-row append",
            Status.Code.INVALID_ARGUMENT,
            "ERROR_REASON_INVALID_ARGUMENT",
            "rows",
            "carries no rows",
            () -> stream("events", writer(), s -> s.sendJson(0, List.of()))));
    cases.add(
        new Case(
            "bytes after the end-of-stream marker",
            Status.Code.INVALID_ARGUMENT,
            "ERROR_REASON_INVALID_ARGUMENT",
            "arrow_rows.ipc_stream",
            "follow the end-of-stream",
            () ->
                stream(
                    "events",
                    writer(),
                    s ->
                        s.send(
                            s.request(0)
                                .setArrowRows(
                                    ArrowRows.newBuilder().setIpcStream(trailingGarbage()))
                                .build()))));
    cases.add(
        new Case(
            "GetWriterOffset on a missing branch",
            Status.Code.NOT_FOUND,
            "ERROR_REASON_NOT_FOUND",
            "branch",
            "no branch 'nope'",
            () ->
                unary(
                    () ->
                        stub()
                            .getWriterOffset(
                                GetWriterOffsetRequest.newBuilder()
                                    .setTable("events")
                                    .setWriterId("w")
                                    .setBranch("nope")
                                    .build()))));
    cases.add(
        new Case(
            "a table named in another case",
            Status.Code.ALREADY_EXISTS,
            "ERROR_REASON_ALREADY_EXISTS",
            "table",
            "table default.events exists",
            () ->
                unary(
                    () ->
                        stub()
                            .createTable(
                                CreateTableRequest.newBuilder()
                                    .setTable("EVENTS")
                                    .setColumns(
                                        ColumnList.newBuilder().addColumns(col("a", "long")))
                                    .build()))));
    return cases;
  }

  // ---- the assertions every case makes

  private void assertAnswered(Case c) throws Exception {
    Throwable error = c.action().run();
    assertThat(error).as(c.name()).isNotNull();
    Status status = Status.fromThrowable(error);
    assertThat(status.getCode()).as(c.name() + ": " + status).isEqualTo(c.code());
    String message = status.getDescription();
    assertThat(message).as(c.name()).isNotNull().hasSizeLessThanOrEqualTo(1024);
    assertThat(message).as(c.name()).contains(c.messageContains());
    com.google.rpc.Status details = StatusProto.fromThrowable(error);
    assertThat(details).as(c.name() + ": google.rpc.Status details").isNotNull();
    ErrorInfo info = unpack(details.getDetailsList(), ErrorInfo.class);
    assertThat(info).as(c.name() + ": ErrorInfo").isNotNull();
    assertThat(info.getDomain()).isEqualTo(GrpcErrors.DOMAIN);
    assertThat(info.getReason()).as(c.name()).isEqualTo(c.reason());
    if (c.field() != null) {
      assertThat(info.getMetadataMap().get("field")).as(c.name()).startsWith(c.field());
    }
    if (c.code() == Status.Code.INVALID_ARGUMENT) {
      BadRequest bad = unpack(details.getDetailsList(), BadRequest.class);
      assertThat(bad.getFieldViolationsList()).as(c.name()).hasSize(1);
    }
    if (c.code() == Status.Code.OUT_OF_RANGE) {
      assertThat(info.getMetadataMap()).containsEntry("expected_offset", "0");
    }
    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.newBuilder().setService("").build())
                .getStatus())
        .as(c.name() + ": health after the case")
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(eventIds("events", null)).as(c.name()).isEqualTo(eventsBefore);
    assertThat(snapshotCount("events")).as(c.name()).isEqualTo(eventsSnapshotsBefore);
    assertThat(snapshotCount("typed")).as(c.name()).isEqualTo(typedSnapshotsBefore);
    assertThat(lake.tables().toString()).as(c.name()).doesNotContain("bomb");
  }

  private static <T extends com.google.protobuf.Message> T unpack(List<Any> details, Class<T> type)
      throws InvalidProtocolBufferException {
    for (Any any : details) {
      if (any.is(type)) {
        return any.unpack(type);
      }
    }
    return null;
  }

  // ---- case builders

  private String writer() {
    return "hostile-" + writers.incrementAndGet();
  }

  @FunctionalInterface
  private interface Edit {
    void apply(AppendRowsRequest.Builder request);
  }

  private static Edit prov(java.util.function.Consumer<Provenance.Builder> edit) {
    return r -> {
      Provenance.Builder p = AppendStream.PROV.toBuilder();
      edit.accept(p);
      r.setProvenance(p);
    };
  }

  private Case append(String name, String kind, String field, String contains, Edit edit) {
    return new Case(
        name,
        Status.Code.valueOf(kind),
        "ERROR_REASON_" + kind,
        field,
        contains,
        () ->
            stream(
                "events",
                writer(),
                s -> {
                  AppendRowsRequest.Builder r =
                      s.request(0).setJsonRows(JsonRows.newBuilder().addAllRows(jsonEvents(0, 1)));
                  edit.apply(r);
                  s.send(r.build());
                }));
  }

  private Case json(String name, String kind, String table, String contains, List<String> rows) {
    String target = table.isEmpty() ? "events" : table;
    return new Case(
        name,
        Status.Code.valueOf(kind),
        "ERROR_REASON_" + kind,
        null,
        contains,
        () -> stream(target, writer(), s -> s.sendJson(0, rows)));
  }

  private static String lineageRow(String table, String recordId, Long snapshot) {
    return "{\"event_id\": 9, \"_lineage\": [{\"table\": "
        + table
        + ", \"record_id\": "
        + recordId
        + (snapshot == null ? "" : ", \"snapshot_id\": " + snapshot)
        + "}]}";
  }

  private static ColumnSpec col(String name, String type) {
    return ColumnSpec.newBuilder().setName(name).setType(type).build();
  }

  private Case create(String name, String field, String contains, ColumnSpec... columns) {
    return new Case(
        name,
        Status.Code.INVALID_ARGUMENT,
        "ERROR_REASON_INVALID_ARGUMENT",
        field,
        contains,
        () ->
            unary(
                () ->
                    stub()
                        .createTable(
                            CreateTableRequest.newBuilder()
                                .setTable("bomb")
                                .setColumns(ColumnList.newBuilder().addAllColumns(List.of(columns)))
                                .build())));
  }

  private Case arrowSchema(String name, Status.Code code, String contains, Schema schema) {
    return new Case(
        name,
        code,
        code == Status.Code.INVALID_ARGUMENT
            ? "ERROR_REASON_INVALID_ARGUMENT"
            : "ERROR_REASON_RESOURCE_EXHAUSTED",
        "arrow_schema",
        contains,
        () -> {
          byte[] bytes = schema == null ? deepSchema(5_000) : schema.serializeAsMessage();
          return unary(
              () ->
                  stub()
                      .createTable(
                          CreateTableRequest.newBuilder()
                              .setTable("bomb")
                              .setArrowSchema(ByteString.copyFrom(bytes))
                              .build()));
        });
  }

  private static Field leaf(String name) {
    return new Field(name, FieldType.nullable(new ArrowType.Int(64, true)), null);
  }

  private static Field struct(String name, Field... children) {
    return new Field(name, FieldType.nullable(ArrowType.Struct.INSTANCE), List.of(children));
  }

  private static Field nestedLists(int depth) {
    Field field = leaf("element");
    for (int i = 0; i < depth; i++) {
      field =
          new Field(
              i == depth - 1 ? "deep" : "element",
              FieldType.nullable(ArrowType.List.INSTANCE),
              List.of(field));
    }
    return field;
  }

  /** A schema message nested {@code depth} levels, serialized on a thread with a deep stack. */
  private static byte[] deepSchema(int depth) throws InterruptedException {
    AtomicReference<byte[]> out = new AtomicReference<>();
    Thread t =
        new Thread(
            null,
            () -> out.set(new Schema(List.of(nestedLists(depth))).serializeAsMessage()),
            "deep-schema",
            512L << 20);
    t.start();
    t.join();
    return out.get();
  }

  /** 24 bytes: a continuation marker, then a metadata length of almost 2 GiB, then garbage. */
  private static byte[] bomb() {
    return ByteBuffer.allocate(24)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(-1)
        .putInt(0x7FFFFFF0)
        .putLong(0x1122334455667788L)
        .putLong(0x1122334455667788L)
        .array();
  }

  private ByteString trailingGarbage() {
    try (VectorSchemaRoot batch = events(100, 1)) {
      byte[] valid = ArrowIpc.encode(batch).toByteArray();
      byte[] withTail = java.util.Arrays.copyOf(valid, valid.length + 16);
      java.util.Arrays.fill(withTail, valid.length, withTail.length, (byte) 7);
      return ByteString.copyFrom(withTail);
    }
  }

  private VectorSchemaRoot farDate() {
    Schema schema =
        new Schema(
            List.of(new Field("day", FieldType.nullable(new ArrowType.Date(DateUnit.DAY)), null)));
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    ((DateDayVector) root.getVector(0)).setSafe(0, 170_000_000); // about year 466,000
    root.setRowCount(1);
    return root;
  }

  private VectorSchemaRoot farTimestamp() {
    Schema schema =
        new Schema(
            List.of(
                new Field(
                    "at",
                    FieldType.nullable(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
                    null)));
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    ((TimeStampMicroTZVector) root.getVector(0)).setSafe(0, Long.MAX_VALUE - 1);
    root.setRowCount(1);
    return root;
  }

  // ---- callers

  @FunctionalInterface
  private interface Call {
    Object call();
  }

  private static Throwable unary(Call call) {
    return catchThrowableOfType(StatusRuntimeException.class, call::call);
  }

  @FunctionalInterface
  private interface Send {
    void send(AppendStream stream) throws Exception;
  }

  private Throwable stream(String table, String writer, Send send) throws Exception {
    try (AppendStream s = new AppendStream(channel, table, writer)) {
      send.send(s);
      return s.error(Duration.ofSeconds(60));
    }
  }
}
