package dev.tracelake.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A real embedded lake in a temp dir; the allocator is closed after each test so leaks fail. */
abstract class LakeTestBase {
  static final Provenance PROV =
      Provenance.builder()
          .codeCommit("abc123")
          .model("fraud", "v3")
          .runId("run-1")
          .producer("test")
          .build();

  @TempDir Path warehouse;
  RootAllocator allocator;
  Lake lake;

  @BeforeEach
  void openLake() {
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
  }

  @AfterEach
  void closeLake() {
    lake.close();
    allocator.close();
  }

  LakeTable events() {
    return lake.createTable(TableName.parse("events"), TestBatches.EVENTS);
  }

  AppendResult appendEvents(LakeTable table, long from, int count) {
    try (VectorSchemaRoot batch = TestBatches.events(allocator, from, count)) {
      return table.append(PROV, batch);
    }
  }

  List<Map<String, Object>> rows(LakeScan scan) {
    return TestBatches.rows(scan, allocator);
  }

  List<Long> eventIds(LakeScan scan) {
    return rows(scan.select("event_id")).stream()
        .map(r -> (Long) r.get("event_id"))
        .sorted()
        .toList();
  }

  /** Lists every Parquet data file under the warehouse. */
  List<Path> dataFiles() {
    try (Stream<Path> files = Files.walk(warehouse)) {
      return files.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
