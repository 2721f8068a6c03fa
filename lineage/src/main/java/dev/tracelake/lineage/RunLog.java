package dev.tracelake.lineage;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.TableName;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The runs registered in a lake (started, finished, or received over OpenLineage), read straight
 * from the runs table without building a lineage index: for SQL's {@code runs} relation and other
 * readers that need run states, not lineage.
 */
public final class RunLog {
  private RunLog() {}

  /**
   * Returns every registered run of the default runs table by id, folded as {@link Lineage} folds
   * them (later rows refine earlier ones); empty when nothing was registered.
   */
  public static Map<String, RunInfo> registered(Lake lake) {
    return registered(lake, LineageOptions.DEFAULT_RUNS_TABLE);
  }

  /** Returns every registered run of {@code runsTable} by id. */
  public static Map<String, RunInfo> registered(Lake lake, TableName runsTable) {
    Map<String, RunInfo> out = new LinkedHashMap<>();
    if (!lake.exists(runsTable)) {
      return out;
    }
    RunRegistry registry = new RunRegistry(LineageOptions.DEFAULT_DATASET_NAMESPACE);
    try (BufferAllocator allocator = new RootAllocator();
        ScanBatches batches = lake.table(runsTable).scan().open(allocator)) {
      RunsTable.read(batches).forEach(registry::apply);
    }
    for (RunInfo run : registry.runs()) {
      out.put(run.runId(), run);
    }
    return out;
  }

  /**
   * Returns whether a table is Tracelake's own bookkeeping of runs (the runs table, OpenLineage job
   * and dataset events) rather than data that runs wrote.
   */
  public static boolean isBookkeeping(TableName table) {
    return table.equals(LineageOptions.DEFAULT_RUNS_TABLE)
        || table.equals(
            new TableName(LineageOptions.DEFAULT_RUNS_TABLE.namespace(), "openlineage_events"));
  }

  /** Returns a registered run, if any. */
  public static Optional<RunInfo> registered(Lake lake, String runId) {
    return Optional.ofNullable(registered(lake).get(runId));
  }
}
