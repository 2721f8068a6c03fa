package dev.tracelake.ingest;

import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import dev.tracelake.lake.TableVersion;
import dev.tracelake.proto.v1.CreateBranchRequest;
import dev.tracelake.proto.v1.CreateBranchResponse;
import dev.tracelake.proto.v1.CreateTagRequest;
import dev.tracelake.proto.v1.CreateTagResponse;
import dev.tracelake.proto.v1.DescribeTableAtRequest;
import dev.tracelake.proto.v1.DescribeTableAtResponse;
import dev.tracelake.proto.v1.DropBranchRequest;
import dev.tracelake.proto.v1.DropBranchResponse;
import dev.tracelake.proto.v1.DropTagRequest;
import dev.tracelake.proto.v1.DropTagResponse;
import dev.tracelake.proto.v1.EvolveSchemaRequest;
import dev.tracelake.proto.v1.EvolveSchemaResponse;
import dev.tracelake.proto.v1.FastForwardBranchRequest;
import dev.tracelake.proto.v1.FastForwardBranchResponse;
import dev.tracelake.proto.v1.ListRefsRequest;
import dev.tracelake.proto.v1.ListRefsResponse;
import dev.tracelake.proto.v1.ListSnapshotsRequest;
import dev.tracelake.proto.v1.ListSnapshotsResponse;
import dev.tracelake.proto.v1.MoveTagRequest;
import dev.tracelake.proto.v1.MoveTagResponse;
import dev.tracelake.proto.v1.PublishBranchRequest;
import dev.tracelake.proto.v1.PublishBranchResponse;
import dev.tracelake.proto.v1.TableServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.function.Supplier;

/**
 * TableService over gRPC: snapshots, refs, write-audit-publish and schema evolution. Turns protos
 * into lake-core calls and answers back, with the same semantics as the CLI's commands; nothing
 * more. Errors are mapped in {@link GrpcErrors}.
 */
final class TableGrpcService extends TableServiceGrpc.TableServiceImplBase {
  // Longer than any valid table or ref name (TableName: 2 x 128 + 1; refs: 255): anything
  // longer is refused before it reaches a lookup or an error message.
  private static final int MAX_NAME = 1024;

  private final Lake lake;

  TableGrpcService(Lake lake) {
    this.lake = lake;
  }

  @Override
  public void listSnapshots(
      ListSnapshotsRequest request, StreamObserver<ListSnapshotsResponse> responses) {
    unary(
        responses,
        () -> {
          LakeTable table = table(request.getTable());
          String ref = name("ref", request.getRef());
          List<SnapshotInfo> snapshots = ref.isEmpty() ? table.snapshots() : table.history(ref);
          SnapshotPages.Page page =
              SnapshotPages.page(
                  table.name().toString(),
                  snapshots,
                  request.getPageSize(),
                  GrpcText.checkLength("page_token", request.getPageToken(), MAX_NAME),
                  request.getNewestFirst());
          ListSnapshotsResponse.Builder b =
              ListSnapshotsResponse.newBuilder().setNextPageToken(page.nextToken());
          page.snapshots().forEach(s -> b.addSnapshots(VersionProtos.toProto(s)));
          return b.build();
        });
  }

  @Override
  public void listRefs(ListRefsRequest request, StreamObserver<ListRefsResponse> responses) {
    unary(
        responses,
        () -> {
          ListRefsResponse.Builder b = ListRefsResponse.newBuilder();
          table(request.getTable()).refs().forEach(r -> b.addRefs(VersionProtos.toProto(r)));
          return b.build();
        });
  }

  @Override
  public void describeTableAt(
      DescribeTableAtRequest request, StreamObserver<DescribeTableAtResponse> responses) {
    unary(
        responses,
        () -> {
          LakeTable table = table(request.getTable());
          TableVersion version =
              switch (request.getVersionCase()) {
                case REF -> table.describeAt(required("ref", request.getRef()));
                case SNAPSHOT_ID -> table.describeAtSnapshot(request.getSnapshotId());
                case VERSION_NOT_SET ->
                    throw invalid(
                        "Table %s: give the version to describe (ref or snapshot_id)",
                        table.name());
              };
          DescribeTableAtResponse.Builder b =
              DescribeTableAtResponse.newBuilder().setTable(ProtoMapping.toProto(version.table()));
          version.snapshot().ifPresent(s -> b.setSnapshot(VersionProtos.toProto(s)));
          version.ref().ifPresent(r -> b.setRef(VersionProtos.toProto(r)));
          return b.build();
        });
  }

