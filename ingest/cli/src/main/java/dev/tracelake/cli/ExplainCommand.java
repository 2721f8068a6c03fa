package dev.tracelake.cli;

import dev.tracelake.client.Explained;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.client.TracelakeException;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lineage.ExplainOptions;
import dev.tracelake.lineage.Explanation;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.LineageFormat;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.lineage.PageIndexRowSource;
import dev.tracelake.lineage.Problem;
import dev.tracelake.lineage.RecordKey;
import dev.tracelake.lineage.evidence.EvidenceBundle;
import dev.tracelake.lineage.evidence.EvidenceExporter;
import dev.tracelake.lineage.evidence.EvidenceHtml;
import dev.tracelake.query.DuckDbRowSource;
import io.grpc.Status;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tracelake explain}: the auditor's answer about one record: its row, the run that wrote it
 * (code commit, model version) and every input's row as of the snapshot it was read at.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Explain one record: its row, its run (code commit, model version) and every input row as"
          + " of the snapshot it was read at, transitively.",
      "Problems (missing inputs, cycles, index lag) follow the tree; with json, dot or mermaid"
          + " they go to stderr."
    })
final class ExplainCommand implements Callable<Integer> {
  @Mixin LakeLocation location;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<table>", description = "Table of the record.")
  String table;

  @Parameters(index = "1", paramLabel = "<record-id>", description = "The record's _record_id.")
  String recordId;

  @Option(
      names = "--format",
      paramLabel = "tree|json|dot|mermaid",
      defaultValue = "tree",
      description = "Output format: tree (default), json, dot (Graphviz) or mermaid.")
  LineageFormat format;

  @Option(
      names = "--depth",
      paramLabel = "<n>",
      description = "Lineage steps to follow (default " + ExplainOptions.DEFAULT_MAX_DEPTH + ").")
  Integer depth;

  @Option(
      names = "--as-of",
      paramLabel = "<time>",
      description = "Explain as of this ISO-8601 time: later records and edges are ignored.")
  String asOf;

  @Option(
      names = "--explain-reader",
      paramLabel = "pages|duckdb|scan",
      defaultValue = "pages",
      description =
          "How rows are read from the embedded lake: pages (the Parquet page index, default),"
              + " duckdb (local warehouses only) or scan (lake-core's row reader).")
  ExplainReader reader;

  /** The ways the embedded explain reads rows. */
  enum ExplainReader {
    pages,
    duckdb,
    scan
  }

  @Option(
      names = "--server",
      paramLabel = "<host:port>",
      description =
          "Ask this running server (see 'tracelake serve'); default: env TRACELAKE_SERVER, else a"
              + " server serving this warehouse on this machine, else the embedded lake.")
  String server;

  @Option(names = "--embedded", description = "Read the embedded lake even if a server runs.")
  boolean embedded;

  @Option(
      names = "--ref",
      paramLabel = "<branch|tag>",
      description = "Explain the record as it is on this branch or tag (e.g. before publish).")
  String ref;

  @Option(
      names = "--bundle",
      paramLabel = "<file.json>",
      description =
          "Also export the evidence bundle (the record, every input row, snapshots, runs, data"
              + " files with SHA-256) to this file; check it later with 'tracelake verify'. Reads"
              + " the lake directly.")
  java.nio.file.Path bundle;

  @Option(
      names = "--bundle-html",
      paramLabel = "<file.html>",
      description = "Also write the evidence bundle as a page for people (with --bundle).")
  java.nio.file.Path bundleHtml;

