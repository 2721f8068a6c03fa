package dev.tracelake.cli;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tracelake demo}: writes demo tables, features and the predictions scored from them with
 * record-level lineage, and tags the features snapshot. Each run appends a new batch.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Write demo tables: demo.features, and demo.predictions whose rows name in _lineage the"
          + " feature record they were scored from. Tags the new features snapshot.",
      "Run it again to append another batch."
    })
final class DemoCommand extends LakeCommand {
  static final TableName FEATURES = new TableName("demo", "features");
  static final TableName PREDICTIONS = new TableName("demo", "predictions");

  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+-]+");

  @Option(
      names = "--rows",
      paramLabel = "<n>",
      defaultValue = "20",
      description = "Rows to append to each table (default: ${DEFAULT-VALUE}).")
  int rows;

  /** One demo append. */
  record Append(String table, long snapshotId, long rows, long totalRows) {}

  /** Everything the demo did, and what to try next. */
  record Report(String warehouse, List<Append> appends, Views.Ref tag, List<String> next) {}

  @Override
  boolean createsLake() {
    return true;
  }

  @Override
  void checkUsage() {
    if (rows < 1 || rows > 1_000_000) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--rows must be between 1 and 1000000, got " + rows);
    }
  }

  @Override
  void run(Lake lake, Output out) {
    String runId = "demo-" + Instant.now().truncatedTo(ChronoUnit.SECONDS);
    LakeTable features = tableOrCreate(lake, FEATURES, DemoData.FEATURES);
    LakeTable predictions = tableOrCreate(lake, PREDICTIONS, DemoData.PREDICTIONS);
    long firstId = features.describe().currentSnapshot().map(SnapshotInfo::totalRows).orElse(0L);
    AppendResult featureAppend;
    AppendResult predictionAppend;
    try (BufferAllocator allocator = new RootAllocator()) {
      List<String> featureIds;
      Provenance featureProvenance =
          Provenance.builder().codeCommit("demo").runId(runId).producer("tracelake-demo").build();
      try (VectorSchemaRoot batch = DemoData.features(allocator, firstId, rows);
          PendingAppend append = features.newAppend(featureProvenance)) {
        featureIds = append.write(batch);
        featureAppend = append.commit();
      }
      Provenance predictionProvenance =
          Provenance.builder()
              .codeCommit("demo")
              .model("fraud", "v1")
              .runId(runId)
              .producer("tracelake-demo")
              .build();
      try (VectorSchemaRoot batch =
              DemoData.predictions(
                  allocator,
                  predictions.arrowSchema().findField(MetadataColumns.LINEAGE),
                  FEATURES.toString(),
                  firstId,
                  featureIds,
                  featureAppend.snapshotId());
          PendingAppend append = predictions.newAppend(predictionProvenance)) {
        append.write(batch);
        predictionAppend = append.commit();
      }
    }
    RefInfo tag = features.createTag(freeTagName(features), featureAppend.snapshotId());
    Report report =
        new Report(
            warehouse(lake.config()),
            List.of(report(features, featureAppend), report(predictions, predictionAppend)),
            Views.Ref.of(tag),
            nextCommands(tag));
    print(report, featureAppend.snapshotId(), out);
  }

  private static LakeTable tableOrCreate(Lake lake, TableName name, Schema schema) {
    return lake.exists(name) ? lake.table(name) : lake.createTable(name, schema);
  }

  private static Append report(LakeTable table, AppendResult append) {
    long total = table.snapshot(append.snapshotId()).totalRows();
    return new Append(table.name().toString(), append.snapshotId(), append.rows(), total);
  }

  /** Returns {@code demo-<n>} for the first n (from the snapshot count) not yet a ref. */
  private static String freeTagName(LakeTable table) {
    Set<String> taken = table.refs().stream().map(RefInfo::name).collect(Collectors.toSet());
    int n = table.snapshots().size();
    while (taken.contains("demo-" + n)) {
      n++;
    }
    return "demo-" + n;
  }

  private static String warehouse(LakeConfig config) {
    return config.isLocalWarehouse() ? config.warehousePath().toString() : config.warehouse();
  }

  private List<String> nextCommands(RefInfo tag) {
    String where =
        global.warehouseIsDefault() ? "" : " --warehouse " + shellQuote(global.location.warehouse);
    List<String> next = new ArrayList<>();
    next.add("tracelake tables" + where);
    next.add("tracelake describe " + PREDICTIONS + where);
    next.add("tracelake snapshots " + FEATURES + where);
    next.add("tracelake refs " + FEATURES + where);
    next.add("tracelake snapshots " + FEATURES + " --ref " + tag.name() + where);
    next.add("tracelake branch " + FEATURES + " audit" + where);
    next.add("tracelake load " + FEATURES + " <file.csv> --branch audit" + where);
    next.add("tracelake publish " + FEATURES + " audit" + where);
    return next;
  }

  private static String shellQuote(String value) {
    return SHELL_SAFE.matcher(value).matches() ? value : "'" + value.replace("'", "'\\''") + "'";
  }

  private static void print(Report report, long featuresSnapshot, Output out) {
    if (out.isJson()) {
      out.json(report);
      return;
    }
    out.line("Demo data written to the warehouse at %s:", report.warehouse());
    out.blank();
    TextTable appends = TextTable.of("TABLE", "ADDED ROWS", "SNAPSHOT", "TOTAL ROWS");
    report.appends().forEach(a -> appends.row(a.table(), a.rows(), a.snapshotId(), a.totalRows()));
    out.table(appends);
    out.blank();
    out.line(
        "Each new %s row lists in _lineage the %s record it was scored from, at snapshot %d.",
        PREDICTIONS, FEATURES, featuresSnapshot);
    out.line(
        "Tagged snapshot %d of %s as '%s'.",
        report.tag().snapshotId(), FEATURES, report.tag().name());
    out.blank();
    out.line("Next, try:");
    report.next().forEach(command -> out.line("  " + command));
  }
}
