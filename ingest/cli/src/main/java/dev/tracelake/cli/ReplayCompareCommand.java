package dev.tracelake.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tracelake replay compare}: pairs each production output with the candidate output citing
 * the same inputs at the same snapshots, and reports the differences.
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = {
      "Compare a replay's candidate outputs with production's: matched, only in production, only"
          + " in the candidate, duplicates, and per column the differences (numeric deltas, a"
          + " confusion matrix of categorical values), overall and per group."
    })
final class ReplayCompareCommand extends ReplaySubcommand {
  @Parameters(index = "0", paramLabel = "<replay-id>", description = "The replay's id.")
  String replayId;

  @Option(
      names = "--group-by",
      paramLabel = "<group>",
      description = "Also per group: model_version, run, day or a column of the table.")
  String groupBy;

  @Option(
      names = "--columns",
      split = ",",
      paramLabel = "<column>",
      description = "Compare only these columns (default: all but metadata).")
  List<String> columns = List.of();

  @Option(
      names = "--pairs",
      paramLabel = "<n>",
      defaultValue = "20",
      description = "Value pairs listed per categorical column (default ${DEFAULT-VALUE}).")
  int pairs;

  @Option(
      names = "--examples",
      paramLabel = "<n>",
      defaultValue = "10",
      description = "Record ids listed per kind of unpaired output (default ${DEFAULT-VALUE}).")
  int examples;

  @Override
  int run(ReplaySession session, ReplayPrinter out) {
    out.comparison(session.compare(replayId, groupBy, columns, pairs, examples));
    return 0;
  }
}
