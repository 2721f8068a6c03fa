package dev.tracelake.client;

import dev.tracelake.proto.v1.ListSnapshotsRequest;
import dev.tracelake.proto.v1.ListSnapshotsResponse;
import dev.tracelake.proto.v1.TableServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A listing of a table's snapshots: all of them or one ref's history, oldest or newest first, read
 * a page at a time. Immutable: each refinement returns a new listing.
 *
 * <pre>{@code
 * SnapshotPage page = client.table("events").snapshots().ref("audit").newestFirst().page("");
 * }</pre>
 */
public final class SnapshotListing {
  private final String table;
  private final Supplier<TableServiceGrpc.TableServiceBlockingStub> stub;
  private final String ref;
  private final boolean newestFirst;
  private final int pageSize;

  private SnapshotListing(
      String table,
      Supplier<TableServiceGrpc.TableServiceBlockingStub> stub,
      String ref,
      boolean newestFirst,
      int pageSize) {
    this.table = table;
    this.stub = stub;
    this.ref = ref;
    this.newestFirst = newestFirst;
    this.pageSize = pageSize;
  }

  static SnapshotListing of(
      String table, Supplier<TableServiceGrpc.TableServiceBlockingStub> stub) {
    return new SnapshotListing(table, stub, "", false, 0);
  }

  /** Lists only the history of a branch or tag: its head and the head's ancestors. */
  public SnapshotListing ref(String branchOrTag) {
    return new SnapshotListing(
        table, stub, Objects.requireNonNull(branchOrTag, "ref"), newestFirst, pageSize);
  }

  /** Lists newest first. */
  public SnapshotListing newestFirst() {
    return new SnapshotListing(table, stub, ref, true, pageSize);
  }

  /**
   * Sets the most snapshots per page.
   *
   * @throws IllegalArgumentException unless 1 to 1000
   */
  public SnapshotListing pageSize(int size) {
    if (size < 1 || size > 1000) {
      throw new IllegalArgumentException("Page size must be 1 to 1000, got " + size);
    }
    return new SnapshotListing(table, stub, ref, newestFirst, size);
  }

  /**
   * Reads one page.
   *
   * @param pageToken empty for the first page, else the previous page's {@link
   *     SnapshotPage#nextPageToken()}
   * @throws TracelakeException NOT_FOUND for an unknown table or ref, INVALID_ARGUMENT for a token
   *     of another listing
   */
  public SnapshotPage page(String pageToken) {
    ListSnapshotsRequest request =
        ListSnapshotsRequest.newBuilder()
            .setTable(table)
            .setRef(ref)
            .setNewestFirst(newestFirst)
            .setPageSize(pageSize)
            .setPageToken(Objects.requireNonNull(pageToken, "pageToken"))
            .build();
    ListSnapshotsResponse r =
        TracelakeClient.call(
            "Cannot list the snapshots of table " + table + (ref.isEmpty() ? "" : " at " + ref),
            () -> stub.get().listSnapshots(request));
    return new SnapshotPage(
        r.getSnapshotsList().stream().map(ProtoValues::fromProto).toList(), r.getNextPageToken());
  }

  /** Reads every page and returns all the snapshots, in the listing's order. */
  public List<Snapshot> all() {
    List<Snapshot> all = new ArrayList<>();
    String token = "";
    do {
      SnapshotPage page = page(token);
      all.addAll(page.snapshots());
      token = page.nextPageToken();
    } while (!token.isEmpty());
    return all;
  }
}
