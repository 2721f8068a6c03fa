package dev.tracelake.cli;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.TableName;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tracelake refs <table>}: the table's branches and tags. */
@Command(
    name = "refs",
    mixinStandardHelpOptions = true,
    description = "List a table's branches and tags.")
final class RefsCommand extends LakeCommand {
  @Parameters(index = "0", paramLabel = "<table>", description = "Table, as namespace.name.")
  TableName table;

  @Override
  void run(Lake lake, Output out) {
    List<Views.Ref> refs = lake.table(table).refs().stream().map(Views.Ref::of).toList();
    if (out.isJson()) {
      out.json(refs);
      return;
    }
    if (refs.isEmpty()) {
      out.line("Table %s has no branches or tags yet.", table);
      return;
    }
    TextTable text = TextTable.of("REF", "TYPE", "SNAPSHOT");
    refs.forEach(r -> text.row(r.name(), r.type(), r.snapshotId()));
    out.table(text);
  }
}
