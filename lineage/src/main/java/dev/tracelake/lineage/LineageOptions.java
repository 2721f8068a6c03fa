package dev.tracelake.lineage;

import dev.tracelake.lake.TableName;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Lineage} runs: where runs are kept, how often the index looks for new snapshots, and
 * the dataset namespace that names lake tables in runs and OpenLineage events.
 *
 * @param runsTable the table holding run registrations, created on first use
 * @param refreshInterval how often a background thread catches the index up; zero for never (then
 *     call {@link Lineage#catchUp()} or ask with {@link Consistency#CAUGHT_UP})
 * @param datasetNamespace the OpenLineage namespace of the lake's tables
 */
public record LineageOptions(
    TableName runsTable, Duration refreshInterval, String datasetNamespace) {
  public static final TableName DEFAULT_RUNS_TABLE = new TableName("tracelake", "runs");
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(1);
  public static final String DEFAULT_DATASET_NAMESPACE = "tracelake";

  public LineageOptions {
    Objects.requireNonNull(runsTable, "runsTable");
    Objects.requireNonNull(refreshInterval, "refreshInterval");
    Objects.requireNonNull(datasetNamespace, "datasetNamespace");
    if (refreshInterval.isNegative()) {
      throw new IllegalArgumentException(
          "Refresh interval must not be negative, got " + refreshInterval);
    }
    if (datasetNamespace.isBlank()) {
      throw new IllegalArgumentException("Dataset namespace must not be blank");
    }
  }

  /** Returns the defaults: runs in {@code tracelake.runs}, refresh every second. */
  public static LineageOptions defaults() {
    return new LineageOptions(
        DEFAULT_RUNS_TABLE, DEFAULT_REFRESH_INTERVAL, DEFAULT_DATASET_NAMESPACE);
  }

  /** Returns these options with another runs table. */
  public LineageOptions withRunsTable(TableName table) {
    return new LineageOptions(table, refreshInterval, datasetNamespace);
  }

  /** Returns these options with another refresh interval. */
  public LineageOptions withRefreshInterval(Duration interval) {
    return new LineageOptions(runsTable, interval, datasetNamespace);
  }

  /** Returns these options without a background refresh. */
  public LineageOptions withManualRefresh() {
    return new LineageOptions(runsTable, Duration.ZERO, datasetNamespace);
  }

  /** Returns these options with another dataset namespace. */
  public LineageOptions withDatasetNamespace(String namespace) {
    return new LineageOptions(runsTable, refreshInterval, namespace);
  }
}
