package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.TableName;
import dev.tracelake.proto.v1.ColumnList;
import dev.tracelake.proto.v1.ColumnSpec;
import dev.tracelake.proto.v1.CreateTableRequest;
import dev.tracelake.proto.v1.IngestServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A real server on a loopback port over a real embedded lake in a temp dir. */
abstract class IngestServerTestBase {
  static final Schema EVENTS =
      new Schema(
          List.of(
              new Field("event_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
              new Field("user", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
              new Field(
                  "score",
                  FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                  null)));

  @TempDir Path warehouse;
  RootAllocator allocator;
  Lake lake;
  TracelakeServer server;
  ManagedChannel channel;

  IngestConfig config() {
    return IngestConfig.defaults().withPort(0).withCommitInterval(Duration.ofMillis(100));
  }

  /** Adjusts the server before it starts; tests override it. */
  TracelakeServer configure(TracelakeServer unstarted) {
    return unstarted;
  }

  @BeforeEach
  void startServer() {
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    server = configure(TracelakeServer.onNetty(lake, config())).start();
    channel = channel(server.port());
  }

  static ManagedChannel channel(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port)
        .usePlaintext()
        .maxInboundMessageSize(256 << 20)
        .build();
  }

  @AfterEach
  void stopServer() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
    lake.close();
    allocator.close();
  }

  IngestServiceGrpc.IngestServiceBlockingStub stub() {
    return IngestServiceGrpc.newBlockingStub(channel);
  }

  void createEvents(String table) {
    stub()
        .createTable(
            CreateTableRequest.newBuilder()
                .setTable(table)
                .setColumns(
                    ColumnList.newBuilder()
                        .addColumns(
                            ColumnSpec.newBuilder()
                                .setName("event_id")
                                .setType("long")
                                .setRequired(true))
                        .addColumns(ColumnSpec.newBuilder().setName("user").setType("string"))
                        .addColumns(ColumnSpec.newBuilder().setName("score").setType("double")))
                .build());
  }

  VectorSchemaRoot events(long from, int count) {
    VectorSchemaRoot root = VectorSchemaRoot.create(EVENTS, allocator);
    root.allocateNew();
    for (int i = 0; i < count; i++) {
      ((BigIntVector) root.getVector("event_id")).setSafe(i, from + i);
      ((VarCharVector) root.getVector("user"))
          .setSafe(i, ("u" + (from + i) % 5).getBytes(StandardCharsets.UTF_8));
      ((Float8Vector) root.getVector("score")).setSafe(i, (from + i) / 100.0);
    }
    root.setRowCount(count);
    return root;
  }

  static List<String> jsonEvents(long from, int count) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add("{\"event_id\": " + (from + i) + ", \"user\": \"j" + i + "\", \"score\": 0.5}");
    }
    return rows;
  }

  /** Reads the event ids of a table (at a snapshot, or current when null) with lake-core. */
  List<Long> eventIds(String table, Long snapshotId) {
    LakeTable t = lake.table(TableName.parse(table));
    var scan = t.scan().select("event_id");
    if (snapshotId != null) {
      scan = scan.atSnapshot(snapshotId);
    }
    List<Long> ids = new ArrayList<>();
    try (ScanBatches batches = scan.open(allocator)) {
      while (batches.loadNextBatch()) {
        BigIntVector v = (BigIntVector) batches.root().getVector(0);
        for (int i = 0; i < v.getValueCount(); i++) {
          ids.add(v.get(i));
        }
      }
    }
    ids.sort(null);
    return ids;
  }

  int snapshotCount(String table) {
    return lake.table(TableName.parse(table)).snapshots().size();
  }

  static void assertUnique(List<Long> ids) {
    assertThat(new java.util.HashSet<>(ids)).hasSameSizeAs(ids);
  }
}
