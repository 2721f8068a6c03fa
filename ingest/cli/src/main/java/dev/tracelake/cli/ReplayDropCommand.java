package dev.tracelake.cli;

import dev.tracelake.client.Replay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tracelake replay drop}: drops the replay's branch; main never saw it. */
@Command(
    name = "drop",
    mixinStandardHelpOptions = true,
    description =
        "Drop a replay's branch (admin). Its snapshots stay readable by id and the replay can"
            + " still be compared.")
final class ReplayDropCommand extends ReplaySubcommand {
  @Parameters(index = "0", paramLabel = "<replay-id>", description = "The replay's id.")
  String replayId;

  @Override
  int run(ReplaySession session, ReplayPrinter out) {
    Replay r = session.drop(replayId);
    if (format == ReplayFormat.TABLE) {
      spec.commandLine()
          .getOut()
          .println("Dropped replay " + replayId + " (branch " + r.branch() + ")");
    }
    out.replay(r);
    return 0;
  }
}
