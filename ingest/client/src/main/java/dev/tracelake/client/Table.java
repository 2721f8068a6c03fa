package dev.tracelake.client;

import dev.tracelake.proto.v1.CreateBranchRequest;
import dev.tracelake.proto.v1.CreateTagRequest;
import dev.tracelake.proto.v1.DescribeTableAtRequest;
import dev.tracelake.proto.v1.DescribeTableAtResponse;
import dev.tracelake.proto.v1.DropBranchRequest;
import dev.tracelake.proto.v1.DropTagRequest;
import dev.tracelake.proto.v1.EvolveSchemaRequest;
import dev.tracelake.proto.v1.FastForwardBranchRequest;
import dev.tracelake.proto.v1.ListRefsRequest;
import dev.tracelake.proto.v1.MoveTagRequest;
import dev.tracelake.proto.v1.PublishBranchRequest;
import dev.tracelake.proto.v1.TableServiceGrpc;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One table on the server: its versions, refs and schema. Obtain one from {@link
 * TracelakeClient#table}; it holds no state but the name, so it never goes stale. Thread-safe.
 *
 * <pre>{@code
 * Table events = client.table("events");
 * events.createBranch("audit");                    // write-audit-publish: stage ...
 * // ... write with WriterOptions.builder().branch("audit"), check the rows ...
 * events.publish("audit");                         // ... then fast-forward main to it
 * events.createTag("training-set-fraud-v3");       // name the head of main for good
 * }</pre>
 *
 * <p>Failures are {@link TracelakeException}s with the server's status: NOT_FOUND for an unknown
 * table, ref, snapshot or column, ALREADY_EXISTS for a taken ref name, FAILED_PRECONDITION for a
 * publish that is not a fast-forward, INVALID_ARGUMENT for a malformed name or an unsafe schema
 * change.
 */
public final class Table {
  private final String name;
  private final Supplier<TableServiceGrpc.TableServiceBlockingStub> stub;
  private final TracelakeClient client;

  Table(
      String name,
      TracelakeClient client,
      Supplier<TableServiceGrpc.TableServiceBlockingStub> stub) {
    this.name = Objects.requireNonNull(name, "table");
    this.client = client;
    this.stub = stub;
  }

  /** Returns the table's name as given. */
  public String name() {
    return name;
  }

  /** Describes the table as it is now (see {@link TracelakeClient#describe}). */
  public TableInfo describe() {
    return client.describe(name);
  }

  /**
   * Describes the table as read at a branch or tag: a tag with the columns the table had then, a
   * branch with today's.
   *
   * @throws TracelakeException NOT_FOUND for an unknown table or ref
   */
  public TableVersion describeAt(String ref) {
    Objects.requireNonNull(ref, "ref");
    return describeAt(
        "Cannot describe table " + name + " at '" + ref + "'",
        DescribeTableAtRequest.newBuilder().setTable(name).setRef(ref).build());
  }

  /**
   * Describes the table as read at a snapshot, with the columns the table had then.
   *
   * @throws TracelakeException NOT_FOUND for an unknown table or snapshot
   */
  public TableVersion describeAtSnapshot(long snapshotId) {
    return describeAt(
        "Cannot describe table " + name + " at snapshot " + snapshotId,
        DescribeTableAtRequest.newBuilder().setTable(name).setSnapshotId(snapshotId).build());
  }

  private TableVersion describeAt(String context, DescribeTableAtRequest request) {
    DescribeTableAtResponse r =
        TracelakeClient.call(context, () -> stub.get().describeTableAt(request));
    return new TableVersion(
        ProtoValues.fromProto(r.getTable()),
        r.hasRef() ? Optional.of(ProtoValues.fromProto(r.getRef())) : Optional.empty(),
        r.hasSnapshot() ? Optional.of(ProtoValues.fromProto(r.getSnapshot())) : Optional.empty());
  }

  /** Starts a listing of the table's snapshots, oldest first; refine it, then read pages. */
  public SnapshotListing snapshots() {
    return SnapshotListing.of(name, stub);
  }

  /**
   * Lists the table's branches and tags.
   *
   * @return branches first, then tags, each by name
   */
  public List<Ref> refs() {
    return TracelakeClient.call(
            "Cannot list the refs of table " + name,
            () -> stub.get().listRefs(ListRefsRequest.newBuilder().setTable(name).build()))
        .getRefsList()
        .stream()
        .map(ProtoValues::fromProto)
        .toList();
  }

  /**
   * Tags the head of {@code main}. Tags are immutable.
   *
   * @throws TracelakeException ALREADY_EXISTS when the name is taken, FAILED_PRECONDITION when main
   *     has no snapshot yet, INVALID_ARGUMENT for a malformed name
   */
  public Ref createTag(String tag) {
    return createTag(CreateTagRequest.newBuilder().setTable(name).setTag(tag));
  }

  /**
   * Tags a snapshot. Tags are immutable.
   *
   * @throws TracelakeException ALREADY_EXISTS when the name is taken, NOT_FOUND for an unknown
   *     snapshot, INVALID_ARGUMENT for a malformed name
   */
  public Ref createTag(String tag, long snapshotId) {
    return createTag(
        CreateTagRequest.newBuilder().setTable(name).setTag(tag).setSnapshotId(snapshotId));
  }

  private Ref createTag(CreateTagRequest.Builder request) {
    return ProtoValues.fromProto(
        TracelakeClient.call(
                "Cannot tag table " + name + " as '" + request.getTag() + "'",
                () -> stub.get().createTag(request.build()))
            .getRef());
  }

  /**
   * Creates a branch at the head of {@code main} (an empty branch when main has no snapshot).
   *
   * @throws TracelakeException ALREADY_EXISTS when the name is taken
   */
  public Ref createBranch(String branch) {
    return createBranch(CreateBranchRequest.newBuilder().setTable(name).setBranch(branch));
  }

  /**
   * Creates a branch at a snapshot.
   *
   * @throws TracelakeException ALREADY_EXISTS when the name is taken, NOT_FOUND for an unknown
   *     snapshot
   */
  public Ref createBranch(String branch, long snapshotId) {
    return createBranch(
        CreateBranchRequest.newBuilder()
            .setTable(name)
            .setBranch(branch)
            .setSnapshotId(snapshotId));
  }

  private Ref createBranch(CreateBranchRequest.Builder request) {
    return ProtoValues.fromProto(
        TracelakeClient.call(
                "Cannot create branch '" + request.getBranch() + "' of table " + name,
                () -> stub.get().createBranch(request.build()))
            .getRef());
  }

  /**
   * Moves {@code branch} forward to the head of {@code toBranch}.
   *
   * @return the moved branch
   * @throws TracelakeException FAILED_PRECONDITION when {@code branch} moved on since {@code
   *     toBranch} was made from it, NOT_FOUND for an unknown branch
   */
  public Ref fastForward(String branch, String toBranch) {
    FastForwardBranchRequest request =
        FastForwardBranchRequest.newBuilder()
            .setTable(name)
            .setBranch(branch)
            .setToBranch(toBranch)
            .build();
    return ProtoValues.fromProto(
        TracelakeClient.call(
                "Cannot fast-forward branch '" + branch + "' of table " + name + " to " + toBranch,
                () -> stub.get().fastForwardBranch(request))
            .getRef());
  }

  /**
   * Publishes a branch: fast-forwards {@code main} to its head (write-audit-publish).
   *
   * @return main, now at the branch's head
   * @throws TracelakeException FAILED_PRECONDITION when main moved on since the branch was made
   */
  public Ref publish(String branch) {
    PublishBranchRequest request =
        PublishBranchRequest.newBuilder().setTable(name).setBranch(branch).build();
    return ProtoValues.fromProto(
        TracelakeClient.call(
                "Cannot publish branch '" + branch + "' of table " + name,
                () -> stub.get().publishBranch(request))
            .getRef());
  }

  /**
   * Applies schema changes in one commit, all or none.
   *
   * @return the table after the change
   * @throws TracelakeException INVALID_ARGUMENT for an unsafe change (naming the column and the
   *     reason), NOT_FOUND for an unknown column, ALREADY_EXISTS for a column that exists
   * @throws IllegalArgumentException when the update holds no change
   */
  public TableInfo evolveSchema(SchemaUpdate update) {
    if (update.isEmpty()) {
      throw new IllegalArgumentException("The schema update of table " + name + " is empty");
    }
    EvolveSchemaRequest request =
        EvolveSchemaRequest.newBuilder().setTable(name).addAllChanges(update.changes()).build();
    return ProtoValues.fromProto(
        TracelakeClient.call(
                "Cannot evolve the schema of table " + name, () -> stub.get().evolveSchema(request))
            .getTable());
  }

  /** Returns the admin operations: the only way to move or drop a tag. Use with care. */
  public Admin admin() {
    return new Admin();
  }

  /**
   * Operations that move or drop what others rely on; an admin's privilege once access control
   * arrives.
   */
  public final class Admin {
    private Admin() {}

    /**
     * Points an existing tag at another snapshot.
     *
     * @throws TracelakeException NOT_FOUND for an unknown tag or snapshot
     */
    public Ref moveTag(String tag, long snapshotId) {
      MoveTagRequest request =
          MoveTagRequest.newBuilder().setTable(name).setTag(tag).setSnapshotId(snapshotId).build();
      return ProtoValues.fromProto(
          TracelakeClient.call(
                  "Cannot move tag '" + tag + "' of table " + name,
                  () -> stub.get().moveTag(request))
              .getRef());
    }

    /**
     * Drops a tag; its snapshot stays.
     *
     * @throws TracelakeException NOT_FOUND for an unknown tag
     */
    public void dropTag(String tag) {
      DropTagRequest request = DropTagRequest.newBuilder().setTable(name).setTag(tag).build();
      TracelakeClient.call(
          "Cannot drop tag '" + tag + "' of table " + name, () -> stub.get().dropTag(request));
    }

    /**
     * Drops a branch other than main; its snapshots stay readable by id.
     *
     * @throws TracelakeException NOT_FOUND for an unknown branch, INVALID_ARGUMENT for main
     */
    public void dropBranch(String branch) {
      DropBranchRequest request =
          DropBranchRequest.newBuilder().setTable(name).setBranch(branch).build();
      TracelakeClient.call(
          "Cannot drop branch '" + branch + "' of table " + name,
          () -> stub.get().dropBranch(request));
    }
  }
}
