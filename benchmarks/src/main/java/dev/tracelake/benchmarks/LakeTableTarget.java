package dev.tracelake.benchmarks;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The contender: lake-core's append. Each run writes a fresh table with one {@link PendingAppend}
 * committed as one snapshot, so the measured time includes the metadata columns, the data file IO
 * and the catalog commit.
 */
final class LakeTableTarget implements AppendTarget {
  static final String LABEL = "lake-core";
  static final String NAMESPACE = "bench";

  private final Lake lake;
  private final List<VectorSchemaRoot> batches;
  private final Provenance provenance;
  private LakeTable table;

  /** Appends {@code batches}, which share one schema, to a fresh table of {@code lake} per run. */
  LakeTableTarget(Lake lake, List<VectorSchemaRoot> batches, Provenance provenance) {
    if (batches.isEmpty()) {
      throw new IllegalArgumentException("Target " + LABEL + " needs at least one batch");
    }
    this.lake = lake;
    this.batches = batches;
    this.provenance = provenance;
  }

  /** Returns the table that run {@code runName} writes. */
  static TableName tableOf(String runName) {
    return new TableName(NAMESPACE, "append_" + runName);
  }

  @Override
  public String label() {
    return LABEL;
  }

  @Override
  public void prepare(String runName) {
    table = lake.createTable(tableOf(runName), batches.get(0).getSchema());
  }

  @Override
  public Written append() {
    AppendResult result;
    try (PendingAppend append = table.newAppend(provenance)) {
      for (VectorSchemaRoot batch : batches) {
        append.write(batch);
      }
      result = append.commit();
    }
    return new Written(result.rows(), result.bytes(), result.dataFiles(), table.name().toString());
  }

  /** Deletes the table's data directory; the catalog and metadata files stay. */
  @Override
  public void discard() throws IOException {
    String location = table.describe().location();
    Path data = Path.of(location.replaceFirst("^file:(//)?", "")).resolve("data");
    if (!Files.isDirectory(data)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(data)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException("Cannot delete " + p, e);
                }
              });
    }
  }
}
