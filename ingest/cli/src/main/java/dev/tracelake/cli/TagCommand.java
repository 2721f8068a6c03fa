package dev.tracelake.cli;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tracelake tag <table> <name>}: names a snapshot, for good. */
@Command(
    name = "tag",
    mixinStandardHelpOptions = true,
    description = "Tag a snapshot (default: the head of main). Tags never move.")
final class TagCommand extends LakeCommand {
  @Parameters(index = "0", paramLabel = "<table>", description = "Table, as namespace.name.")
  TableName table;

  @Parameters(index = "1", paramLabel = "<name>", description = "Name of the new tag.")
  String name;

  @Option(names = "--snapshot", paramLabel = "<id>", description = "Snapshot to tag.")
  Long snapshot;

  @Override
  void run(Lake lake, Output out) {
    LakeTable t = lake.table(table);
    long snapshotId = snapshot != null ? snapshot : mainHead(t);
    RefInfo tag = t.createTag(name, snapshotId);
    if (out.isJson()) {
      out.json(Views.Ref.of(tag));
    } else {
      out.line("Tagged snapshot %d of %s as '%s'.", tag.snapshotId(), table, tag.name());
    }
  }

  static long mainHead(LakeTable table) {
    return table
        .describe()
        .currentSnapshot()
        .map(SnapshotInfo::snapshotId)
        .orElseThrow(
            () ->
                CliException.of(
                    "Table %s has no snapshot on main yet; load data first or pass --snapshot",
                    table.name()));
  }
}
