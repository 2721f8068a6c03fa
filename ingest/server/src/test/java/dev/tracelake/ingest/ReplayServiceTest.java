package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.proto.v1.Access;
import dev.tracelake.proto.v1.CreateReplayResponse;
import dev.tracelake.proto.v1.GetReplayRequest;
import dev.tracelake.proto.v1.ReplayServiceGrpc;
import dev.tracelake.proto.v1.ReplayState;
import dev.tracelake.proto.v1.StreamReplayRequest;
import dev.tracelake.proto.v1.StreamReplayResponse;
import dev.tracelake.wire.ArrowIpc;
import io.grpc.Context;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.ByteArrayInputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * ReplayService on the wire: the access class of every RPC, the shape of the input stream (a header
 * with Arrow schemas, batches readable with them, a summary), and a stream the client abandons
 * half-way.
 */
class ReplayServiceTest extends ReplayServerTestBase {
  @Test
  void everyRpcDeclaresItsAccessClass() {
    // a replay streams the values of any table its outputs cite and its requests name no table:
    // the interceptor's coarse check; the service checks each table itself (ReplayAccessTest)
    Map<io.grpc.MethodDescriptor<?, ?>, Access> expected = new java.util.LinkedHashMap<>();
    expected.put(ReplayServiceGrpc.getCreateReplayMethod(), Access.ACCESS_WRITE);
    expected.put(ReplayServiceGrpc.getGetReplayMethod(), Access.ACCESS_READ);
    expected.put(ReplayServiceGrpc.getListReplaysMethod(), Access.ACCESS_READ);
    expected.put(ReplayServiceGrpc.getStreamReplayMethod(), Access.ACCESS_READ);
    expected.put(ReplayServiceGrpc.getCompareReplayMethod(), Access.ACCESS_READ);
    expected.put(ReplayServiceGrpc.getPublishReplayMethod(), Access.ACCESS_WRITE);
    expected.put(ReplayServiceGrpc.getCommitEmptyReplayBatchMethod(), Access.ACCESS_WRITE);
    expected.put(ReplayServiceGrpc.getDropReplayMethod(), Access.ACCESS_ADMIN);
    expected.forEach(
        (method, access) ->
            assertThat(MethodAccess.of(method)).as(method.getFullMethodName()).isEqualTo(access));
    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .check(
                    HealthCheckRequest.newBuilder()
                        .setService(TracelakeServer.REPLAY_SERVICE_NAME)
                        .build())
                .getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void theStreamIsAHeaderArrowBatchesAndASummary() throws Exception {
    CreateReplayResponse created = replays().createReplay(createRequest("r").build());
    assertThat(created.getCreated()).isTrue();
    assertThat(created.getReplay().getCases()).isEqualTo(COUNT);
    assertThat(created.getReplay().getBatches()).isEqualTo(3);
    assertThat(created.getReplay().getWriterId()).isEqualTo("replay.r");
    assertThat(created.getReplay().getBranch()).isEqualTo("replay/r");
    assertThat(created.getReplay().getState()).isEqualTo(ReplayState.REPLAY_STATE_CREATED);
    assertThat(replays().createReplay(createRequest("r").build()).getCreated()).isFalse();

    Iterator<StreamReplayResponse> stream =
        replays().streamReplay(StreamReplayRequest.newBuilder().setReplayId("r").build());
    StreamReplayResponse head = stream.next();
    assertThat(head.hasHeader()).isTrue();
    Schema cases = ArrowIpc.schema(head.getHeader().getCasesArrowSchema().toByteArray());
    assertThat(head.getHeader().getInputTablesList()).hasSize(1);
    Schema features =
        ArrowIpc.schema(head.getHeader().getInputTables(0).getArrowSchema().toByteArray());
    List<String> users = new ArrayList<>();
    List<Long> caseNumbers = new ArrayList<>();
    List<Long> batches = new ArrayList<>();
    StreamReplayResponse r;
    while (!(r = stream.next()).hasSummary()) {
      batches.add(r.getBatch().getBatch());
      try (VectorSchemaRoot c = load(cases, r.getBatch().getCasesArrowBatch().toByteArray());
          VectorSchemaRoot f =
              load(features, r.getBatch().getTables(0).getArrowBatch().toByteArray())) {
        for (int i = 0; i < c.getRowCount(); i++) {
          caseNumbers.add((Long) c.getVector("_case").getObject(i));
          Map<?, ?> ref = (Map<?, ?>) ((List<?>) c.getVector("_lineage").getObject(i)).get(0);
          int n = featureIds.indexOf(ref.get("record_id").toString());
          assertThat(ref.get("snapshot_id")).isEqualTo(featureSnapshots.get(n));
        }
        for (int i = 0; i < f.getRowCount(); i++) {
          users.add(f.getVector("user_id").getObject(i).toString());
          assertThat(f.getVector("_snapshot_id").getObject(i))
              .isEqualTo(
                  featureSnapshots.get(
                      featureIds.indexOf(f.getVector("_record_id").getObject(i).toString())));
        }
      }
    }
    assertThat(batches).containsExactly(0L, 1L, 2L);
    assertThat(caseNumbers).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
    // case n is the input of prediction n: production scored them in that order
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      expected.add("u" + i);
    }
    assertThat(users).containsExactlyElementsOf(expected);
    assertThat(r.getSummary().getBatches()).isEqualTo(3);
    assertThat(r.getSummary().getCases()).isEqualTo(COUNT);
    assertThat(r.getSummary().getInputRows()).isEqualTo(COUNT);
    assertThat(stream.hasNext()).isFalse();
  }

  @Test
  void aStreamTheClientAbandonsEndsAndTheServerServesOn() throws Exception {
    replays().createReplay(createRequest("r").setBatchCases(1).build());
    Context.CancellableContext context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      Iterator<StreamReplayResponse> stream =
          replays().streamReplay(StreamReplayRequest.newBuilder().setReplayId("r").build());
      stream.next();
      stream.next();
    } finally {
      context.detach(previous);
      context.cancel(null);
    }

    assertThat(
            replays()
                .getReplay(GetReplayRequest.newBuilder().setReplayId("r").build())
                .getReplay()
                .getCases())
        .isEqualTo(COUNT);
    Iterator<StreamReplayResponse> again =
        replays()
            .streamReplay(
                StreamReplayRequest.newBuilder().setReplayId("r").setFromBatch(10).build());
    again.next();
    assertThat(again.next().getBatch().getBatch()).isEqualTo(10);
    assertThat(again.next().getBatch().getBatch()).isEqualTo(11);
    assertThat(again.next().getSummary().getBatches()).isEqualTo(2);
  }

  private VectorSchemaRoot load(Schema schema, byte[] bytes) throws Exception {
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    try (ArrowRecordBatch batch =
        MessageSerializer.deserializeRecordBatch(
            new ReadChannel(Channels.newChannel(new ByteArrayInputStream(bytes))), allocator)) {
      new VectorLoader(root).load(batch);
    }
    return root;
  }
}
