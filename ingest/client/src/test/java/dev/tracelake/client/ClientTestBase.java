package dev.tracelake.client;

import dev.tracelake.ingest.IngestConfig;
import dev.tracelake.ingest.TracelakeServer;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.TableName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
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

/**
 * A real server on a loopback port over a real embedded lake in a temp dir, and a client connected
 * to it. The server can be stopped and started again on the same warehouse and port.
 */
abstract class ClientTestBase {
  static final Schema EVENTS =
      new Schema(
          List.of(
              new Field("event_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
              new Field("user", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
              new Field(
                  "score",
                  FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                  null)));

  static final Provenance PROVENANCE =
      Provenance.builder()
          .codeCommit("abc123")
          .model("fraud", "v3")
          .runId("run-7")
          .producer("client-test")
          .build();

  @TempDir Path warehouse;
  RootAllocator allocator;
  Lake lake;
  TracelakeServer server;
  int port;
  TracelakeClient client;

  @BeforeEach
  void startServerAndClient() {
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    server = TracelakeServer.onNetty(lake, config(0)).start();
    port = server.port(); // bound on port 0 once; every restart reuses it
    client = TracelakeClient.connect("127.0.0.1:" + port);
  }

  @AfterEach
  void stopServerAndClient() {
    client.close();
    if (server != null) {
      server.stop();
    }
    lake.close();
    allocator.close();
  }

  /** Commits every 50 ms; a short shutdown grace so a stop does not wait long on open streams. */
  static IngestConfig config(int port) {
    return new IngestConfig(
        "127.0.0.1",
        port,
        64 << 20,
        500_000,
        128L << 20,
        Duration.ofMillis(50),
        512L << 20,
        Duration.ofSeconds(2),
        2);
  }

  /** Stops the server gracefully and closes its lake, as a process exit would. */
  void stopServer() {
    server.stop();
    server = null;
    lake.close();
  }

  /** Starts a new server, on a fresh handle to the same warehouse, on the same port. */
  void startServerAgain() {
    lake = Lake.open(LakeConfig.embedded(warehouse));
    server = TracelakeServer.onNetty(lake, config(port)).start();
  }

  /** Options that retry quickly, so tests do not wait out long backoffs. */
  static WriterOptions.Builder quickRetry() {
    return WriterOptions.builder()
        .provenance(PROVENANCE)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(200));
  }

  void createEvents(String table) {
    client.createTable(table, EVENTS);
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

  static List<Map<String, Object>> eventRows(long from, int count) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("event_id", from + i);
      row.put("user", "j" + i);
      row.put("score", 0.5);
      rows.add(row);
    }
    return rows;
  }

  /** Reads two columns of every row of a table's current snapshot with lake-core. */
  List<List<Object>> read(String table, String first, String second) {
    return read(table, null, first, second);
  }

  /** Reads two columns of every row of a table at a snapshot (current when null). */
  List<List<Object>> read(String table, Long snapshotId, String first, String second) {
    LakeTable t = lake.table(TableName.parse(table));
    var scan = t.scan().select(first, second);
    if (snapshotId != null) {
      scan = scan.atSnapshot(snapshotId);
    }
    List<List<Object>> rows = new ArrayList<>();
    try (ScanBatches batches = scan.open(allocator)) {
      while (batches.loadNextBatch()) {
        VectorSchemaRoot root = batches.root();
        for (int i = 0; i < root.getRowCount(); i++) {
          rows.add(List.of(value(root, 0, i), value(root, 1, i)));
        }
      }
    }
    return rows;
  }

  private static Object value(VectorSchemaRoot root, int column, int row) {
    Object v = root.getVector(column).getObject(row);
    return v instanceof org.apache.arrow.vector.util.Text t ? t.toString() : v;
  }

  /** Event ids of a table, sorted, duplicates kept. */
  List<Long> eventIds(String table) {
    return read(table, "event_id", "_record_id").stream()
        .map(r -> (Long) r.get(0))
        .sorted()
        .toList();
  }

  /** Record ids of a table, in scan order, duplicates kept. */
  List<String> recordIds(String table) {
    return read(table, "_record_id", "event_id").stream().map(r -> (String) r.get(0)).toList();
  }

  /** Waits for a condition the test cannot be told about, failing after a generous bound. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Gave up waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
