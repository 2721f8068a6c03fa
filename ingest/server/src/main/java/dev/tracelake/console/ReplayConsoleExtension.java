package dev.tracelake.console;

import dev.tracelake.lake.InputText;
import dev.tracelake.lineage.LineageException;
import dev.tracelake.lineage.replay.CompareOptions;
import dev.tracelake.lineage.replay.ReplayComparison;
import dev.tracelake.lineage.replay.ReplayInfo;
import dev.tracelake.lineage.replay.Replays;
import java.util.List;
import java.util.Map;

/**
 * The console's replay page: the replays of tables the asker may read, and one replay's comparison
 * (production against candidate outputs, paired by cited inputs), as {@code tracelake replay
 * compare} shows it. A replay of a table the asker may not read answers as a missing one.
 */
public final class ReplayConsoleExtension implements ConsoleExtension {
  /** Record ids listed per kind of unpaired output. */
  static final int EXAMPLES = 20;

  private final Replays replays;

  public ReplayConsoleExtension(Replays replays) {
    this.replays = replays;
  }

  @Override
  public String name() {
    return "replay";
  }

  @Override
  public String title() {
    return "Replays";
  }

  /** One line of the list. */
  public record ReplayLine(
      String replayId,
      String table,
      String state,
      String candidateModel,
      String candidateVersion,
      long cases,
      long batches,
      long committedBatches,
      String createdAt) {
    static ReplayLine of(ReplayInfo r) {
      var d = r.definition();
      var c = d.spec().candidate();
      return new ReplayLine(
          d.replayId(),
          d.spec().slice().table().toString(),
          r.state().name(),
          c.modelName(),
          c.modelVersion(),
          d.cases(),
          d.batches(),
          r.committedBatches(),
          String.valueOf(d.createdAt()));
    }
  }

  /** The answer without {@code id}. */
  public record ReplayList(List<ReplayLine> replays) {}

  /** The answer for one replay. */
  public record ReplayView(
      ReplayLine replay,
      String branch,
      Long candidateSnapshotId,
      ReplayComparison.Counts counts,
      List<ReplayComparison.ColumnComparison> columns,
      String groupBy,
      List<ReplayComparison.GroupComparison> groups,
      int duplicateCases,
      List<String> onlyProductionExamples,
      List<String> onlyCandidateExamples) {}

  @Override
  public Object answer(Map<String, String> params, ConsolePrincipal who) {
    String id = params.get("id");
    if (id == null || id.isEmpty()) {
      return new ReplayList(
          replays.list(null).stream()
              .filter(r -> who.valueAccess().mayRead(tableOf(r)))
              .map(ReplayLine::of)
              .toList());
    }
    String groupBy = params.get("group_by");
    try {
      ReplayInfo info = replays.get(id);
      if (!who.valueAccess().mayRead(tableOf(info))) {
        // the same answer as for an id nobody has: no existence leak
        throw new IllegalArgumentException(
            "No replay you may read has the id " + InputText.shown(id));
      }
      CompareOptions options = CompareOptions.defaults().maxExamples(EXAMPLES);
      if (groupBy != null && !groupBy.isEmpty()) {
        options = options.groupBy(groupBy);
      }
      ReplayComparison c = replays.compare(id, options);
      return new ReplayView(
          ReplayLine.of(c.replay()),
          c.replay().definition().spec().branch(),
          c.candidateSnapshotId(),
          c.counts(),
          c.columns(),
          c.groupBy(),
          c.groups(),
          c.duplicates().size(),
          c.onlyProductionExamples(),
          c.onlyCandidateExamples());
    } catch (LineageException e) {
      if (e.kind() == LineageException.Kind.NOT_FOUND) {
        throw new IllegalArgumentException(
            "No replay you may read has the id " + InputText.shown(id));
      }
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static String tableOf(ReplayInfo r) {
    return r.definition().spec().slice().table().toString();
  }
}
