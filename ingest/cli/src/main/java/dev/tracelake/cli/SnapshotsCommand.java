package dev.tracelake.cli;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tracelake snapshots <table>}: every snapshot, oldest first, with its provenance. */
@Command(
    name = "snapshots",
    mixinStandardHelpOptions = true,
    description = "List a table's snapshots, oldest first, with who wrote them.")
final class SnapshotsCommand extends LakeCommand {
  @Parameters(index = "0", paramLabel = "<table>", description = "Table, as namespace.name.")
  TableName table;

  @Option(
      names = "--ref",
      paramLabel = "<branch|tag>",
      description = "Only the snapshots in the history of this branch or tag.")
  String ref;

  @Override
  void run(Lake lake, Output out) {
    LakeTable t = lake.table(table);
    List<SnapshotInfo> snapshots;
    if (ref == null) {
      snapshots = t.snapshots();
    } else {
      snapshots = new ArrayList<>(t.history(ref));
      Collections.reverse(snapshots);
    }
    List<Views.Snapshot> views = snapshots.stream().map(Views.Snapshot::of).toList();
    if (out.isJson()) {
      out.json(views);
      return;
    }
    if (views.isEmpty()) {
      out.line("Table %s has no snapshots yet.", table);
      return;
    }
    TextTable text =
        TextTable.of(
            "SNAPSHOT",
            "PARENT",
            "COMMITTED AT",
            "OPERATION",
            "ADDED ROWS",
            "TOTAL ROWS",
            "CODE COMMIT",
            "MODEL",
            "RUN ID",
            "PRODUCER");
    for (Views.Snapshot s : views) {
      text.row(
          s.snapshotId(),
          s.parentId(),
          s.committedAt(),
          s.operation(),
          s.addedRows(),
          s.totalRows(),
          s.codeCommit(),
          s.model(),
          s.runId(),
          s.producer());
    }
    out.table(text);
  }
}
