package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import dev.tracelake.proto.v1.Access;
import dev.tracelake.proto.v1.AddColumn;
import dev.tracelake.proto.v1.Column;
import dev.tracelake.proto.v1.ColumnSpec;
import dev.tracelake.proto.v1.CreateBranchRequest;
import dev.tracelake.proto.v1.CreateTagRequest;
import dev.tracelake.proto.v1.DescribeTableAtRequest;
import dev.tracelake.proto.v1.DescribeTableAtResponse;
import dev.tracelake.proto.v1.DropBranchRequest;
import dev.tracelake.proto.v1.DropTagRequest;
import dev.tracelake.proto.v1.EvolveSchemaRequest;
import dev.tracelake.proto.v1.FastForwardBranchRequest;
import dev.tracelake.proto.v1.ListRefsRequest;
import dev.tracelake.proto.v1.ListSnapshotsRequest;
import dev.tracelake.proto.v1.ListSnapshotsResponse;
import dev.tracelake.proto.v1.MakeColumnOptional;
import dev.tracelake.proto.v1.MoveTagRequest;
import dev.tracelake.proto.v1.PublishBranchRequest;
import dev.tracelake.proto.v1.Ref;
import dev.tracelake.proto.v1.RenameColumn;
import dev.tracelake.proto.v1.SchemaChange;
import dev.tracelake.proto.v1.Snapshot;
import dev.tracelake.proto.v1.TableInfo;
import dev.tracelake.proto.v1.TableServiceGrpc;
import dev.tracelake.proto.v1.WidenColumn;
import dev.tracelake.wire.ArrowIpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** TableService over a real server: the CLI's version commands as RPCs, same semantics. */
class TableServiceTest extends IngestServerTestBase {
  static final Provenance PROV =
      Provenance.builder().codeCommit("c0ffee").model("fraud", "v3").producer("test").build();

  TableServiceGrpc.TableServiceBlockingStub tables() {
    return TableServiceGrpc.newBlockingStub(channel);
  }

  /** Appends {@code count} events to a branch of a table with lake-core; returns the snapshot. */
  long append(String table, String branch, long from, int count) {
    try (VectorSchemaRoot rows = events(from, count);
        PendingAppend append = lake.table(TableName.parse(table)).newAppend(PROV, branch)) {
      append.write(rows);
      AppendResult result = append.commit();
      return result.snapshotId();
    }
  }

