package dev.tracelake.cli;

import dev.tracelake.client.Provenance;
import dev.tracelake.client.Replay;
import dev.tracelake.client.ReplayComparison;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.replay.Candidate;
import dev.tracelake.lineage.replay.CompareOptions;
import dev.tracelake.lineage.replay.ReplaySlice;
import dev.tracelake.lineage.replay.ReplaySpec;
import dev.tracelake.lineage.replay.Replays;
import java.util.List;

/** Replay calls answered by the embedded lake itself, without a server. */
final class EmbeddedReplaySession implements ReplaySession {
  private final Lake lake;
  private final Replays replays;

  EmbeddedReplaySession(Lake lake) {
    this.lake = lake;
    this.replays = Replays.open(lake);
  }

  @Override
  public Created create(NewReplayArgs a) {
    ReplaySlice slice =
        ReplaySlice.of(TableName.parse(a.table()))
            .withRef(a.ref())
            .withSnapshots(a.afterSnapshot(), a.toSnapshot())
            .withTimeRange(a.from(), a.to())
            .withModel(a.modelName(), a.modelVersion())
            .withRun(a.runId());
    Provenance c = a.candidate();
    ReplaySpec.Builder spec =
        ReplaySpec.builder(a.replayId(), slice)
            .candidate(
                new Candidate(
                    c.modelName(), c.modelVersion(), c.codeCommit(), c.runId(), c.producer()))
            .branch(a.branch());
    if (a.batchCases() > 0) {
      spec.batchCases(a.batchCases());
    }
    Replays.Created created = replays.create(spec.build());
    return new Created(ReplayViews.of(created.replay()), created.created());
  }

  @Override
  public Replay get(String replayId) {
    return ReplayViews.of(replays.get(replayId));
  }

  @Override
  public List<Replay> list(String table) {
    return replays.list(table == null ? null : TableName.parse(table)).stream()
        .map(ReplayViews::of)
        .toList();
  }

  @Override
  public ReplayComparison compare(
      String replayId, String groupBy, List<String> columns, int maxPairs, int maxExamples) {
    CompareOptions options = CompareOptions.defaults().groupBy(groupBy).columns(columns);
    if (maxPairs > 0) {
      options = options.maxPairs(maxPairs);
    }
    if (maxExamples > 0) {
      options = options.maxExamples(maxExamples);
    }
    return ReplayViews.of(replays.compare(replayId, options));
  }

  @Override
  public Replay publish(String replayId) {
    return ReplayViews.of(replays.publish(replayId));
  }

  @Override
  public Replay drop(String replayId) {
    return ReplayViews.of(replays.drop(replayId));
  }

  @Override
  public String where() {
    return "lake " + lake.config().warehouse();
  }

  @Override
  public void close() {
    try {
      replays.close();
    } finally {
      lake.close();
    }
  }
}
