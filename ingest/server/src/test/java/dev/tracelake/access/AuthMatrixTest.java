package dev.tracelake.access;

import static dev.tracelake.access.AuthServerFixture.FEATURES;
import static dev.tracelake.access.AuthServerFixture.SALARIES;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.tracelake.lake.TableName;
import dev.tracelake.proto.v1.AppendRowsRequest;
import dev.tracelake.proto.v1.AuthServiceGrpc;
import dev.tracelake.proto.v1.ColumnList;
import dev.tracelake.proto.v1.ColumnSpec;
import dev.tracelake.proto.v1.CommitEmptyReplayBatchRequest;
import dev.tracelake.proto.v1.CompareReplayRequest;
import dev.tracelake.proto.v1.CreateBranchRequest;
import dev.tracelake.proto.v1.CreateReplayRequest;
import dev.tracelake.proto.v1.CreateTableRequest;
import dev.tracelake.proto.v1.CreateTagRequest;
import dev.tracelake.proto.v1.CreateTokenRequest;
import dev.tracelake.proto.v1.DescribeTableAtRequest;
import dev.tracelake.proto.v1.DescribeTableRequest;
import dev.tracelake.proto.v1.DropBranchRequest;
import dev.tracelake.proto.v1.DropReplayRequest;
import dev.tracelake.proto.v1.DropTagRequest;
import dev.tracelake.proto.v1.EvolveSchemaRequest;
import dev.tracelake.proto.v1.ExecuteRequest;
import dev.tracelake.proto.v1.ExplainRequest;
import dev.tracelake.proto.v1.FastForwardBranchRequest;
import dev.tracelake.proto.v1.FinishRunRequest;
import dev.tracelake.proto.v1.GetReplayRequest;
import dev.tracelake.proto.v1.GetRunRequest;
import dev.tracelake.proto.v1.GetWriterOffsetRequest;
import dev.tracelake.proto.v1.GrantRequest;
import dev.tracelake.proto.v1.ImpactRequest;
import dev.tracelake.proto.v1.IngestServiceGrpc;
import dev.tracelake.proto.v1.JsonRows;
import dev.tracelake.proto.v1.LineageServiceGrpc;
import dev.tracelake.proto.v1.ListGrantsRequest;
import dev.tracelake.proto.v1.ListRefsRequest;
import dev.tracelake.proto.v1.ListReplaysRequest;
import dev.tracelake.proto.v1.ListRunsRequest;
import dev.tracelake.proto.v1.ListSnapshotsRequest;
import dev.tracelake.proto.v1.ListTablesRequest;
import dev.tracelake.proto.v1.ListTokensRequest;
import dev.tracelake.proto.v1.MoveTagRequest;
import dev.tracelake.proto.v1.Provenance;
import dev.tracelake.proto.v1.PublishBranchRequest;
import dev.tracelake.proto.v1.PublishReplayRequest;
import dev.tracelake.proto.v1.QueryServiceGrpc;
import dev.tracelake.proto.v1.RecordRef;
import dev.tracelake.proto.v1.ReindexRequest;
import dev.tracelake.proto.v1.ReplayServiceGrpc;
import dev.tracelake.proto.v1.ReplaySlice;
import dev.tracelake.proto.v1.RevokeRequest;
import dev.tracelake.proto.v1.RevokeTokenRequest;
import dev.tracelake.proto.v1.Run;
import dev.tracelake.proto.v1.RunState;
import dev.tracelake.proto.v1.StartRunRequest;
import dev.tracelake.proto.v1.StreamReplayRequest;
import dev.tracelake.proto.v1.TableServiceGrpc;
import dev.tracelake.proto.v1.TraceRequest;
import dev.tracelake.proto.v1.WhoAmIRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every gRPC method of the server x {no token, malformed header, unknown token, expired, revoked,
 * each role, the wrong table}: the exact status, and for every refusal, that nothing changed (the
 * tables, their snapshots, refs and schemas, the tokens and grants).
 *
 * <p>What each principal may do is stated here, independently of the code under test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthMatrixTest {
  AuthServerFixture fx;
  final AtomicInteger serial = new AtomicInteger();

  /** What a method needs. */
  enum Need {
    /** any privilege on the table (metadata: schema, snapshots, refs) */
    SEE,
    WRITE,
    LINEAGE,
    ADMIN,
    /** admin on the whole lake */
    ADMIN_ALL,
    /** admin on the table's namespace or the table: managing grants on that scope */
    GRANT,
    /** admin on some namespace or table (the service filters what it shows) */
    ADMIN_ANY,
    /** write on some table */
    WRITE_ANY,
    /** lineage on some table */
    LINEAGE_ANY,
    /** only a valid token */
    AUTHENTICATED,
    /** read on the table, refused as missing when the table is not visible */
    SQL,
    /** read and write on the table (creating a replay of it) */
    READ_WRITE
  }

  record Case(
      String name,
      MethodDescriptor<Message, Message> method,
      Need need,
      Function<TableName, Message> request) {}

  /** The privileges each principal holds, per namespace ("*": everywhere), as granted. */
  static final Map<String, Map<String, Set<String>>> HOLDS = new LinkedHashMap<>();

  static {
    HOLDS.put("reader", Map.of("fraud", Set.of("read", "lineage")));
    HOLDS.put("writer", Map.of("fraud", Set.of("write")));
    HOLDS.put("lineage-only", Map.of("fraud", Set.of("lineage")));
    HOLDS.put("fraud-admin", Map.of("fraud", Set.of("admin")));
    HOLDS.put("lake-admin", Map.of("*", Set.of("admin")));
    HOLDS.put("auditor", Map.of("*", Set.of("audit"), "fraud", Set.of("read")));
    HOLDS.put("nobody", Map.of());
  }

  static boolean holds(String principal, String privilege, TableName t) {
    if (principal.equals("admin")) {
      return true;
    }
    Map<String, Set<String>> p = HOLDS.get(principal);
    return p.getOrDefault(t.namespace(), Set.of()).contains(privilege)
        || p.getOrDefault("*", Set.of()).contains(privilege);
  }

  static boolean holdsAnywhere(String principal, String privilege) {
    return principal.equals("admin")
        || HOLDS.get(principal).values().stream().anyMatch(s -> s.contains(privilege));
  }

  static boolean sees(String principal, TableName t) {
    return Stream.of("read", "write", "lineage", "admin").anyMatch(p -> holds(principal, p, t));
  }

  static boolean allowed(String principal, Need need, TableName t) {
    return switch (need) {
      case SEE -> sees(principal, t);
      case WRITE -> holds(principal, "write", t);
      case LINEAGE -> holds(principal, "lineage", t);
      case ADMIN -> holds(principal, "admin", t);
      case ADMIN_ALL ->
          principal.equals("admin")
              || HOLDS.get(principal).getOrDefault("*", Set.of()).contains("admin");
      case GRANT -> holds(principal, "admin", t);
      case ADMIN_ANY -> holdsAnywhere(principal, "admin");
      case WRITE_ANY -> holdsAnywhere(principal, "write");
      case LINEAGE_ANY -> holdsAnywhere(principal, "lineage");
      case AUTHENTICATED -> true;
      case SQL -> holds(principal, "read", t);
      case READ_WRITE -> holds(principal, "read", t) && holds(principal, "write", t);
    };
  }

  @SuppressWarnings("unchecked")
  static MethodDescriptor<Message, Message> m(MethodDescriptor<?, ?> method) {
    return (MethodDescriptor<Message, Message>) method;
  }

  List<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(
        new Case(
            "CreateTable",
            m(IngestServiceGrpc.getCreateTableMethod()),
            Need.WRITE,
            t ->
                CreateTableRequest.newBuilder()
                    .setTable(t.namespace() + ".made_" + serial.incrementAndGet())
                    .setColumns(
                        ColumnList.newBuilder()
                            .addColumns(ColumnSpec.newBuilder().setName("x").setType("long")))
                    .build()));
    c.add(
        new Case(
            "ListTables",
            m(IngestServiceGrpc.getListTablesMethod()),
            Need.AUTHENTICATED,
            t -> ListTablesRequest.getDefaultInstance()));
    c.add(
        new Case(
            "DescribeTable",
            m(IngestServiceGrpc.getDescribeTableMethod()),
            Need.SEE,
            t -> DescribeTableRequest.newBuilder().setTable(t.toString()).build()));
    c.add(
        new Case(
            "GetWriterOffset",
            m(IngestServiceGrpc.getGetWriterOffsetMethod()),
            Need.WRITE,
            t ->
                GetWriterOffsetRequest.newBuilder()
                    .setTable(t.toString())
                    .setWriterId("w1")
                    .build()));
    c.add(
        new Case(
            "AppendRows",
            m(IngestServiceGrpc.getAppendRowsMethod()),
            Need.WRITE,
            t ->
                AppendRowsRequest.newBuilder()
                    .setTable(t.toString())
                    .setWriterId("matrix-" + serial.incrementAndGet())
                    .setOffset(0)
                    .setProvenance(Provenance.newBuilder().setProducer("matrix"))
                    .setJsonRows(
                        JsonRows.newBuilder().addRows("{\"entity\": \"m\", \"amount\": 7}"))
                    .build()));
    c.add(
        new Case(
            "ListSnapshots",
            m(TableServiceGrpc.getListSnapshotsMethod()),
            Need.SEE,
            t -> ListSnapshotsRequest.newBuilder().setTable(t.toString()).build()));
    c.add(
        new Case(
            "ListRefs",
            m(TableServiceGrpc.getListRefsMethod()),
            Need.SEE,
            t -> ListRefsRequest.newBuilder().setTable(t.toString()).build()));
    c.add(
        new Case(
            "DescribeTableAt",
            m(TableServiceGrpc.getDescribeTableAtMethod()),
            Need.SEE,
            t ->
                DescribeTableAtRequest.newBuilder().setTable(t.toString()).setRef("main").build()));
    c.add(
        new Case(
            "CreateTag",
            m(TableServiceGrpc.getCreateTagMethod()),
            Need.WRITE,
            t ->
                CreateTagRequest.newBuilder()
                    .setTable(t.toString())
                    .setTag("tag" + serial.incrementAndGet())
                    .build()));
    c.add(
        new Case(
            "CreateBranch",
            m(TableServiceGrpc.getCreateBranchMethod()),
            Need.WRITE,
            t ->
                CreateBranchRequest.newBuilder()
                    .setTable(t.toString())
                    .setBranch("br" + serial.incrementAndGet())
                    .build()));
    c.add(
        new Case(
            "FastForwardBranch",
            m(TableServiceGrpc.getFastForwardBranchMethod()),
            Need.WRITE,
            t ->
                FastForwardBranchRequest.newBuilder()
                    .setTable(t.toString())
                    .setBranch("main")
                    .setToBranch("nope")
                    .build()));
    c.add(
        new Case(
            "PublishBranch",
            m(TableServiceGrpc.getPublishBranchMethod()),
            Need.WRITE,
            t ->
                PublishBranchRequest.newBuilder()
                    .setTable(t.toString())
                    .setBranch("nope")
                    .build()));
    c.add(
        new Case(
            "EvolveSchema",
            m(TableServiceGrpc.getEvolveSchemaMethod()),
            Need.WRITE,
            t -> EvolveSchemaRequest.newBuilder().setTable(t.toString()).build()));
    c.add(
        new Case(
            "MoveTag",
            m(TableServiceGrpc.getMoveTagMethod()),
            Need.ADMIN,
            t ->
                MoveTagRequest.newBuilder()
                    .setTable(t.toString())
                    .setTag("nope")
                    .setSnapshotId(1)
                    .build()));
    c.add(
        new Case(
            "DropTag",
            m(TableServiceGrpc.getDropTagMethod()),
            Need.ADMIN,
            t -> DropTagRequest.newBuilder().setTable(t.toString()).setTag("nope").build()));
    c.add(
        new Case(
            "DropBranch",
            m(TableServiceGrpc.getDropBranchMethod()),
            Need.ADMIN,
            t -> DropBranchRequest.newBuilder().setTable(t.toString()).setBranch("nope").build()));
    c.add(
        new Case(
            "Explain",
            m(LineageServiceGrpc.getExplainMethod()),
            Need.LINEAGE,
            t ->
                ExplainRequest.newBuilder()
                    .setTable(t.toString())
                    .setRecordId("no-such-record")
                    .build()));
    c.add(
        new Case(
            "Trace",
            m(LineageServiceGrpc.getTraceMethod()),
            Need.LINEAGE,
            t ->
                TraceRequest.newBuilder()
                    .setTable(t.toString())
                    .setRecordId("no-such-record")
                    .build()));
    c.add(
        new Case(
            "ImpactOfRecord",
            m(LineageServiceGrpc.getImpactMethod()),
            Need.LINEAGE,
            t ->
                ImpactRequest.newBuilder()
                    .setRecord(
                        RecordRef.newBuilder().setTable(t.toString()).setRecordId("no-such-record"))
                    .build()));
    c.add(
        new Case(
            "ImpactOfModel",
            m(LineageServiceGrpc.getImpactMethod()),
            Need.LINEAGE_ANY,
            t -> ImpactRequest.newBuilder().setModel("fraud:v3").build()));
    c.add(
        new Case(
            "Reindex",
            m(LineageServiceGrpc.getReindexMethod()),
            Need.ADMIN_ALL,
            t -> ReindexRequest.getDefaultInstance()));
    c.add(
        new Case(
            "StartRun",
            m(LineageServiceGrpc.getStartRunMethod()),
            Need.WRITE_ANY,
            t ->
                StartRunRequest.newBuilder()
                    .setRun(
                        Run.newBuilder()
                            .setRunId("run-" + serial.incrementAndGet())
                            .setJobName("job"))
                    .build()));
    c.add(
        new Case(
            "FinishRun",
            m(LineageServiceGrpc.getFinishRunMethod()),
            Need.WRITE_ANY,
            t ->
                FinishRunRequest.newBuilder()
                    .setRunId("no-such-run")
                    .setState(RunState.RUN_STATE_COMPLETED)
                    .build()));
    c.add(
        new Case(
            "GetRun",
            m(LineageServiceGrpc.getGetRunMethod()),
            Need.LINEAGE_ANY,
            t -> GetRunRequest.newBuilder().setRunId("no-such-run").build()));
    c.add(
        new Case(
            "ListRuns",
            m(LineageServiceGrpc.getListRunsMethod()),
            Need.LINEAGE_ANY,
            t -> ListRunsRequest.getDefaultInstance()));
    c.add(
        new Case(
            "Execute",
            m(QueryServiceGrpc.getExecuteMethod()),
            Need.SQL,
            t -> ExecuteRequest.newBuilder().setSql("SELECT count(*) FROM " + t).build()));
    c.add(
        new Case(
            "WhoAmI",
            m(AuthServiceGrpc.getWhoAmIMethod()),
            Need.AUTHENTICATED,
            t -> WhoAmIRequest.getDefaultInstance()));
    c.add(
        new Case(
            "CreateToken",
            m(AuthServiceGrpc.getCreateTokenMethod()),
            Need.ADMIN_ALL,
            t ->
                CreateTokenRequest.newBuilder()
                    .setPrincipal("made-" + serial.incrementAndGet())
                    .build()));
    c.add(
        new Case(
            "ListTokens",
            m(AuthServiceGrpc.getListTokensMethod()),
            Need.ADMIN_ALL,
            t -> ListTokensRequest.getDefaultInstance()));
    c.add(
        new Case(
            "RevokeToken",
            m(AuthServiceGrpc.getRevokeTokenMethod()),
            Need.ADMIN_ALL,
            t -> RevokeTokenRequest.newBuilder().setId("tk_none").build()));
    c.add(
        new Case(
            "Grant",
            m(AuthServiceGrpc.getGrantMethod()),
            Need.GRANT,
            t ->
                GrantRequest.newBuilder()
                    .setRole("made")
                    .setPrivilege("read")
                    .setScope(t.toString())
                    .build()));
    c.add(
        new Case(
            "Revoke",
            m(AuthServiceGrpc.getRevokeMethod()),
            Need.GRANT,
            t ->
                RevokeRequest.newBuilder()
                    .setRole("made")
                    .setPrivilege("read")
                    .setScope(t.toString())
                    .build()));
    c.add(
        new Case(
            "ListGrants",
            m(AuthServiceGrpc.getListGrantsMethod()),
            Need.ADMIN_ANY,
            t -> ListGrantsRequest.getDefaultInstance()));
    // replays name a replay, not tables: the service checks each table (ReplayAccessTest); here an
    // unknown replay answers NOT_FOUND to anyone past the coarse check of its access class
    c.add(
        new Case(
            "CreateReplay",
            m(ReplayServiceGrpc.getCreateReplayMethod()),
            Need.READ_WRITE,
            t ->
                CreateReplayRequest.newBuilder()
                    .setReplayId("matrix-" + serial.incrementAndGet())
                    .setSlice(ReplaySlice.newBuilder().setTable(t.toString()))
                    .build()));
    c.add(
        new Case(
            "GetReplay",
            m(ReplayServiceGrpc.getGetReplayMethod()),
            Need.AUTHENTICATED,
            t -> GetReplayRequest.newBuilder().setReplayId("no-such-replay").build()));
    c.add(
        new Case(
            "ListReplays",
            m(ReplayServiceGrpc.getListReplaysMethod()),
            Need.SEE,
            t -> ListReplaysRequest.newBuilder().setTable(t.toString()).build()));
    c.add(
        new Case(
            "StreamReplay",
            m(ReplayServiceGrpc.getStreamReplayMethod()),
            Need.AUTHENTICATED,
            t -> StreamReplayRequest.newBuilder().setReplayId("no-such-replay").build()));
    c.add(
        new Case(
            "CompareReplay",
            m(ReplayServiceGrpc.getCompareReplayMethod()),
            Need.AUTHENTICATED,
            t -> CompareReplayRequest.newBuilder().setReplayId("no-such-replay").build()));
    c.add(
        new Case(
            "PublishReplay",
            m(ReplayServiceGrpc.getPublishReplayMethod()),
            Need.WRITE_ANY,
            t -> PublishReplayRequest.newBuilder().setReplayId("no-such-replay").build()));
    c.add(
        new Case(
            "CommitEmptyReplayBatch",
            m(ReplayServiceGrpc.getCommitEmptyReplayBatchMethod()),
            Need.WRITE_ANY,
            t -> CommitEmptyReplayBatchRequest.newBuilder().setReplayId("no-such-replay").build()));
    c.add(
        new Case(
            "DropReplay",
            m(ReplayServiceGrpc.getDropReplayMethod()),
            Need.ADMIN_ALL,
            t -> DropReplayRequest.newBuilder().setReplayId("no-such-replay").build()));
    return c;
  }

  @BeforeAll
  void start(@TempDir Path warehouse) {
    fx = new AuthServerFixture(warehouse);
    fx.expire();
  }

  @AfterAll
  void stop() throws InterruptedException {
    fx.close();
  }

  @Test
  void theMatrixCoversEveryMethodTheServerServes() {
    Set<String> served = new HashSet<>();
    for (ServerServiceDefinition s : fx.server.services()) {
      String name = s.getServiceDescriptor().getName();
      if (name.startsWith("grpc.")) {
        continue; // health and reflection: open by design
      }
      s.getMethods().forEach(mt -> served.add(mt.getMethodDescriptor().getFullMethodName()));
    }
    Set<String> covered = new HashSet<>();
    cases().forEach(c -> covered.add(c.method().getFullMethodName()));
    assertThat(covered).containsExactlyInAnyOrderElementsOf(served);
  }

  /** Calls a method with the given authorization header; returns how it ended. */
  Status call(Case c, Message request, String authorization) {
    Metadata headers = new Metadata();
    if (authorization != null) {
      headers.put(AuthInterceptor.AUTHORIZATION, authorization);
    }
    Channel channel =
        ClientInterceptors.intercept(
            fx.channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS);
    try {
      switch (c.method().getType()) {
        case UNARY -> ClientCalls.blockingUnaryCall(channel, c.method(), options, request);
        case SERVER_STREAMING -> {
          Iterator<Message> it =
              ClientCalls.blockingServerStreamingCall(channel, c.method(), options, request);
          while (it.hasNext()) {
            it.next();
          }
        }
        default -> {
          CompletableFuture<Status> done = new CompletableFuture<>();
          StreamObserver<Message> requests =
              ClientCalls.asyncBidiStreamingCall(
                  channel.newCall(c.method(), options),
                  new StreamObserver<>() {
                    @Override
                    public void onNext(Message value) {}

                    @Override
                    public void onError(Throwable t) {
                      done.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                      done.complete(Status.OK);
                    }
                  });
          requests.onNext(request);
          requests.onCompleted();
          return done.get(60, TimeUnit.SECONDS);
        }
      }
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @TestFactory
  Stream<DynamicTest> withoutAValidTokenEveryMethodIsUnauthenticatedAndChangesNothing() {
    Map<String, String> credentials = new LinkedHashMap<>();
    credentials.put("no token", null);
    credentials.put("not a bearer header", "Basic " + AuthServerFixture.ADMIN_TOKEN);
    credentials.put("unknown token", "Bearer tlk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    credentials.put("empty bearer", "Bearer ");
    credentials.put("expired token", "Bearer " + fx.expiredToken);
    credentials.put("revoked token", "Bearer " + fx.revokedToken);
    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : cases()) {
      for (Map.Entry<String, String> cred : credentials.entrySet()) {
        tests.add(
            DynamicTest.dynamicTest(
                c.name() + " with " + cred.getKey(),
                () -> {
                  String before = fx.fingerprint();
                  Status s = call(c, c.request().apply(FEATURES), cred.getValue());
                  assertThat(s.getCode()).as(s.toString()).isEqualTo(Status.Code.UNAUTHENTICATED);
                  assertThat(fx.fingerprint()).isEqualTo(before);
                }));
      }
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> eachRoleGetsExactlyWhatItsGrantsAllowOnTheRightAndTheWrongTable() {
    List<DynamicTest> tests = new ArrayList<>();
    List<String> principals = new ArrayList<>(HOLDS.keySet());
    principals.add("admin");
    for (Case c : cases()) {
      for (String principal : principals) {
        for (TableName table : List.of(FEATURES, SALARIES)) {
          tests.add(
              DynamicTest.dynamicTest(
                  c.name() + " by " + principal + " on " + table,
                  () -> check(c, principal, table)));
        }
      }
    }
    return tests.stream();
  }

  static String principalName(String principal) {
    return principal.equals("admin") ? LocalCredential.PRINCIPAL : principal;
  }

  void check(Case c, String principal, TableName table) {
    String before = fx.fingerprint();
    Status s = call(c, c.request().apply(table), "Bearer " + fx.tokens.get(principal));
    if (allowed(principal, c.need(), table)) {
      assertThat(s.getCode())
          .as("%s by %s on %s: %s", c.name(), principal, table, s)
          .isNotIn(
              Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED, Status.Code.INTERNAL);
      if (c.need() == Need.SQL) {
        assertThat(s.getCode()).isEqualTo(Status.Code.OK);
      }
      return;
    }
    Status.Code expected =
        c.need() == Need.SQL && !sees(principal, table)
            ? Status.Code.NOT_FOUND // a table one may not see answers as a missing one
            : Status.Code.PERMISSION_DENIED;
    assertThat(s.getCode())
        .as("%s by %s on %s: %s", c.name(), principal, table, s)
        .isEqualTo(expected);
    if (expected == Status.Code.PERMISSION_DENIED) {
      assertThat(s.getDescription()).contains("'" + principalName(principal) + "'");
      assertThat(s.getDescription()).containsAnyOf("'read'", "'write'", "'lineage'", "'admin'");
      // a grant is refused before the service without admin anywhere, on its scope inside it
      boolean namesScope = c.need() == Need.GRANT && holdsAnywhere(principal, "admin");
      if ((namesScope
              || List.of(Need.SEE, Need.WRITE, Need.LINEAGE, Need.ADMIN, Need.SQL)
                  .contains(c.need()))
          && !c.name().equals("CreateTable")) {
        assertThat(s.getDescription()).contains(table.toString());
      }
    } else {
      // the same answer, word for word, as for a table that does not exist
      TableName missing = new TableName(table.namespace(), "no_such_table");
      Status ofMissing = call(c, c.request().apply(missing), "Bearer " + fx.tokens.get(principal));
      assertThat(ofMissing.getCode()).isEqualTo(Status.Code.NOT_FOUND);
      assertThat(s.getDescription())
          .isEqualTo(ofMissing.getDescription().replace("no_such_table", table.name()));
    }
    assertThat(fx.fingerprint()).as("nothing changed").isEqualTo(before);
  }
}
