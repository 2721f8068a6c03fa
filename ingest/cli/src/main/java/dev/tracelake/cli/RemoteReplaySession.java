package dev.tracelake.cli;

import dev.tracelake.client.NewReplay;
import dev.tracelake.client.Replay;
import dev.tracelake.client.ReplayComparison;
import dev.tracelake.client.TracelakeClient;
import java.util.List;

/** Replay calls answered by a running server, through the Java client. */
final class RemoteReplaySession implements ReplaySession {
  private final String address;
  private final TracelakeClient client;

  /** Connects with the client that {@link LakeLocation#connect} made (it carries the token). */
  RemoteReplaySession(String address, TracelakeClient client) {
    this.address = address;
    this.client = client;
  }

  @Override
  public Created create(NewReplayArgs a) {
    NewReplay r = NewReplay.of(a.replayId(), a.table());
    if (a.ref() != null) {
      r = r.ref(a.ref());
    }
    if (a.toSnapshot() != null) {
      r = r.snapshots(a.afterSnapshot(), a.toSnapshot());
    } else if (a.afterSnapshot() != null) {
      throw new CliException(
          "--after-snapshot needs --to-snapshot when asking a server; give the end of the range");
    }
    if (a.from() != null || a.to() != null) {
      r = r.timeRange(a.from(), a.to());
    }
    if (a.modelName() != null) {
      r = r.model(a.modelName(), a.modelVersion());
    }
    if (a.runId() != null) {
      r = r.run(a.runId());
    }
    r = r.candidate(a.candidate());
    if (a.branch() != null) {
      r = r.branch(a.branch());
    }
    if (a.batchCases() > 0) {
      r = r.batchCases(a.batchCases());
    }
    var created = client.replays().create(r);
    return new Created(created.replay(), created.created());
  }

  @Override
  public Replay get(String replayId) {
    return client.replays().get(replayId);
  }

  @Override
  public List<Replay> list(String table) {
    return client.replays().list(table);
  }

  @Override
  public ReplayComparison compare(
      String replayId, String groupBy, List<String> columns, int maxPairs, int maxExamples) {
    return client.replays().compare(replayId, groupBy, columns, maxPairs, maxExamples);
  }

  @Override
  public Replay publish(String replayId) {
    return client.replays().publish(replayId);
  }

  @Override
  public Replay drop(String replayId) {
    return client.replays().drop(replayId);
  }

  @Override
  public String where() {
    return "server " + address;
  }

  @Override
  public void close() {
    client.close();
  }
}
