package dev.tracelake.cli;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.TableName;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tracelake describe <table>}: columns, current snapshot, location and refs. */
@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    description = "Show a table's columns, current snapshot, location and refs.")
final class DescribeCommand extends LakeCommand {
  private static final Pattern NESTED_FIELD_ID = Pattern.compile("\\b\\d+: ");

  @Parameters(index = "0", paramLabel = "<table>", description = "Table, as namespace.name.")
  TableName table;

  @Override
  void run(Lake lake, Output out) {
    Views.Table t = Views.Table.of(lake.table(table).describe());
    if (out.isJson()) {
      out.json(t);
      return;
    }
    Views.Snapshot current = t.currentSnapshot();
    TextTable about = TextTable.of("TABLE", t.table());
    about.row("location", t.location());
    about.row("uuid", t.uuid());
    about.row("format", "v" + t.formatVersion());
    about.row("snapshots", t.snapshotCount());
    about.row(
        "current",
        current == null
            ? "none (nothing committed to main yet)"
            : String.format(
                "%d at %s, %d rows",
                current.snapshotId(), current.committedAt(), current.totalRows()));
    out.table(about);
    out.blank();
    TextTable columns = TextTable.of("ID", "COLUMN", "TYPE", "REQUIRED", "METADATA", "DOC");
    for (Views.Column c : t.columns()) {
      columns.row(
          c.fieldId(),
          c.name(),
          readableType(c.type()),
          yesNo(c.required()),
          yesNo(c.metadata()),
          c.doc());
    }
    out.table(columns);
    out.blank();
    if (t.refs().isEmpty()) {
      out.line("No refs yet.");
      return;
    }
    TextTable refs = TextTable.of("REF", "TYPE", "SNAPSHOT");
    t.refs().forEach(r -> refs.row(r.name(), r.type(), r.snapshotId()));
    out.table(refs);
  }

  /**
   * Drops the nested field ids and {@code optional} markers from Iceberg's type text, e.g. {@code
   * list<struct<12: table: required string>>} becomes {@code list<struct<table: required string>>}.
   * JSON output keeps Iceberg's text.
   */
  static String readableType(String icebergType) {
    return NESTED_FIELD_ID.matcher(icebergType).replaceAll("").replace("optional ", "");
  }

  private static String yesNo(boolean value) {
    return value ? "yes" : "no";
  }
}