  static StatusRuntimeException failure(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void writeAuditPublishStagesOnABranchThenFastForwardsMain() {
    createEvents("events");
    long first = append("events", "main", 0, 10);
    Ref audit =
        tables()
            .createBranch(
                CreateBranchRequest.newBuilder().setTable("events").setBranch("audit").build())
            .getRef();
    assertThat(audit.getType()).isEqualTo(Ref.Type.TYPE_BRANCH);
    assertThat(audit.getSnapshotId()).isEqualTo(first);

    long staged = append("events", "audit", 10, 5);
    // staged rows are invisible on main until published
    assertThat(eventIds("events", null)).hasSize(10);

    Ref main =
        tables()
            .publishBranch(
                PublishBranchRequest.newBuilder().setTable("events").setBranch("audit").build())
            .getRef();
    assertThat(main.getName()).isEqualTo("main");
    assertThat(main.getSnapshotId()).isEqualTo(staged);
    assertThat(eventIds("events", null)).hasSize(15);
    assertThat(
            tables()
                .listRefs(ListRefsRequest.newBuilder().setTable("events").build())
                .getRefsList())
        .extracting(Ref::getName, Ref::getSnapshotId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("audit", staged),
            org.assertj.core.groups.Tuple.tuple("main", staged));
  }

  @Test
  void publishingABranchThatMainMovedPastIsAFailedPrecondition() {
    createEvents("events");
    append("events", "main", 0, 1);
    tables()
        .createBranch(
            CreateBranchRequest.newBuilder().setTable("events").setBranch("audit").build());
    append("events", "audit", 1, 1);
    long mainHead = append("events", "main", 2, 1);

    StatusRuntimeException e =
        failure(
            () ->
                tables()
                    .publishBranch(
                        PublishBranchRequest.newBuilder()
                            .setTable("events")
                            .setBranch("audit")
                            .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(e.getStatus().getDescription())
        .contains("default.events", "'main'", "'audit'", "not an ancestor");
    // main did not move
    assertThat(lake.table(TableName.parse("events")).describe().currentSnapshot().orElseThrow())
        .extracting(s -> s.snapshotId())
        .isEqualTo(mainHead);
  }

  @Test
  void fastForwardMovesAnyBranchAndRefusesATag() {
    createEvents("events");
    append("events", "main", 0, 1);
    tables()
        .createBranch(CreateBranchRequest.newBuilder().setTable("events").setBranch("dev").build());
    tables()
        .createBranch(
            CreateBranchRequest.newBuilder().setTable("events").setBranch("stage").build());
    long dev = append("events", "dev", 1, 1);
    Ref stage =
        tables()
            .fastForwardBranch(
                FastForwardBranchRequest.newBuilder()
                    .setTable("events")
                    .setBranch("stage")
                    .setToBranch("dev")
                    .build())
            .getRef();
    assertThat(stage.getSnapshotId()).isEqualTo(dev);

    tables().createTag(CreateTagRequest.newBuilder().setTable("events").setTag("v1").build());
    StatusRuntimeException e =
        failure(
            () ->
                tables()
                    .fastForwardBranch(
                        FastForwardBranchRequest.newBuilder()
                            .setTable("events")
                            .setBranch("v1")
                            .setToBranch("dev")
                            .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(e.getStatus().getDescription()).contains("'v1' is a tag");
  }

  @Test
  void tagsAreImmutableUnlessAnAdminMovesOrDropsThem() {
    createEvents("events");
    long s1 = append("events", "main", 0, 1);
    long s2 = append("events", "main", 1, 1);
    Ref tag =
        tables()
            .createTag(
                CreateTagRequest.newBuilder()
                    .setTable("events")
                    .setTag("training-set-v3")
                    .setSnapshotId(s1)
                    .build())
            .getRef();
    assertThat(tag.getType()).isEqualTo(Ref.Type.TYPE_TAG);
    assertThat(tag.getSnapshotId()).isEqualTo(s1);

    StatusRuntimeException again =
        failure(
            () ->
                tables()
                    .createTag(
                        CreateTagRequest.newBuilder()
                            .setTable("events")
                            .setTag("training-set-v3")
                            .build()));
    assertThat(again.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(again.getStatus().getDescription())
        .contains("training-set-v3", "snapshot " + s1, "immutable");

    Ref moved =
        tables()
            .moveTag(
                MoveTagRequest.newBuilder()
                    .setTable("events")
                    .setTag("training-set-v3")
                    .setSnapshotId(s2)
                    .build())
            .getRef();
    assertThat(moved.getSnapshotId()).isEqualTo(s2);
    tables()
        .dropTag(DropTagRequest.newBuilder().setTable("events").setTag("training-set-v3").build());
    assertThat(
            tables()
                .listRefs(ListRefsRequest.newBuilder().setTable("events").build())
                .getRefsList())
        .extracting(Ref::getName)
        .containsExactly("main");
    // the tagged snapshot itself stays
    assertThat(eventIds("events", s1)).containsExactly(0L);
  }

  @Test
  void aTagWithoutSnapshotNamesTheHeadOfMainAndAnEmptyMainIsAFailedPrecondition() {
    createEvents("events");
    StatusRuntimeException empty =
        failure(
            () ->
                tables()
                    .createTag(
                        CreateTagRequest.newBuilder().setTable("events").setTag("v0").build()));
    assertThat(empty.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(empty.getStatus().getDescription())
        .contains("default.events", "no snapshot on main", "'v0'");

    long head = append("events", "main", 0, 3);
    assertThat(
            tables()
                .createTag(CreateTagRequest.newBuilder().setTable("events").setTag("v1").build())
                .getRef()
                .getSnapshotId())
        .isEqualTo(head);
  }

  @Test
  void droppingMainIsRefusedAndOtherBranchesDropWithoutLosingSnapshots() {
    createEvents("events");
    append("events", "main", 0, 1);
    tables()
        .createBranch(CreateBranchRequest.newBuilder().setTable("events").setBranch("tmp").build());
    long onTmp = append("events", "tmp", 1, 1);
    StatusRuntimeException main =
        failure(
            () ->
                tables()
                    .dropBranch(
                        DropBranchRequest.newBuilder()
                            .setTable("events")
                            .setBranch("main")
                            .build()));
    assertThat(main.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    tables().dropBranch(DropBranchRequest.newBuilder().setTable("events").setBranch("tmp").build());
    assertThat(eventIds("events", onTmp)).containsExactly(0L, 1L);
  }

  @Test
  void snapshotsComePagedInCommitOrderAndNewCommitsDoNotDisturbAPagingReader() {
    createEvents("events");
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      ids.add(append("events", "main", i, 1));
    }
    ListSnapshotsResponse first =
        tables()
            .listSnapshots(
                ListSnapshotsRequest.newBuilder().setTable("events").setPageSize(3).build());
    assertThat(first.getSnapshotsList())
        .extracting(Snapshot::getSnapshotId)
        .isEqualTo(ids.subList(0, 3));
    assertThat(first.getNextPageToken()).isNotEmpty();
    Snapshot s0 = first.getSnapshots(0);
    assertThat(s0.hasParentId()).isFalse();
    assertThat(s0.getAddedRows()).isEqualTo(1);
    assertThat(s0.getProvenance().getCodeCommit()).isEqualTo("c0ffee");
    assertThat(s0.getProvenance().getModelVersion()).isEqualTo("v3");
    assertThat(first.getSnapshots(1).getParentId()).isEqualTo(ids.get(0));

    // two more commits between pages: the reader still sees every snapshot once
    ids.add(append("events", "main", 7, 1));
    ids.add(append("events", "main", 8, 1));
    List<Long> seen =
        new ArrayList<>(first.getSnapshotsList().stream().map(Snapshot::getSnapshotId).toList());
    String token = first.getNextPageToken();
    while (!token.isEmpty()) {
      ListSnapshotsResponse page =
          tables()
              .listSnapshots(
                  ListSnapshotsRequest.newBuilder()
                      .setTable("events")
                      .setPageSize(3)
                      .setPageToken(token)
                      .build());
      page.getSnapshotsList().forEach(s -> seen.add(s.getSnapshotId()));
      token = page.getNextPageToken();
    }
    assertThat(seen).isEqualTo(ids);

    ListSnapshotsResponse newest =
        tables()
            .listSnapshots(
                ListSnapshotsRequest.newBuilder()
                    .setTable("events")
                    .setPageSize(2)
                    .setNewestFirst(true)
                    .build());
    assertThat(newest.getSnapshotsList())
        .extracting(Snapshot::getSnapshotId)
        .containsExactly(ids.get(8), ids.get(7));
  }

  @Test
  void snapshotsOfARefAreItsHistoryOnly() {
    createEvents("events");
    long base = append("events", "main", 0, 1);
    tables()
        .createBranch(
            CreateBranchRequest.newBuilder().setTable("events").setBranch("audit").build());
    long staged = append("events", "audit", 1, 1);
    append("events", "main", 2, 1);
    ListSnapshotsResponse audit =
        tables()
            .listSnapshots(
                ListSnapshotsRequest.newBuilder().setTable("events").setRef("audit").build());
    assertThat(audit.getSnapshotsList())
        .extracting(Snapshot::getSnapshotId)
        .containsExactly(base, staged);
    assertThat(audit.getNextPageToken()).isEmpty();
    StatusRuntimeException unknown =
        failure(
            () ->
                tables()
                    .listSnapshots(
                        ListSnapshotsRequest.newBuilder()
                            .setTable("events")
                            .setRef("nope")
                            .build()));
    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(unknown.getStatus().getDescription()).contains("'nope'", "audit", "main");
  }

  @Test
  void evolveSchemaAppliesEverySafeChangeInOneCommitAndOldVersionsDescribeAsTheyWere() {
    createEvents("events");
    long before = append("events", "main", 0, 2);
    tables().createTag(CreateTagRequest.newBuilder().setTable("events").setTag("before").build());
    TableInfo after =
        tables()
            .evolveSchema(
                EvolveSchemaRequest.newBuilder()
                    .setTable("events")
                    .addChanges(
                        SchemaChange.newBuilder()
                            .setAddColumn(
                                AddColumn.newBuilder()
                                    .setSpec(
                                        ColumnSpec.newBuilder()
                                            .setName("country")
                                            .setType("string")
                                            .setDoc("ISO 3166 code"))))
                    .addChanges(
                        SchemaChange.newBuilder()
                            .setAddColumn(
                                AddColumn.newBuilder()
                                    .setArrowSchema(
                                        ByteString.copyFrom(
                                            ArrowIpc.schemaBytes(
                                                new Schema(
                                                    List.of(
                                                        new Field(
                                                            "tags",
                                                            FieldType.nullable(
                                                                ArrowType.List.INSTANCE),
                                                            List.of(
                                                                Field.nullable(
                                                                    "item",
                                                                    ArrowType.Utf8
                                                                        .INSTANCE))))))))))
                    .addChanges(
                        SchemaChange.newBuilder()
                            .setRenameColumn(
                                RenameColumn.newBuilder().setColumn("user").setNewName("user_id")))
                    .addChanges(
                        SchemaChange.newBuilder()
                            .setMakeColumnOptional(
                                MakeColumnOptional.newBuilder().setColumn("event_id")))
                    .build())
            .getTable();
    assertThat(after.getColumnsList())
        .filteredOn(c -> !c.getMetadata())
        .extracting(Column::getName, Column::getType, Column::getRequired)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("event_id", "long", false),
            org.assertj.core.groups.Tuple.tuple("user_id", "string", false),
            org.assertj.core.groups.Tuple.tuple("score", "double", false),
            org.assertj.core.groups.Tuple.tuple("country", "string", false),
            org.assertj.core.groups.Tuple.tuple("tags", "list<string>", false));
    assertThat(after.getColumnsList())
        .filteredOn(c -> c.getName().equals("country"))
        .extracting(Column::getDoc)
        .containsExactly("ISO 3166 code");
    // one schema commit, no data commit
    assertThat(after.getSnapshotCount()).isEqualTo(1);

    DescribeTableAtResponse atTag =
        tables()
            .describeTableAt(
                DescribeTableAtRequest.newBuilder().setTable("events").setRef("before").build());
    assertThat(atTag.getTable().getColumnsList())
        .filteredOn(c -> !c.getMetadata())
        .extracting(Column::getName, Column::getRequired)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("event_id", true),
            org.assertj.core.groups.Tuple.tuple("user", false),
            org.assertj.core.groups.Tuple.tuple("score", false));
    assertThat(atTag.getRef().getType()).isEqualTo(Ref.Type.TYPE_TAG);
    assertThat(atTag.getSnapshot().getSnapshotId()).isEqualTo(before);
    assertThat(ArrowIpc.schema(atTag.getTable().getArrowSchema().toByteArray()).findField("user"))
        .isNotNull();

    DescribeTableAtResponse atSnapshot =
        tables()
            .describeTableAt(
                DescribeTableAtRequest.newBuilder()
                    .setTable("events")
                    .setSnapshotId(before)
                    .build());
    assertThat(atSnapshot.getTable().getColumnsList()).extracting(Column::getName).contains("user");
    assertThat(atSnapshot.hasRef()).isFalse();

    // a branch reads with today's columns
    DescribeTableAtResponse atMain =
        tables()
            .describeTableAt(
                DescribeTableAtRequest.newBuilder().setTable("events").setRef("main").build());
    assertThat(atMain.getTable().getColumnsList())
        .extracting(Column::getName)
        .contains("user_id", "country", "tags");
  }

  @Test
  void wideningIntToLongKeepsDataAndUnsafeTypeChangesNameTheColumnAndTheReason() {
    stub()
        .createTable(
            dev.tracelake.proto.v1.CreateTableRequest.newBuilder()
                .setTable("items")
                .setColumns(
                    dev.tracelake.proto.v1.ColumnList.newBuilder()
                        .addColumns(ColumnSpec.newBuilder().setName("qty").setType("int"))
                        .addColumns(ColumnSpec.newBuilder().setName("price").setType("double"))
                        .addColumns(ColumnSpec.newBuilder().setName("label").setType("string")))
                .build());
    TableInfo widened =
        tables()
            .evolveSchema(
                EvolveSchemaRequest.newBuilder()
                    .setTable("items")
                    .addChanges(
                        SchemaChange.newBuilder()
                            .setWidenColumn(
                                WidenColumn.newBuilder().setColumn("qty").setType("long")))
                    .build())
            .getTable();
    assertThat(widened.getColumnsList())
        .filteredOn(c -> c.getName().equals("qty"))
        .extracting(Column::getType)
        .containsExactly("long");

    record Unsafe(String column, String type, String reason) {}
    for (Unsafe u :
        List.of(
            new Unsafe("price", "float", "cannot change from double to float"),
            new Unsafe("label", "long", "cannot change from string to long"),
            new Unsafe("qty", "int", "cannot change from long to int"))) {
      StatusRuntimeException e =
          failure(
              () ->
                  tables()
                      .evolveSchema(
                          EvolveSchemaRequest.newBuilder()
                              .setTable("items")
                              .addChanges(
                                  SchemaChange.newBuilder()
                                      .setWidenColumn(
                                          WidenColumn.newBuilder()
                                              .setColumn(u.column())
                                              .setType(u.type())))
                              .build()));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription())
          .contains("default.items", "'" + u.column() + "'", u.reason(), "allowed widenings");
    }
    StatusRuntimeException required =
        failure(
            () ->
                tables()
                    .evolveSchema(
                        EvolveSchemaRequest.newBuilder()
                            .setTable("items")
                            .addChanges(
                                SchemaChange.newBuilder()
                                    .setAddColumn(
                                        AddColumn.newBuilder()
                                            .setSpec(
                                                ColumnSpec.newBuilder()
                                                    .setName("sku")
                                                    .setType("string")
                                                    .setRequired(true))))
                            .build()));
    assertThat(required.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(required.getStatus().getDescription())
        .contains("'sku'", "must be optional", "rows written before it");
    StatusRuntimeException metadata =
        failure(
            () ->
                tables()
                    .evolveSchema(
                        EvolveSchemaRequest.newBuilder()
                            .setTable("items")
                            .addChanges(
                                SchemaChange.newBuilder()
                                    .setMakeColumnOptional(
                                        MakeColumnOptional.newBuilder().setColumn("_record_id")))
                            .build()));
    assertThat(metadata.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(metadata.getStatus().getDescription()).contains("'_record_id'", "cannot be changed");
    StatusRuntimeException missing =
        failure(
            () ->
                tables()
                    .evolveSchema(
                        EvolveSchemaRequest.newBuilder()
                            .setTable("items")
                            .addChanges(
                                SchemaChange.newBuilder()
                                    .setRenameColumn(
                                        RenameColumn.newBuilder()
                                            .setColumn("nope")
                                            .setNewName("yes")))
                            .build()));
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(missing.getStatus().getDescription()).contains("'nope'", "qty", "label");
  }

  @Test
  void aRefusedChangeAmongSeveralCommitsNone() {
    createEvents("events");
    StatusRuntimeException e =
        failure(
            () ->
                tables()
                    .evolveSchema(
                        EvolveSchemaRequest.newBuilder()
                            .setTable("events")
                            .addChanges(
                                SchemaChange.newBuilder()
                                    .setAddColumn(
                                        AddColumn.newBuilder()
                                            .setSpec(
                                                ColumnSpec.newBuilder()
                                                    .setName("fine")
                                                    .setType("string"))))
                            .addChanges(
                                SchemaChange.newBuilder()
                                    .setWidenColumn(
                                        WidenColumn.newBuilder().setColumn("user").setType("long")))
                            .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(lake.table(TableName.parse("events")).describe().columns())
        .extracting(c -> c.name())
        .doesNotContain("fine");
  }

  @Test
  void everyTableServiceMethodDeclaresItsAccessClass() {
    ServerServiceDefinition service = new TableGrpcService(lake).bindService();
    List<String> admin = new ArrayList<>();
    List<String> write = new ArrayList<>();
    List<String> read = new ArrayList<>();
    for (var method : service.getMethods()) {
      MethodDescriptor<?, ?> d = method.getMethodDescriptor();
      Access access = MethodAccess.of(d);
      assertThat(access).as(d.getFullMethodName()).isNotEqualTo(Access.ACCESS_UNSPECIFIED);
      (access == Access.ACCESS_ADMIN ? admin : access == Access.ACCESS_WRITE ? write : read)
          .add(d.getBareMethodName());
    }
    assertThat(read).containsExactlyInAnyOrder("ListSnapshots", "ListRefs", "DescribeTableAt");
    assertThat(write)
        .containsExactlyInAnyOrder(
            "CreateTag", "CreateBranch", "FastForwardBranch", "PublishBranch", "EvolveSchema");
    assertThat(admin).containsExactlyInAnyOrder("MoveTag", "DropTag", "DropBranch");
    // an RPC that declares nothing reads as unspecified, which an authorizer treats as admin
    assertThat(MethodAccess.of(dev.tracelake.proto.v1.IngestServiceGrpc.getCreateTableMethod()))
        .isIn(Access.ACCESS_UNSPECIFIED, Access.ACCESS_WRITE);
  }

  @Test
  void aBranchOfATableNobodyWroteToStartsEmptyAndMainStillHasNoSnapshot() {
    createEvents("events");
    tables()
        .createBranch(
            CreateBranchRequest.newBuilder().setTable("events").setBranch("early").build());
    DescribeTableAtResponse early =
        tables()
            .describeTableAt(
                DescribeTableAtRequest.newBuilder().setTable("events").setRef("early").build());
    // Iceberg gives a branch made on an empty table an empty snapshot of its own
    assertThat(early.getSnapshot().getTotalRows()).isZero();
    assertThat(early.getRef().getName()).isEqualTo("early");
    assertThat(early.getRef().getSnapshotId()).isEqualTo(early.getSnapshot().getSnapshotId());
    assertThat(early.getTable().getColumnsList()).extracting(Column::getName).contains("event_id");
    assertThat(
            tables()
                .listSnapshots(
                    ListSnapshotsRequest.newBuilder().setTable("events").setRef("early").build())
                .getSnapshotsList())
        .extracting(Snapshot::getAddedRows)
        .containsExactly(0L);
    DescribeTableAtResponse main =
        tables()
            .describeTableAt(
                DescribeTableAtRequest.newBuilder().setTable("events").setRef("main").build());
    assertThat(main.hasSnapshot()).isFalse();
    assertThat(main.hasRef()).isFalse();
  }

  @Test
  void unknownTablesRefsAndSnapshotsAreNotFound() {
    createEvents("events");
    assertThat(
            failure(
                    () ->
                        tables().listRefs(ListRefsRequest.newBuilder().setTable("missing").build()))
                .getStatus()
                .getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
    StatusRuntimeException snapshot =
        failure(
            () ->
                tables()
                    .describeTableAt(
                        DescribeTableAtRequest.newBuilder()
                            .setTable("events")
                            .setSnapshotId(42)
                            .build()));
    assertThat(snapshot.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(snapshot.getStatus().getDescription()).contains("default.events", "42");
    StatusRuntimeException tagOfMissing =
        failure(
            () ->
                tables()
                    .createTag(
                        CreateTagRequest.newBuilder()
                            .setTable("events")
                            .setTag("t")
                            .setSnapshotId(-1)
                            .build()));
    assertThat(tagOfMissing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThatThrownBy(
            () ->
                tables()
                    .moveTag(
                        MoveTagRequest.newBuilder()
                            .setTable("events")
                            .setTag("never")
                            .setSnapshotId(1)
                            .build()))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("NOT_FOUND")
        .hasMessageContaining("'never'");
  }
}
