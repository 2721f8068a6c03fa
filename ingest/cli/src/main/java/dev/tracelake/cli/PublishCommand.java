package dev.tracelake.cli;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.TableName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tracelake publish <table> <branch>}: fast-forwards {@code main} to a branch, the publish
 * step of write-audit-publish.
 */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description =
        "Fast-forward main to a branch (write-audit-publish). Fails if main moved on since the"
            + " branch was made.")
final class PublishCommand extends LakeCommand {
  @Parameters(index = "0", paramLabel = "<table>", description = "Table, as namespace.name.")
  TableName table;

  @Parameters(index = "1", paramLabel = "<branch>", description = "Branch to publish.")
  String branch;

  @Override
  void run(Lake lake, Output out) {
    LakeTable t = lake.table(table);
    RefInfo main = t.fastForward(LakeTable.MAIN, branch);
    if (out.isJson()) {
      out.json(Views.Ref.of(main));
    } else {
      out.line(
          "Published branch '%s' of %s: main is now at snapshot %d.",
          branch, table, main.snapshotId());
    }
  }
}
