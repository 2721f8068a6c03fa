package dev.tracelake.cli;

import dev.tracelake.client.Replay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tracelake replay publish}: main of the output table moves to the replay's branch head. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description =
        "Publish a complete replay: fast-forward main of its table to the branch head. Refused"
            + " when main moved on since the branch was made.")
final class ReplayPublishCommand extends ReplaySubcommand {
  @Parameters(index = "0", paramLabel = "<replay-id>", description = "The replay's id.")
  String replayId;

  @Override
  int run(ReplaySession session, ReplayPrinter out) {
    Replay r = session.publish(replayId);
    if (format == ReplayFormat.TABLE) {
      spec.commandLine()
          .getOut()
          .println(
              "Published replay " + replayId + ": main of " + r.table() + " now holds its outputs");
    }
    out.replay(r);
    return 0;
  }
}
