package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warehouse in an S3 bucket, served by S3Proxy on loopback, with the catalog in an SQLite file:
 * tables are written and read through Iceberg's S3FileIO, and their files are objects in the
 * bucket.
 */
class S3WarehouseTest {
  private static final String BUCKET = "lake";
  private static final TableName EVENTS = TableName.parse("events");

  @TempDir Path tmp;
  private S3ProxyServer s3;
  private RootAllocator allocator;
  private String catalogUri;

  @BeforeEach
  void start() throws Exception {
    s3 = S3ProxyServer.start(BUCKET);
    allocator = new RootAllocator();
    catalogUri = "jdbc:sqlite:" + tmp.resolve("catalog.db");
  }

  @AfterEach
  void stop() throws Exception {
    allocator.close();
    s3.close();
  }

  @Test
  void tableInAnS3WarehouseIsReadBackAtTwoSnapshotsFromObjectsInTheBucket() {
    LakeConfig config = s3.lakeConfig("warehouse", catalogUri).build();
    AppendResult first;
    AppendResult second;
    try (Lake lake = Lake.open(config)) {
      LakeTable table = lake.createTable(EVENTS, TestBatches.EVENTS);
      first = append(table, 0, 10);
      second = append(table, 10, 5);
      assertThat(table.describe().location()).isEqualTo("s3://lake/warehouse/default/events");
    }

    // a second process: everything comes back from the catalog and the bucket
    try (Lake lake = Lake.open(config)) {
      LakeTable table = lake.table(EVENTS);
      assertThat(eventIds(table.scan().atSnapshot(first.snapshotId()))).isEqualTo(range(0, 10));
      assertThat(eventIds(table.scan().atSnapshot(second.snapshotId()))).isEqualTo(range(0, 15));
      assertThat(eventIds(table.scan())).isEqualTo(range(0, 15));

      ScanPlan plan = table.scan().plan();
      assertThat(plan.files()).hasSize(2);
      List<String> keys = s3.keys("warehouse/default/events/");
      for (DataFileInfo file : plan.files()) {
        assertThat(file.location()).startsWith("s3://lake/warehouse/default/events/data/");
        assertThat(file.localPath()).as("an object has no local path").isNull();
        assertThat(keys).contains(file.location().substring("s3://lake/".length()));
      }
      assertThat(keys).filteredOn(k -> k.endsWith(".parquet")).hasSize(2);
      assertThat(keys).anyMatch(k -> k.contains("/metadata/") && k.endsWith(".metadata.json"));
    }
    assertThat(localFiles())
        .as("only the catalog is local")
        .allMatch(p -> p.contains("catalog.db"));
  }

  @Test
  void healthCheckWritesAndDeletesAProbeObjectAndReportsTheBucketGone() throws Exception {
    try (Lake lake = Lake.open(s3.lakeConfig("warehouse", catalogUri).build())) {
      LakeHealth health = lake.checkHealth();
      assertThat(health.healthy()).as(health.describe()).isTrue();
      assertThat(s3.keys("warehouse/.tracelake-health/")).as("probe objects left").isEmpty();

      s3.close(); // the object store goes away; the SQLite catalog stays
      s3 = S3ProxyServer.start("other-bucket"); // for stop(); the warehouse's bucket is gone
      LakeHealth down = lake.checkHealth();
      assertThat(down.catalogReachable()).isTrue();
      assertThat(down.warehouseReachable()).isFalse();
      assertThat(down.warehouseError()).startsWith("s3://lake/warehouse");
    }
  }

  @Test
  void s3WarehouseWithoutCatalogUriIsRefusedNamingTheWarehouse() {
    assertThatThrownBy(() -> LakeConfig.builder().warehouse("s3://lake/warehouse").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Warehouse s3://lake/warehouse is not a local directory")
        .hasMessageContaining("explicit catalog URI");
  }

  @Test
  void warehouseWithAnUnknownSchemeIsRefused() {
    assertThatThrownBy(
            () ->
                LakeConfig.builder()
                    .warehouse("gs://lake/warehouse")
                    .catalogUri(catalogUri)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Warehouse gs://lake/warehouse has a scheme Tracelake cannot read");
  }

  @Test
  void wrongSecretFailsAtOpenNamingTheWarehouseAndBucket() {
    LakeConfig config =
        s3.lakeConfig("warehouse", catalogUri)
            .catalogProperty("s3.secret-access-key", "not-the-secret")
            .build();
    assertThatThrownBy(() -> Lake.open(config))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("Cannot reach warehouse s3://lake/warehouse (bucket lake, endpoint ")
        .hasMessageContaining("403")
        .satisfies(
            e -> assertThat(((LakeException) e).kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-secret"));
  }

  @Test
  void missingBucketFailsAtOpenNamingIt() {
    LakeConfig config =
        s3.lakeConfig("warehouse", catalogUri).warehouse("s3://no-such-bucket/warehouse").build();
    assertThatThrownBy(() -> Lake.open(config))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("Cannot reach warehouse s3://no-such-bucket/warehouse")
        .hasMessageContaining("bucket no-such-bucket")
        .hasMessageContaining("The specified bucket does not exist");
  }

  @Test
  void unreachableEndpointFailsAtOpenNamingWarehouseAndEndpoint() throws IOException {
    String deadEndpoint;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadEndpoint = "http://127.0.0.1:" + socket.getLocalPort();
    } // closed: nothing listens there any more
    LakeConfig config =
        s3.lakeConfig("warehouse", catalogUri).catalogProperty("s3.endpoint", deadEndpoint).build();
    assertThatThrownBy(() -> Lake.open(config))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("Cannot reach warehouse s3://lake/warehouse")
        .hasMessageContaining("endpoint " + deadEndpoint)
        .hasMessageContaining("Connection refused");
  }

  @Test
  void configToStringMasksSecrets() {
    LakeConfig config =
        s3.lakeConfig("warehouse", catalogUri).catalogProperty("jdbc.password", "pw-123").build();
    assertThat(config.toString())
        .contains("s3://lake/warehouse", "s3.endpoint=" + s3.endpoint())
        .doesNotContain("pw-123", S3ProxyServer.SECRET_KEY);
  }

  private AppendResult append(LakeTable table, long from, int count) {
    try (VectorSchemaRoot batch = TestBatches.events(allocator, from, count)) {
      return table.append(LakeTestBase.PROV, batch);
    }
  }

  private List<Long> eventIds(LakeScan scan) {
    return TestBatches.rows(scan.select("event_id"), allocator).stream()
        .map(r -> (Long) r.get("event_id"))
        .sorted()
        .toList();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.range(from, to).boxed().toList();
  }

  private List<String> localFiles() {
    try (Stream<Path> files = Files.walk(tmp)) {
      return files.filter(Files::isRegularFile).map(Path::toString).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
