package dev.tracelake.lineage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What a caller who may see only some of the lake's tables knows of a run. A dataset naming a
 * Tracelake table (the lineage's dataset namespace) that the caller may not see is left out of the
 * run's inputs and outputs; a run whose every Tracelake table is one the caller may not see is not
 * shown at all, and answers as an unknown run does, so runs tell nothing of tables the caller holds
 * nothing on. Datasets outside the lake (another OpenLineage namespace) and runs that name no table
 * of the lake reveal no table and stay as they are.
 *
 * @param datasetNamespace the OpenLineage namespace of the lake's tables ({@link
 *     LineageOptions#datasetNamespace()})
 * @param seen which tables ({@code namespace.name}) the caller may see
 */
public record RunVisibility(String datasetNamespace, Predicate<String> seen) {
  public RunVisibility {
    Objects.requireNonNull(datasetNamespace, "datasetNamespace");
    Objects.requireNonNull(seen, "seen");
  }

  /** Returns the run as the caller may know it, or empty when it names only hidden tables. */
  public Optional<RunInfo> view(RunInfo run) {
    List<DatasetVersion> inputs = run.inputs().stream().filter(this::shows).toList();
    List<DatasetVersion> outputs = run.outputs().stream().filter(this::shows).toList();
    boolean namesTable =
        Stream.concat(run.inputs().stream(), run.outputs().stream()).anyMatch(this::inLake);
    boolean showsTable = Stream.concat(inputs.stream(), outputs.stream()).anyMatch(this::inLake);
    if (namesTable && !showsTable) {
      return Optional.empty();
    }
    if (inputs.size() == run.inputs().size() && outputs.size() == run.outputs().size()) {
      return Optional.of(run);
    }
    return Optional.of(run.toBuilder().datasets(inputs, outputs).build());
  }

  /** Whether the caller may see {@code dataset}: outside the lake, or a table it may see. */
  public boolean shows(DatasetVersion dataset) {
    return !inLake(dataset) || seen.test(dataset.name());
  }

  private boolean inLake(DatasetVersion dataset) {
    return dataset.namespace().equals(datasetNamespace);
  }
}
