package dev.tracelake.benchmarks.sql;

import dev.tracelake.benchmarks.EventBatches;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The events table of the aggregate benchmark: {@code rows} events written by lake-core in {@code
 * appends} appends of near-equal size, one snapshot each. An existing table with exactly that
 * history is reused, so reruns against the same warehouse skip the build.
 */
final class EventsTable {
  static final TableName NAME = new TableName(TableName.DEFAULT_NAMESPACE, "events");

  private EventsTable() {}

  /**
   * Returns the table's snapshots, oldest first, building the table when it does not exist.
   *
   * @throws IllegalStateException when the table exists with another row count or history
   */
  static List<SnapshotInfo> buildOrReuse(Lake lake, SqlBenchmarkOptions options, PrintStream out) {
    if (lake.exists(NAME)) {
      List<SnapshotInfo> snapshots = lake.table(NAME).snapshots();
      long total = snapshots.isEmpty() ? 0 : snapshots.get(snapshots.size() - 1).totalRows();
      if (snapshots.size() != options.appends() || total != options.rows()) {
        throw new IllegalStateException(
            String.format(
                "Table %s exists with %d snapshots and %d rows, but the options ask for %d and"
                    + " %d; use another --warehouse",
                NAME, snapshots.size(), total, options.appends(), options.rows()));
      }
      out.printf(
          Locale.ROOT, "reusing %s: %,d rows in %d snapshots%n", NAME, total, snapshots.size());
      return snapshots;
    }
    long start = System.nanoTime();
    LakeTable table = lake.createTable(NAME, EventBatches.SCHEMA);
    SplittableRandom random = new SplittableRandom(options.seed());
    try (BufferAllocator allocator = new RootAllocator()) {
      long written = 0;
      for (int a = 0; a < options.appends(); a++) {
        long until = options.rows() * (a + 1) / options.appends();
        try (PendingAppend append = table.newAppend(provenance(a))) {
          while (written < until) {
            int count = (int) Math.min(options.batchSize(), until - written);
            try (VectorSchemaRoot batch = EventBatches.batch(allocator, random, written, count)) {
              append.write(batch);
            }
            written += count;
          }
          append.commit();
        }
        out.printf(
            Locale.ROOT,
            "  append %d/%d committed: %,d rows so far, %.0f s%n",
            a + 1,
            options.appends(),
            written,
            (System.nanoTime() - start) / 1e9);
      }
    }
    return table.snapshots();
  }

  private static Provenance provenance(int append) {
    return Provenance.builder()
        .codeCommit("4f1c2a9e0b7d6c5e3a2f1e0d9c8b7a6f5e4d3c2b")
        .model("fraud", "v" + (1 + append / 8))
        .runId("sql-benchmark-" + append)
        .producer("tracelake-benchmarks")
        .build();
  }
}
