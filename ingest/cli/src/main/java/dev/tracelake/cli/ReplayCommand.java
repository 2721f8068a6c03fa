package dev.tracelake.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tracelake replay}: re-run production inputs through a candidate model and compare. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Replays: re-run the inputs production outputs cited, at the snapshots they cited them,"
          + " through a candidate model on a branch; compare record by record; publish or drop.",
      "Each command asks a running server when one is configured (--server, TRACELAKE_SERVER) or"
          + " serves this warehouse on this machine; else the embedded lake. A candidate writes"
          + " through a server (the Java or Python client's replay run, or 'tracelake"
          + " example-producer --replay <id>')."
    },
    subcommands = {
      ReplayCreateCommand.class,
      ReplayListCommand.class,
      ReplayStatusCommand.class,
      ReplayCompareCommand.class,
      ReplayPublishCommand.class,
      ReplayDropCommand.class
    })
final class ReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return TracelakeCli.EXIT_USAGE;
  }
}
