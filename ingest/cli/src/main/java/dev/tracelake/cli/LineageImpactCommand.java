package dev.tracelake.cli;

import dev.tracelake.lake.Lake;
import dev.tracelake.lineage.ImpactQuery;
import dev.tracelake.lineage.ImpactResult;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.lineage.Problem;
import dev.tracelake.lineage.RecordKey;
import dev.tracelake.lineage.TableRecords;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code tracelake lineage impact}: everything derived from a record, or from all a run, model
 * (version) or code commit produced: counts per table and the ids.
 */
@Command(
    name = "impact",
    mixinStandardHelpOptions = true,
    description =
        "Find what a record, run, model (version) or code commit produced and everything derived"
            + " from it: counts per table, and the first ids.")
final class LineageImpactCommand extends LakeCommand {
  /** Exactly one starting point. */
  static final class Start {
    @Option(
        names = "--record",
        paramLabel = "<table>:<id>",
        description = "One record, e.g. demo.features:f-17.")
    String record;

    @Option(names = "--run", paramLabel = "<run-id>", description = "Every record of a run.")
    String run;

    @Option(
        names = "--model",
        paramLabel = "<name>[:<version>]",
        description = "Every record of a model version (every version without ':<version>').")
    String model;

    @Option(
        names = "--commit",
        paramLabel = "<sha>",
        description = "Every record written by code at a commit.")
    String commit;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Start start;

  @Option(
      names = "--depth",
      paramLabel = "<n>",
      description = "Lineage steps to follow downstream.")
  Integer depth;

  @Option(
      names = "--as-of",
      paramLabel = "<time>",
      description = "Answer as of this ISO-8601 time: later records are ignored.")
  String asOf;

  @Option(
      names = "--ids",
      paramLabel = "<n>",
      defaultValue = "20",
      description =
          "Record ids to list per table (default: ${DEFAULT-VALUE}); counts are complete.")
  int ids;

  /**
   * The answer as printed.
   *
   * @param query the question, e.g. {@code model fraud v1} or {@code record demo.features/f-1}
   * @param producedCount records the question starts from: the record, or those produced
   */
  record Report(
      String query,
      long producedCount,
      long derivedCount,
      List<TableRecords> produced,
      List<TableRecords> derived,
      List<String> problems,
      String freshness) {}

  private ImpactQuery query;

  @Override
  void checkUsage() {
    try {
      query = startingPoint().catchUpFirst().idLimit(ids);
      if (depth != null) {
        query = query.maxDepth(depth);
      }
      if (asOf != null) {
        query = query.asOf(AsOfTime.parse(asOf));
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private ImpactQuery startingPoint() {
    if (start.record != null) {
      int colon = start.record.indexOf(':');
      if (colon <= 0 || colon == start.record.length() - 1) {
        throw new IllegalArgumentException(
            "--record must be <table>:<id>, e.g. demo.features:f-17, got '" + start.record + "'");
      }
      return ImpactQuery.ofRecord(
          RecordKey.of(start.record.substring(0, colon), start.record.substring(colon + 1)));
    }
    if (start.run != null) {
      return ImpactQuery.ofRun(start.run);
    }
    if (start.model != null) {
      int colon = start.model.indexOf(':');
      return colon < 0
          ? ImpactQuery.ofModel(start.model, null)
          : ImpactQuery.ofModel(start.model.substring(0, colon), start.model.substring(colon + 1));
    }
    return ImpactQuery.ofCodeCommit(start.commit);
  }

  @Override
  void run(Lake lake, Output out) {
    ImpactResult result;
    try (Lineage lineage = Lineage.open(lake, LineageOptions.defaults().withManualRefresh())) {
      result = lineage.impact(query);
    }
    List<Problem> notFound =
        result.problems().stream().filter(p -> p.kind() == Problem.Kind.RECORD_NOT_FOUND).toList();
    if (query.kind() == ImpactQuery.Kind.RECORD && !notFound.isEmpty()) {
      throw new CliException(notFound.get(0).message());
    }
    Report report =
        new Report(
            query.toString(),
            result.seedCount(),
            result.derivedCount(),
            result.seeds(),
            result.derived(),
            result.problems().stream().map(Problem::message).toList(),
            result.freshness().toString());
    if (out.isJson()) {
      out.json(report);
      return;
    }
    print(report, query.kind() == ImpactQuery.Kind.RECORD ? "record" : "produced", out);
  }

  /** Prints the counts table, then the ids; {@code role} names the role of the seed records. */
  private static void print(Report report, String role, Output out) {
    out.line(
        "Impact of %s: %d record(s) to start from, %d derived from them.",
        report.query(), report.producedCount(), report.derivedCount());
    TextTable counts = TextTable.of("TABLE", "ROLE", "RECORDS");
    report.produced().forEach(t -> counts.row(t.table(), role, t.count()));
    report.derived().forEach(t -> counts.row(t.table(), "derived", t.count()));
    if (!counts.isEmpty()) {
      out.blank();
      out.table(counts);
    }
    for (TableRecords t : report.produced()) {
      ids(t, role, out);
    }
    for (TableRecords t : report.derived()) {
      ids(t, "derived", out);
    }
    if (!report.problems().isEmpty()) {
      out.blank();
      out.line("problems:");
      report.problems().forEach(p -> out.line("  - " + p));
    }
    out.line(report.freshness());
  }

  private static void ids(TableRecords t, String role, Output out) {
    if (t.recordIds().isEmpty()) {
      return;
    }
    out.blank();
    out.line("%s (%s):", t.table(), role);
    t.recordIds().forEach(id -> out.line("  " + id));
    if (!t.idsComplete()) {
      out.line("  ... and %d more (raise --ids to list them)", t.count() - t.recordIds().size());
    }
  }
}
