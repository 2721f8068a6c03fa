package dev.tracelake.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tracelake lineage}: the lineage index and downstream impact, on the embedded lake. */
@Command(
    name = "lineage",
    mixinStandardHelpOptions = true,
    description = "Lineage index and impact on the embedded lake (see also 'tracelake explain').",
    subcommands = {LineageReindexCommand.class, LineageImpactCommand.class})
final class LineageCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return TracelakeCli.EXIT_USAGE;
  }
}