  @Override
  public Integer call() {
    ExplainOptions options = options();
    if (bundleHtml != null && bundle == null) {
      throw new ParameterException(spec.commandLine(), "--bundle-html needs --bundle");
    }
    if (bundle != null && server != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--bundle reads the lake directly (its data files are hashed); drop --server and name"
              + " the lake with --warehouse/--catalog-uri");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LakeConfig config;
    try {
      config = location.lakeConfig();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    java.util.Optional<ServerTarget> target =
        ServerTarget.resolve(server, embedded, config, location.environment);
    if (target.isPresent() && depth != null && depth < 1) {
      if (target.get().explicit()) {
        // the protocol reads a depth of 0 as "the server's default"
        throw new ParameterException(
            spec.commandLine(),
            "--depth must be at least 1 with a server (" + target.get().address() + ")");
      }
      target = java.util.Optional.empty();
    }
    if (target.isPresent() && bundle == null) {
      java.util.Optional<Explained> explained = explainOnServer(target.get());
      if (explained.isPresent()) {
        print(explained.get().rendered(), explained.get().problems(), out, err);
        return 0;
      }
    }
    location.requireExistingLake(config);
    location.refuseTokenForEmbedded(config);
    if (reader == ExplainReader.duckdb && !config.isLocalWarehouse()) {
      throw new ParameterException(
          spec.commandLine(),
          "--explain-reader duckdb reads local warehouses only; " + config.warehouse() + " is not");
    }
    try (Lake lake = Lake.open(config);
        Lineage lineage = Lineage.open(lake, LineageOptions.defaults().withManualRefresh());
        DuckDbRowSource duckDb =
            reader == ExplainReader.duckdb ? DuckDbRowSource.attachTo(lineage, lake) : null) {
      if (reader == ExplainReader.pages) {
        PageIndexRowSource.attachTo(lineage, lake);
      }
      Explanation explanation = lineage.explain(RecordKey.of(table, recordId), options);
      List<Problem> notFound = explanation.problems(Problem.Kind.RECORD_NOT_FOUND);
      if (!notFound.isEmpty()) {
        throw new CliException(notFound.get(0).message());
      }
      print(
          format.render(explanation),
          explanation.problems().stream().map(Problem::message).toList(),
          out,
          err);
      if (bundle != null) {
        writeBundle(lake, lineage, options, err);
      }
    }
    return 0;
  }

  private ExplainOptions options() {
    if (server != null && depth != null && depth < 1) {
      // the protocol reads a depth of 0 as "the server's default"
      throw new ParameterException(spec.commandLine(), "--depth must be at least 1 with --server");
    }
    ExplainOptions options = ExplainOptions.defaults().catchUpFirst();
    try {
      if (depth != null) {
        options = options.maxDepth(depth);
      }
      if (asOf != null) {
        options = options.asOf(AsOfTime.parse(asOf));
      }
      if (ref != null) {
        options = options.ref(ref);
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    return options;
  }

  /**
   * Who exports from the command line: the operating-system user, as the embedded lake has no
   * principals of its own (the console records its signed-in principal instead).
   */
  static String localPrincipal() {
    return "local:" + System.getProperty("user.name", "unknown");
  }

  private void writeBundle(Lake lake, Lineage lineage, ExplainOptions options, PrintWriter err) {
    EvidenceBundle evidence =
        EvidenceExporter.of(lake, lineage)
            .export(RecordKey.of(table, recordId), options, localPrincipal());
    try {
      java.nio.file.Files.write(bundle, evidence.toJsonBytes());
      if (bundleHtml != null) {
        java.nio.file.Files.writeString(
            bundleHtml, EvidenceHtml.render(evidence), java.nio.charset.StandardCharsets.UTF_8);
      }
    } catch (java.io.IOException e) {
      throw CliException.of("Cannot write the evidence bundle to %s: %s", bundle, e.getMessage());
    }
    err.printf(
        "evidence: %d records, %d data files, content SHA-256 %s written to %s%n",
        evidence.recordCount(), evidence.fileCount(), evidence.contentSha256(), bundle);
    err.flush();
  }

  /** Asks the server; empty when a server found only by its note does not answer. */
  private java.util.Optional<Explained> explainOnServer(ServerTarget target) {
    try (TracelakeClient client = location.connect(target.address())) {
      ExplainOptions options = options();
      return java.util.Optional.of(
          client
              .lineage()
              .explain(
                  table,
                  recordId,
                  format.name().toLowerCase(Locale.ROOT),
                  depth == null ? 0 : options.maxDepth(),
                  options.asOf().orElse(null),
                  ref));
    } catch (TracelakeException e) {
      if (e.code() == Status.Code.NOT_FOUND && e.description() != null) {
        throw new CliException(e.description(), e);
      }
      if (e.code() == Status.Code.UNAVAILABLE && !target.explicit()) {
        spec.commandLine()
            .getErr()
            .println(
                "note: the server at "
                    + target.address()
                    + " does not answer; reading the embedded lake");
        return java.util.Optional.empty();
      }
      throw CliException.of(
          "Cannot explain record %s of %s on the server at %s: %s",
          recordId, table, target.address(), e.getMessage());
    }
  }

  /** Prints the rendering; the tree already ends with its problems, the other formats do not. */
  private void print(String rendered, List<String> problems, PrintWriter out, PrintWriter err) {
    out.print(rendered.endsWith("\n") ? rendered : rendered + "\n");
    out.flush();
    if (format != LineageFormat.TREE) {
      problems.forEach(p -> err.println("problem: " + p));
      err.flush();
    }
  }
}
