package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeSmokeTest {
  @TempDir Path dir;

  @Test
  void appendThenScan() {
    try (RootAllocator allocator = new RootAllocator();
        Lake lake = Lake.open(LakeConfig.embedded(dir))) {
      LakeTable t = lake.createTable(TableName.parse("events"), TestBatches.EVENTS);
      try (VectorSchemaRoot b = TestBatches.events(allocator, 0, 10)) {
        AppendResult r = t.append(Provenance.builder().codeCommit("abc").build(), b);
        assertThat(r.rows()).isEqualTo(10);
      }
      var rows = TestBatches.rows(t.scan(), allocator);
      assertThat(rows).hasSize(10);
      System.out.println(rows.get(0));
    }
  }
}
