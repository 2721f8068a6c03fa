package dev.tracelake.cli;

import dev.tracelake.client.Impact;
import dev.tracelake.client.LineageClient;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.client.TracelakeException;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lineage.ImpactQuery;
import dev.tracelake.lineage.ImpactResult;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.lineage.Problem;
import dev.tracelake.lineage.RecordKey;
import dev.tracelake.lineage.TableRecords;
import io.grpc.Status;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tracelake lineage impact}: everything derived from a record, or from all a run, model
 * (version) or code commit produced: counts per table and the ids.
 */
@Command(
    name = "impact",
    mixinStandardHelpOptions = true,
    description = {
      "Find what a record, run, model (version) or code commit produced and everything derived"
          + " from it: counts per table, and the first ids.",
      "Asks a running server when one is configured (--server, TRACELAKE_SERVER) or serves this"
          + " warehouse on this machine; else reads the embedded lake. A start that matches"
          + " nothing is a warning and exit code 1."
    })
final class LineageImpactCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Spec CommandSpec spec;

  @Option(
      names = "--server",
      paramLabel = "<host:port>",
      description = "Ask this running server (default: env TRACELAKE_SERVER, else a local one).")
  String server;

  @Option(names = "--embedded", description = "Read the embedded lake even if a server runs.")
  boolean embedded;

  @Option(
      names = "--ref",
      paramLabel = "<branch|tag>",
      description = "Follow records of this branch or tag too (e.g. staged before publish).")
  String ref;

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
      String freshness,
      boolean unknownStart) {}

  private ImpactQuery query;

  @Override
  public Integer call() {
    checkUsage();
    LakeConfig config;
    try {
      config = global.lakeConfig();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Output out = new Output(spec.commandLine().getOut(), global.format);
    Optional<ServerTarget> target =
        ServerTarget.resolve(server, embedded, config, global.location.environment);
    if (target.isPresent()) {
      Optional<Report> remote = onServer(target.get());
      if (remote.isPresent()) {
        return print(remote.get(), out);
      }
    }
    global.requireExistingLake(config);
    global.location.refuseTokenForEmbedded(config);
    try (Lake lake = Lake.open(config)) {
      return print(embedded(lake), out);
    }
  }

  /** Asks the server; empty when a server found only by its note does not answer. */
  private Optional<Report> onServer(ServerTarget target) {
    LineageClient.ImpactStart from =
        start.record != null
            ? LineageClient.ImpactStart.record(
                query.record().orElseThrow().table(), query.record().orElseThrow().recordId())
            : start.run != null
                ? LineageClient.ImpactStart.run(start.run)
                : start.model != null
                    ? LineageClient.ImpactStart.model(start.model)
                    : LineageClient.ImpactStart.codeCommit(start.commit);
    Impact impact;
    try (TracelakeClient client = global.location.connect(target.address())) {
      impact =
          client
              .lineage()
              .impact(
                  from,
                  depth == null ? 0 : Math.max(1, depth),
                  Math.max(ids, 1),
                  query.asOf().orElse(null),
                  ref);
    } catch (TracelakeException e) {
      if (e.code() == Status.Code.UNAVAILABLE && !target.explicit()) {
        spec.commandLine()
            .getErr()
            .println(
                "note: the server at "
                    + target.address()
                    + " does not answer; reading the embedded lake");
        return Optional.empty();
      }
      throw CliException.of(
          "Cannot find the impact of %s on the server at %s: %s",
          query, target.address(), e.getMessage());
    }
    List<TableRecords> produced = new ArrayList<>();
    List<TableRecords> derived = new ArrayList<>();
    for (Impact.Tables t : impact.tables()) {
      List<String> listed = t.recordIds().subList(0, Math.min(ids, t.recordIds().size()));
      (t.start() ? produced : derived).add(new TableRecords(t.table(), t.count(), listed));
    }
    List<String> notFound = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Impact.Problem p : impact.problems()) {
      problems.add(p.message());
      if (p.kind().equals(Problem.Kind.RECORD_NOT_FOUND.name())) {
        notFound.add(p.message());
      } else if (p.kind().equals(Problem.Kind.NOTHING_MATCHED.name())) {
        unknown.add(p.message());
      }
    }
    if (query.kind() == ImpactQuery.Kind.RECORD
        && !notFound.isEmpty()
        && impact.startCount() == 0) {
      throw new CliException(notFound.get(0));
    }
    return Optional.of(
        new Report(
            impact.query(),
            impact.startCount(),
            impact.derivedCount(),
            produced,
            derived,
            problems,
            impact.freshness(),
            !unknown.isEmpty()));
  }

  void checkUsage() {
    try {
      query = startingPoint().catchUpFirst().idLimit(ids);
      if (depth != null) {
        query = query.maxDepth(depth);
      }
      if (asOf != null) {
        query = query.asOf(AsOfTime.parse(asOf));
      }
      if (ref != null) {
        query = query.ref(ref);
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

  private Report embedded(Lake lake) {
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
            result.freshness().toString(),
            !result.problems().stream()
                .filter(p -> p.kind() == Problem.Kind.NOTHING_MATCHED)
                .toList()
                .isEmpty());
    return report;
  }

  /** Prints the answer; a start that matched nothing is also a warning, and exit code 1. */
  private int print(Report report, Output out) {
    if (out.isJson()) {
      out.json(report);
    } else {
      print(report, query.kind() == ImpactQuery.Kind.RECORD ? "record" : "produced", out);
    }
    if (report.unknownStart()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("warning: " + query + " matches no record; nothing to show");
      err.flush();
      return TracelakeCli.EXIT_FAILURE;
    }
    return 0;
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