  @Override
  public void createTag(CreateTagRequest request, StreamObserver<CreateTagResponse> responses) {
    unary(
        responses,
        () -> {
          LakeTable table = table(request.getTable());
          String tag = required("tag", request.getTag());
          RefInfo created =
              request.hasSnapshotId()
                  ? table.createTag(tag, request.getSnapshotId())
                  : table.createTag(tag);
          return CreateTagResponse.newBuilder().setRef(VersionProtos.toProto(created)).build();
        });
  }

  @Override
  public void createBranch(
      CreateBranchRequest request, StreamObserver<CreateBranchResponse> responses) {
    unary(
        responses,
        () -> {
          LakeTable table = table(request.getTable());
          String branch = required("branch", request.getBranch());
          RefInfo created =
              request.hasSnapshotId()
                  ? table.createBranch(branch, request.getSnapshotId())
                  : table.createBranch(branch);
          return CreateBranchResponse.newBuilder().setRef(VersionProtos.toProto(created)).build();
        });
  }

  @Override
  public void fastForwardBranch(
      FastForwardBranchRequest request, StreamObserver<FastForwardBranchResponse> responses) {
    unary(
        responses,
        () -> {
          LakeTable table = table(request.getTable());
          RefInfo moved =
              table.fastForward(
                  required("branch", request.getBranch()),
                  required("to_branch", request.getToBranch()));
          return FastForwardBranchResponse.newBuilder()
              .setRef(VersionProtos.toProto(moved))
              .build();
        });
  }

  @Override
  public void publishBranch(
      PublishBranchRequest request, StreamObserver<PublishBranchResponse> responses) {
    unary(
        responses,
        () -> {
          LakeTable table = table(request.getTable());
          RefInfo main = table.fastForward(LakeTable.MAIN, required("branch", request.getBranch()));
          return PublishBranchResponse.newBuilder().setRef(VersionProtos.toProto(main)).build();
        });
  }

  @Override
  public void evolveSchema(
      EvolveSchemaRequest request, StreamObserver<EvolveSchemaResponse> responses) {
    unary(
        responses,
        () -> {
          LakeTable table = table(request.getTable());
          return EvolveSchemaResponse.newBuilder()
              .setTable(ProtoMapping.toProto(SchemaChanges.of(table, request).commit()))
              .build();
        });
  }

  @Override
  public void moveTag(MoveTagRequest request, StreamObserver<MoveTagResponse> responses) {
    unary(
        responses,
        () -> {
          LakeTable table = table(request.getTable());
          RefInfo moved =
              table.admin().moveTag(required("tag", request.getTag()), request.getSnapshotId());
          return MoveTagResponse.newBuilder().setRef(VersionProtos.toProto(moved)).build();
        });
  }

  @Override
  public void dropTag(DropTagRequest request, StreamObserver<DropTagResponse> responses) {
    unary(
        responses,
        () -> {
          table(request.getTable()).admin().dropTag(required("tag", request.getTag()));
          return DropTagResponse.getDefaultInstance();
        });
  }

  @Override
  public void dropBranch(DropBranchRequest request, StreamObserver<DropBranchResponse> responses) {
    unary(
        responses,
        () -> {
          table(request.getTable()).admin().dropBranch(required("branch", request.getBranch()));
          return DropBranchResponse.getDefaultInstance();
        });
  }

  private LakeTable table(String table) {
    return lake.table(TableName.parse(required("table", table)));
  }

  private static String required(String field, String value) {
    if (value.isEmpty()) {
      throw invalid("%s is empty", field);
    }
    return name(field, value);
  }

  private static String name(String field, String value) {
    return GrpcText.checkLength(field, value, MAX_NAME);
  }

  private static IngestException invalid(String format, Object... args) {
    return new IngestException(ErrorKind.INVALID_ARGUMENT, String.format(format, args));
  }

  private static <T> void unary(StreamObserver<T> responses, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      responses.onError(GrpcText.capped(GrpcErrors.toStatus(e)));
      return;
    }
    responses.onNext(result);
    responses.onCompleted();
  }
}
