package dev.tracelake.cli;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.OrphanReport;
import dev.tracelake.lake.TableMaintenance;
import dev.tracelake.lake.TableName;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tracelake remove-orphans <table>}: deletes what crashes left under a table's location,
 * files no snapshot (live or archived, on any branch) references, older than the cut-off, and
 * reports each one.
 */
@Command(
    name = "remove-orphans",
    mixinStandardHelpOptions = true,
    description = {
      "Delete files under a table's location that no snapshot references (left by crashed"
          + " writers), last written more than --older-than ago, and list them.",
      "Never touches a file any snapshot, live or archived, references."
    })
final class RemoveOrphansCommand extends LakeCommand {
  @Parameters(index = "0", paramLabel = "<table>", description = "Table, as namespace.name.")
  TableName table;

  @Option(
      names = "--older-than",
      paramLabel = "<duration>",
      defaultValue = "1d",
      description =
          "Only files last written before this long ago: older than any commit in flight (at"
              + " least 1h; default 1d). E.g. 6h, 3d.")
  String olderThan;

  @Option(names = "--dry-run", description = "List the orphans; delete nothing.")
  boolean dryRun;

  /** One orphan, as printed. */
  record Orphan(String location, String kind, long bytes, String modifiedAt) {}

  /** The report, as printed. */
  record Report(
      String table,
      boolean removed,
      String olderThan,
      long filesScanned,
      List<Orphan> orphans,
      long orphanBytes,
      List<String> kept) {}

  @Override
  void run(Lake lake, Output out) {
    Duration age = Quantities.duration("--older-than", olderThan);
    if (age.compareTo(TableMaintenance.MIN_ORPHAN_AGE) < 0) {
      throw CliException.of(
          "--older-than must be at least 1h: a commit may still be writing younger files (got %s)",
          olderThan);
    }
    LakeTable t = lake.table(table);
    OrphanReport r =
        dryRun ? t.maintenance().findOrphanFiles(age) : t.maintenance().removeOrphanFiles(age);
    Report report =
        new Report(
            table.toString(),
            r.removed(),
            r.olderThan().toString(),
            r.filesScanned(),
            r.orphans().stream()
                .map(f -> new Orphan(f.location(), f.kind(), f.bytes(), f.modifiedAt().toString()))
                .toList(),
            r.orphanBytes(),
            r.kept());
    if (out.isJson()) {
      out.json(report);
      return;
    }
    if (report.orphans().isEmpty()) {
      out.line(
          "%s: no orphan files older than %s (%d files scanned).",
          table, report.olderThan(), report.filesScanned());
    } else {
      TextTable text = TextTable.of("KIND", "BYTES", "LAST WRITTEN", "FILE");
      report.orphans().forEach(o -> text.row(o.kind(), o.bytes(), o.modifiedAt(), o.location()));
      out.table(text);
      out.line(
          "%s: %s %d orphan files (%d bytes) of %d scanned.",
          table,
          dryRun ? "would remove" : "removed",
          report.orphans().size(),
          report.orphanBytes(),
          report.filesScanned());
    }
    for (String k : report.kept()) {
      out.line("Kept %s: in no manifest, but a committed snapshot names its write id.", k);
    }
  }
}
