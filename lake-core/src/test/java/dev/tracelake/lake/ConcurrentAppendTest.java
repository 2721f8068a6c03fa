package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class ConcurrentAppendTest extends LakeTestBase {

  @Test
  void fourThreadsAppendingToOneTableLoseNothing() throws Exception {
    LakeTable table = events();
    int threads = 4;
    int appendsPerThread = 8;
    int rowsPerAppend = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<List<AppendResult>>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      futures.add(
          pool.submit(
              () -> {
                List<AppendResult> results = new ArrayList<>();
                for (int a = 0; a < appendsPerThread; a++) {
                  long from = ((long) thread * appendsPerThread + a) * rowsPerAppend;
                  try (VectorSchemaRoot batch =
                      TestBatches.events(allocator, from, rowsPerAppend)) {
                    results.add(table.append(PROV, batch));
                  }
                }
                return results;
              }));
    }
    List<AppendResult> results = new ArrayList<>();
    for (Future<List<AppendResult>> f : futures) {
      results.addAll(f.get());
    }
    pool.shutdown();

    int total = threads * appendsPerThread * rowsPerAppend;
    assertThat(eventIds(table.scan())).isEqualTo(LongStream.range(0, total).boxed().toList());
    assertThat(new HashSet<>(results.stream().map(AppendResult::snapshotId).toList()))
        .hasSize(threads * appendsPerThread);
    assertThat(table.snapshots()).hasSize(threads * appendsPerThread);
    assertThat(table.history("main")).hasSize(threads * appendsPerThread);
    // every snapshot id reported to a writer holds exactly that writer's rows
    for (AppendResult r : results) {
      assertThat(table.snapshot(r.snapshotId()).addedRows()).isEqualTo(rowsPerAppend);
    }
    assertThat(results.stream().mapToInt(AppendResult::attempts).max().orElseThrow())
        .isGreaterThanOrEqualTo(1);
  }
}
