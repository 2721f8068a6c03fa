package dev.tracelake.cli;

import dev.tracelake.lake.Lake;
import dev.tracelake.lineage.IndexStatus;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.lineage.TableIndexStatus;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code tracelake lineage reindex}: rebuilds the lineage index from the tables, shows its state.
 */
@Command(
    name = "reindex",
    mixinStandardHelpOptions = true,
    description =
        "Rebuild the lineage index from the tables' _lineage columns and print its state: per"
            + " table the snapshot indexed and the records, in all the records and edges.")
final class LineageReindexCommand extends LakeCommand {
  /** The index state as printed; times are ISO-8601 strings. */
  record Status(
      String checkedAt, List<TableIndexStatus> tables, long records, long edges, int runs) {
    static Status of(IndexStatus s) {
      return new Status(
          s.checkedAt() == null ? null : s.checkedAt().toString(),
          s.tables(),
          s.records(),
          s.edges(),
          s.runs());
    }
  }

  @Override
  void run(Lake lake, Output out) {
    IndexStatus status;
    try (Lineage lineage = Lineage.open(lake, LineageOptions.defaults().withManualRefresh())) {
      status = lineage.reindex();
    }
    if (out.isJson()) {
      out.json(Status.of(status));
      return;
    }
    TextTable table =
        TextTable.of("TABLE", "INDEXED SNAPSHOT", "HEAD SNAPSHOT", "BEHIND", "RECORDS");
    for (TableIndexStatus t : status.tables()) {
      table.row(
          t.table(), t.indexedSnapshotId(), t.headSnapshotId(), t.snapshotsBehind(), t.records());
    }
    if (!table.isEmpty()) {
      out.table(table);
      out.blank();
    }
    out.line(
        "Lineage index rebuilt: %d table(s), %d record(s), %d edge(s), %d run(s).",
        status.tables().size(), status.records(), status.edges(), status.runs());
  }
}
