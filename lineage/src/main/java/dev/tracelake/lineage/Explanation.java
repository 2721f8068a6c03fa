package dev.tracelake.lineage;

import dev.tracelake.lake.Provenance;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The auditor's whole answer about a record: its row, its run (code commit, model version), and
 * every input's row as of the snapshot it was read at, transitively, with any problems found.
 *
 * @param root the explained record, its inputs nested below it
 * @param runs every run that wrote a record in the tree, by run id
 * @param problems missing inputs, unknown snapshots, cycles, rows that could not be read, lag
 * @param truncated whether the depth or row limit left inputs out
 * @param freshness how current the index was
 */
public record Explanation(
    ExplainNode root,
    Map<String, RunInfo> runs,
    List<Problem> problems,
    boolean truncated,
    Freshness freshness) {
  public Explanation {
    runs = Collections.unmodifiableMap(new LinkedHashMap<>(runs));
    problems = List.copyOf(problems);
  }

  /**
   * Returns the run that wrote the explained record, if known, with the code commit and model of
   * the record's own snapshot: a run that wrote several tables may have written each with other
   * ones, and the run's own record shows only one.
   */
  public Optional<RunInfo> run() {
    Provenance own = root.provenance();
    String runId = own.runId();
    RunInfo run = runId == null ? null : runs.get(runId);
    if (run == null) {
      return Optional.empty();
    }
    RunInfo.Builder b = run.toBuilder();
    if (own.codeCommit() != null) {
      b.code(run.codeRepository(), own.codeCommit());
    }
    if (own.modelName() != null || own.modelVersion() != null) {
      b.model(own.modelName(), own.modelVersion());
    }
    return Optional.of(b.build());
  }

  /**
   * Returns this explanation with each run as {@code view} shows it; a run it does not show is left
   * out, as an unknown run would be.
   */
  public Explanation withRuns(Function<RunInfo, Optional<RunInfo>> view) {
    Map<String, RunInfo> shown = new LinkedHashMap<>();
    runs.forEach((id, run) -> view.apply(run).ifPresent(r -> shown.put(id, r)));
    return shown.equals(runs) ? this : new Explanation(root, shown, problems, truncated, freshness);
  }

  /** Returns the problems of a kind. */
  public List<Problem> problems(Problem.Kind kind) {
    return problems.stream().filter(p -> p.kind() == kind).toList();
  }
}
