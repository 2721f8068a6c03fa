package dev.tracelake.cli;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.TableName;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code tracelake tables}: lists every table with its snapshot count and current size. */
@Command(
    name = "tables",
    mixinStandardHelpOptions = true,
    description = "List the tables in the lake.")
final class TablesCommand extends LakeCommand {
  @Override
  void run(Lake lake, Output out) {
    List<Views.TableSummary> tables = new ArrayList<>();
    for (TableName name : lake.tables()) {
      tables.add(Views.TableSummary.of(lake.table(name).describe()));
    }
    if (out.isJson()) {
      out.json(tables);
      return;
    }
    if (tables.isEmpty()) {
      out.line(
          "No tables yet; create one with 'tracelake load <table> <file> --create'"
              + " or try 'tracelake demo'.");
      return;
    }
    TextTable text = TextTable.of("TABLE", "SNAPSHOTS", "CURRENT SNAPSHOT", "ROWS");
    for (Views.TableSummary t : tables) {
      text.row(t.table(), t.snapshots(), t.currentSnapshotId(), t.rows());
    }
    out.table(text);
  }
}
