package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.TableName;
import dev.tracelake.proto.v1.AddColumn;
import dev.tracelake.proto.v1.ColumnSpec;
import dev.tracelake.proto.v1.CreateBranchRequest;
import dev.tracelake.proto.v1.CreateTagRequest;
import dev.tracelake.proto.v1.DescribeTableAtRequest;
import dev.tracelake.proto.v1.EvolveSchemaRequest;
import dev.tracelake.proto.v1.FastForwardBranchRequest;
import dev.tracelake.proto.v1.ListRefsRequest;
import dev.tracelake.proto.v1.ListSnapshotsRequest;
import dev.tracelake.proto.v1.ListTablesRequest;
import dev.tracelake.proto.v1.PublishBranchRequest;
import dev.tracelake.proto.v1.RenameColumn;
import dev.tracelake.proto.v1.SchemaChange;
import dev.tracelake.proto.v1.TableServiceGrpc;
import dev.tracelake.proto.v1.WidenColumn;
import dev.tracelake.wire.ArrowIpc;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input to every TableService field: huge, empty, control characters, another script, wrong
 * types. Each gets a clear status with a bounded message, the server stays up, and the table is
 * unchanged.
 */
class TableServiceHostileTest extends IngestServerTestBase {
  static final String HUGE = "x".repeat(1 << 20);
  static final String CONTROL = "ta\u0000g\n\u001b[31m";

