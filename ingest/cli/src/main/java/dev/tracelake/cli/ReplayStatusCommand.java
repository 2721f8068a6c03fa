package dev.tracelake.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tracelake replay status}: one replay, how it was pinned and how far its candidate got. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show a replay: its slice, candidate, branch and committed batches.")
final class ReplayStatusCommand extends ReplaySubcommand {
  @Parameters(index = "0", paramLabel = "<replay-id>", description = "The replay's id.")
  String replayId;

  @Override
  int run(ReplaySession session, ReplayPrinter out) {
    out.replay(session.get(replayId));
    return 0;
  }
}
