package dev.tracelake.benchmarks.ingest;

import dev.tracelake.benchmarks.AppendTarget;
import dev.tracelake.benchmarks.EventBatches;
import dev.tracelake.benchmarks.RawParquetTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The append benchmark's data set ({@code EventBatches}) and baseline ({@code RawParquetTarget}),
 * so the ingest benchmark writes exactly the rows and the Parquet baseline the append benchmark
 * measures.
 */
final class AppendHarness {
  private AppendHarness() {}

  /**
   * The 12-column event data set as Arrow batches; close it to free them.
   *
   * @param batches the batches, owned by this object
   * @param rows rows over all batches
   * @param arrowBytes bytes of the batches' Arrow buffers
   */
  record Dataset(AutoCloseable owner, List<VectorSchemaRoot> batches, long rows, long arrowBytes)
      implements AutoCloseable {
    Dataset {
      batches = List.copyOf(batches);
    }

    @Override
    public void close() {
      try {
        owner.close();
      } catch (Exception e) {
        throw new IllegalStateException("Cannot free the data set's Arrow memory", e);
      }
    }
  }

  /**
   * What one raw Parquet write did.
   *
   * @param rows rows written
   * @param parquetBytes size of the file written
   */
  record RawWrite(long rows, long parquetBytes) {}

  /**
   * Generates {@code rows} events in batches of at most {@code batchSize} rows; event ids run from
   * 0 to {@code rows - 1} in batch order.
   */
  static Dataset generate(long rows, int batchSize, long seed) {
    EventBatches data = EventBatches.generate(rows, batchSize, seed);
    return new Dataset(data, data.batches(), data.rows(), data.arrowBytes());
  }

  /** Returns the Arrow schema of the data set's batches. */
  static org.apache.arrow.vector.types.pojo.Schema schema() {
    return EventBatches.SCHEMA;
  }

  /**
   * Writes the batches to {@code directory/runName.parquet} with the append benchmark's raw
   * parquet-java baseline, then deletes the file unless {@code keep}.
   */
  static RawWrite writeRawParquet(
      List<VectorSchemaRoot> batches, Path directory, String runName, boolean keep) {
    RawParquetTarget raw =
        new RawParquetTarget(
            "raw-parquet", directory, batches, false, dev.tracelake.lake.Lake.PAGE_ROW_LIMIT);
    try {
      raw.prepare(runName);
      AppendTarget.Written written = raw.append();
      if (!keep) {
        raw.discard();
      }
      return new RawWrite(written.rows(), written.parquetBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("Raw Parquet write of " + runName + " failed", e);
    }
  }
}
