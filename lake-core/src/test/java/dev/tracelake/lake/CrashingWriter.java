package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A process that gets killed mid-write by {@link OrphanFilesTest} and {@link CompactionCrashTest}:
 * it compacts a table (or appends to it), says READY at its crash point, then waits for its
 * SIGKILL. What it leaves is what a real crash leaves. Modes: {@code compact} (the new data files
 * are written, the commit not begun), {@code compact-at:<point>} (a point of {@link PausingFileIO})
 * and {@code append} (part of a data file written).
 */
final class CrashingWriter {
  private CrashingWriter() {}

  public static void main(String[] args) throws Exception {
    Path warehouse = Path.of(args[0]);
    String mode = args[1];
    if (mode.startsWith("compact-at:")) {
      System.setProperty(PausingFileIO.PAUSE_AT, mode.substring("compact-at:".length()));
      Lake lake =
          Lake.open(
              new LakeConfig(
                  warehouse.toString(),
                  null,
                  null,
                  Map.of(LakeConfig.IO_IMPL, PausingFileIO.class.getName())));
      LakeTable table = lake.table(TableName.parse("events"));
      System.setProperty(PausingFileIO.TABLE_DIR, table.loadForRead().location() + "/");
      table.maintenance().compact(CompactionTest.SMALL);
    } else if (mode.equals("compact")) {
      Lake lake = Lake.open(LakeConfig.embedded(warehouse));
      LakeTable table = lake.table(TableName.parse("events"));
      Compaction.AFTER_WRITE.set(CrashingWriter::readyAndWait);
      table.maintenance().compact(CompactionTest.SMALL);
    } else {
      Lake lake = Lake.open(LakeConfig.embedded(warehouse));
      LakeTable table = lake.table(TableName.parse("events"));
      RootAllocator allocator = new RootAllocator();
      PendingAppend append = table.newAppend(LakeTestBase.PROV);
      // a batch larger than one Parquet page, so part of the file is written when it dies
      VectorSchemaRoot batch = TestBatches.events(allocator, 1_000_000, 50_000);
      append.write(batch);
      readyAndWait();
    }
    throw new IllegalStateException("should have been killed (" + mode + ")");
  }

  static void readyAndWait() {
    System.out.println("READY");
    System.out.flush();
    try {
      Thread.sleep(600_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs a crashing writer on {@code warehouse} and kills it (SIGKILL) at its crash point. */
  static void runAndKill(Path warehouse, String mode) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                java,
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                CrashingWriter.class.getName(),
                warehouse.toString(),
                mode)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        // the child prints nothing else
      }
      assertThat(line).as("the %s child reached its crash point", mode).isEqualTo("READY");
      p.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook runs
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
  }
}
