package dev.tracelake.lake;

import java.nio.file.Path;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A process that gets killed mid-write by {@link OrphanFilesTest}: it compacts a table (or appends
 * to it), says READY once its new data files are on disk and before it commits, then waits for its
 * SIGKILL. What it leaves is what a real crash leaves.
 */
final class CrashingWriter {
  private CrashingWriter() {}

  public static void main(String[] args) throws Exception {
    Path warehouse = Path.of(args[0]);
    String mode = args[1];
    Lake lake = Lake.open(LakeConfig.embedded(warehouse));
    LakeTable table = lake.table(TableName.parse("events"));
    if (mode.equals("compact")) {
      Compaction.AFTER_WRITE.set(CrashingWriter::readyAndWait);
      table.maintenance().compact(CompactionTest.SMALL);
    } else {
      RootAllocator allocator = new RootAllocator();
      PendingAppend append = table.newAppend(LakeTestBase.PROV);
      // a batch larger than one Parquet page, so part of the file is written when it dies
      VectorSchemaRoot batch = TestBatches.events(allocator, 1_000_000, 50_000);
      append.write(batch);
      readyAndWait();
    }
    throw new IllegalStateException("should have been killed");
  }

  private static void readyAndWait() {
    System.out.println("READY");
    System.out.flush();
    try {
      Thread.sleep(600_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