  record Case(
      String name,
      Consumer<TableServiceGrpc.TableServiceBlockingStub> call,
      Status.Code code,
      String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static EvolveSchemaRequest evolve(SchemaChange... changes) {
    return EvolveSchemaRequest.newBuilder()
        .setTable("events")
        .addAllChanges(List.of(changes))
        .build();
  }

  static SchemaChange addSpec(String name, String type) {
    return SchemaChange.newBuilder()
        .setAddColumn(
            AddColumn.newBuilder().setSpec(ColumnSpec.newBuilder().setName(name).setType(type)))
        .build();
  }

  static SchemaChange addArrow(ByteString schema) {
    return SchemaChange.newBuilder()
        .setAddColumn(AddColumn.newBuilder().setArrowSchema(schema))
        .build();
  }

  static Stream<Case> cases() {
    ByteString twoFields =
        ByteString.copyFrom(
            ArrowIpc.schemaBytes(
                new Schema(
                    List.of(
                        Field.nullable("a", ArrowType.Utf8.INSTANCE),
                        Field.nullable("b", ArrowType.Utf8.INSTANCE)))));
    ByteString required =
        ByteString.copyFrom(
            ArrowIpc.schemaBytes(
                new Schema(
                    List.of(
                        new Field("r", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null)))));
    return Stream.of(
        new Case(
            "huge table name",
            s -> s.listRefs(ListRefsRequest.newBuilder().setTable(HUGE).build()),
            Status.Code.INVALID_ARGUMENT,
            "1048576 characters"),
        new Case(
            "empty table name",
            s -> s.listRefs(ListRefsRequest.newBuilder().setTable("").build()),
            Status.Code.INVALID_ARGUMENT,
            "table is empty"),
        new Case(
            "control characters in a table name",
            s -> s.listRefs(ListRefsRequest.newBuilder().setTable("ev\u0000ents").build()),
            Status.Code.INVALID_ARGUMENT,
            "Invalid table name"),
        new Case(
            "three-part table name",
            s -> s.listRefs(ListRefsRequest.newBuilder().setTable("a.b.c").build()),
            Status.Code.INVALID_ARGUMENT,
            "one dot at most"),
        new Case(
            "huge tag",
            s -> s.createTag(CreateTagRequest.newBuilder().setTable("events").setTag(HUGE).build()),
            Status.Code.INVALID_ARGUMENT,
            "tag 'xxxx"),
        new Case(
            "control characters in a tag",
            s ->
                s.createTag(
                    CreateTagRequest.newBuilder().setTable("events").setTag(CONTROL).build()),
            Status.Code.INVALID_ARGUMENT,
            "Invalid ref name"),
        new Case(
            "tag of digits only",
            s ->
                s.createTag(CreateTagRequest.newBuilder().setTable("events").setTag("123").build()),
            Status.Code.INVALID_ARGUMENT,
            "reads as a snapshot id"),
        new Case(
            "tag in another script",
            s ->
                s.createTag(
                    CreateTagRequest.newBuilder().setTable("events").setTag("тег-β").build()),
            Status.Code.INVALID_ARGUMENT,
            "Invalid ref name"),
        new Case(
            "empty branch",
            s ->
                s.createBranch(
                    CreateBranchRequest.newBuilder().setTable("events").setBranch("").build()),
            Status.Code.INVALID_ARGUMENT,
            "branch is empty"),
        new Case(
            "branch that climbs paths",
            s ->
                s.createBranch(
                    CreateBranchRequest.newBuilder()
                        .setTable("events")
                        .setBranch("../../etc")
                        .build()),
            Status.Code.INVALID_ARGUMENT,
            "Invalid ref name"),
        new Case(
            "fast-forward to a ref with control characters",
            s ->
                s.fastForwardBranch(
                    FastForwardBranchRequest.newBuilder()
                        .setTable("events")
                        .setBranch("main")
                        .setToBranch(CONTROL)
                        .build()),
            Status.Code.NOT_FOUND,
            "has no branch"),
        new Case(
            "publish of nothing",
            s -> s.publishBranch(PublishBranchRequest.newBuilder().setTable("events").build()),
            Status.Code.INVALID_ARGUMENT,
            "branch is empty"),
        new Case(
            "describe without a version",
            s -> s.describeTableAt(DescribeTableAtRequest.newBuilder().setTable("events").build()),
            Status.Code.INVALID_ARGUMENT,
            "ref or snapshot_id"),
        new Case(
            "describe at a huge ref",
            s ->
                s.describeTableAt(
                    DescribeTableAtRequest.newBuilder().setTable("events").setRef(HUGE).build()),
            Status.Code.INVALID_ARGUMENT,
            "ref 'xxx"),
        new Case(
            "negative page size",
            s ->
                s.listSnapshots(
                    ListSnapshotsRequest.newBuilder().setTable("events").setPageSize(-1).build()),
            Status.Code.INVALID_ARGUMENT,
            "page_size -1"),
        new Case(
            "page size over the limit",
            s ->
                s.listSnapshots(
                    ListSnapshotsRequest.newBuilder()
                        .setTable("events")
                        .setPageSize(Integer.MAX_VALUE)
                        .build()),
            Status.Code.INVALID_ARGUMENT,
            "use 1 to 1000"),
        new Case(
            "garbage page token",
            s ->
                s.listSnapshots(
                    ListSnapshotsRequest.newBuilder()
                        .setTable("events")
                        .setPageToken("'; DROP TABLE x; --\u0000")
                        .build()),
            Status.Code.INVALID_ARGUMENT,
            "not a token this listing handed out"),
        new Case(
            "huge page token",
            s ->
                s.listSnapshots(
                    ListSnapshotsRequest.newBuilder()
                        .setTable("events")
                        .setPageToken(HUGE)
                        .build()),
            Status.Code.INVALID_ARGUMENT,
            "page_token"),
        new Case(
            "no schema changes",
            s -> s.evolveSchema(evolve()),
            Status.Code.INVALID_ARGUMENT,
            "give 1 to 1000 schema changes, got 0"),
        new Case(
            "too many schema changes",
            s ->
                s.evolveSchema(
                    evolve(
                        Stream.generate(() -> addSpec("c", "string"))
                            .limit(1001)
                            .toArray(SchemaChange[]::new))),
            Status.Code.INVALID_ARGUMENT,
            "got 1001"),
        new Case(
            "a change that sets nothing",
            s -> s.evolveSchema(evolve(SchemaChange.getDefaultInstance())),
            Status.Code.INVALID_ARGUMENT,
            "change 0 sets none of"),
        new Case(
            "add_column without a column",
            s ->
                s.evolveSchema(
                    evolve(
                        SchemaChange.newBuilder()
                            .setAddColumn(AddColumn.getDefaultInstance())
                            .build())),
            Status.Code.INVALID_ARGUMENT,
            "neither spec nor arrow_schema"),
        new Case(
            "empty column name",
            s -> s.evolveSchema(evolve(addSpec("", "string"))),
            Status.Code.INVALID_ARGUMENT,
            "column name is empty"),
        new Case(
            "control characters in a column name",
            s -> s.evolveSchema(evolve(addSpec("na\u0000me\n", "string"))),
            Status.Code.INVALID_ARGUMENT,
            "holds the control character U+0000 at position 2"),
        new Case(
            "huge column name",
            s -> s.evolveSchema(evolve(addSpec(HUGE, "string"))),
            Status.Code.INVALID_ARGUMENT,
            "1048576 characters"),
        new Case(
            "column name over 128 characters",
            s -> s.evolveSchema(evolve(addSpec("c".repeat(300), "string"))),
            Status.Code.INVALID_ARGUMENT,
            "is 300 characters long; at most 128 are allowed"),
        new Case(
            "reserved column name",
            s -> s.evolveSchema(evolve(addSpec("_lineage", "string"))),
            Status.Code.INVALID_ARGUMENT,
            "reserved"),
        new Case(
            "existing column name",
            s -> s.evolveSchema(evolve(addSpec("user", "string"))),
            Status.Code.ALREADY_EXISTS,
            "already has a column 'user'"),
        new Case(
            "the same column added twice in one change",
            s -> s.evolveSchema(evolve(addSpec("twice", "string"), addSpec("twice", "long"))),
            Status.Code.INVALID_ARGUMENT,
            "schema change refused"),
        new Case(
            "unknown type",
            s -> s.evolveSchema(evolve(addSpec("c", "varchar(10)"))),
            Status.Code.INVALID_ARGUMENT,
            "unknown type 'varchar(10)'"),
        new Case(
            "nested type given as a name",
            s -> s.evolveSchema(evolve(addSpec("c", "list<string>"))),
            Status.Code.INVALID_ARGUMENT,
            "unknown type"),
        new Case(
            "huge type",
            s -> s.evolveSchema(evolve(addSpec("c", HUGE))),
            Status.Code.INVALID_ARGUMENT,
            "type 'xxx"),
        new Case(
            "garbage arrow schema",
            s -> s.evolveSchema(evolve(addArrow(ByteString.copyFromUtf8("not arrow at all")))),
            Status.Code.INVALID_ARGUMENT,
            "not a serialized Arrow schema"),
        new Case(
            "arrow schema of two fields",
            s -> s.evolveSchema(evolve(addArrow(twoFields))),
            Status.Code.INVALID_ARGUMENT,
            "exactly one field, got 2"),
        new Case(
            "required arrow field",
            s -> s.evolveSchema(evolve(addArrow(required))),
            Status.Code.INVALID_ARGUMENT,
            "must be optional"),
        new Case(
            "rename to a name with control characters",
            s ->
                s.evolveSchema(
                    evolve(
                        SchemaChange.newBuilder()
                            .setRenameColumn(
                                RenameColumn.newBuilder().setColumn("user").setNewName("u\u0007"))
                            .build())),
            Status.Code.INVALID_ARGUMENT,
            "control characters"),
        new Case(
            "widen to a type of another kind",
            s ->
                s.evolveSchema(
                    evolve(
                        SchemaChange.newBuilder()
                            .setWidenColumn(
                                WidenColumn.newBuilder().setColumn("score").setType("string"))
                            .build())),
            Status.Code.INVALID_ARGUMENT,
            "'score' cannot change from double to string"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hostileInputGetsAClearBoundedStatusAndChangesNothing(Case c) throws Exception {
    createEvents("events");
    LakeTable table = lake.table(TableName.parse("events"));
    var before = table.describe();
    StatusRuntimeException e =
        TableServiceTest.failure(() -> c.call().accept(TableServiceGrpc.newBlockingStub(channel)));
    assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(c.code());
    assertThat(e.getStatus().getDescription()).contains(c.message());
    assertThat(e.getStatus().getDescription().length()).isLessThanOrEqualTo(2100);
    var after = table.describe();
    assertThat(after.columns()).isEqualTo(before.columns());
    assertThat(after.refs()).isEqualTo(before.refs());
    assertThat(after.snapshotCount()).isEqualTo(before.snapshotCount());
    // the server is still up
    assertThat(stub().listTables(ListTablesRequest.getDefaultInstance()).getTablesList())
        .containsExactly("default.events");
  }

  /** Bytes as they are, so a test can send what no generated client would. */
  static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }
      };

  static byte[] raw(io.grpc.Channel channel, MethodDescriptor<?, ?> method, byte[] request) {
    MethodDescriptor<byte[], byte[]> rawMethod =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(method.getFullMethodName())
            .setRequestMarshaller(RAW)
            .setResponseMarshaller(RAW)
            .build();
    return ClientCalls.blockingUnaryCall(channel, rawMethod, io.grpc.CallOptions.DEFAULT, request);
  }

  @Test
  void fieldsOfTheWrongWireTypeAreIgnoredAndGarbageIsRefusedWithoutHarm() throws Exception {
    createEvents("events");
    // CreateTag{table = "events", tag = "t1", snapshot_id = "oops" (a string where an int64 is)}:
    // protobuf keeps a field of the wrong wire type as unknown, so snapshot_id reads as unset and
    // the tag falls back to the head of main, which this empty table does not have yet
    byte[] wrongType = concat(field(1, "events"), field(2, "t1"), field(3, "oops"));
    StatusRuntimeException e =
        TableServiceTest.failure(
            () -> raw(channel, TableServiceGrpc.getCreateTagMethod(), wrongType));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(e.getStatus().getDescription()).contains("no snapshot on main");

    // bytes that are no protobuf at all: gRPC refuses them before the service sees them
    StatusRuntimeException garbage =
        TableServiceTest.failure(
            () ->
                raw(
                    channel,
                    TableServiceGrpc.getEvolveSchemaMethod(),
                    new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1, 2, 3}));
    assertThat(garbage.getStatus().getCode()).isNotEqualTo(Status.Code.OK);
    assertThat(stub().listTables(ListTablesRequest.getDefaultInstance()).getTablesCount())
        .isEqualTo(1);
    assertThat(lake.table(TableName.parse("events")).refs()).isEmpty();
  }

  private static byte[] field(int number, String value) {
    byte[] bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] out = new byte[2 + bytes.length];
    out[0] = (byte) (number << 3 | 2);
    out[1] = (byte) bytes.length;
    System.arraycopy(bytes, 0, out, 2, bytes.length);
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
