package dev.tracelake.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tracelake replay list}: every replay, newest first. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List replays, newest first.")
final class ReplayListCommand extends ReplaySubcommand {
  @Option(names = "--table", paramLabel = "<table>", description = "Only replays of this table.")
  String table;

  @Override
  int run(ReplaySession session, ReplayPrinter out) {
    out.replays(session.list(table));
    return 0;
  }
}
