package dev.tracelake.cli;

import dev.tracelake.client.Provenance;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code tracelake replay create}: defines a replay over production outputs, pinned to the version
 * read now, and creates its branch.
 */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = {
      "Define a replay: the production outputs of a table to re-run (filters are ANDed) and the"
          + " candidate that re-runs them. The slice is pinned to the snapshot read now; the"
          + " branch (replay/<id>) is made from main's head. Creating the same replay again"
          + " changes nothing."
    })
final class ReplayCreateCommand extends ReplaySubcommand {
  @Parameters(index = "0", paramLabel = "<replay-id>", description = "The replay's id.")
  String replayId;

  @Option(
      names = "--table",
      required = true,
      paramLabel = "<table>",
      description = "The production output table, e.g. fraud.predictions.")
  String table;

  @Option(
      names = "--ref",
      paramLabel = "<branch|tag>",
      description = "Read the outputs at this ref.")
  String ref;

  @Option(
      names = "--after-snapshot",
      paramLabel = "<id>",
      description = "Only outputs appended after this snapshot.")
  Long afterSnapshot;

  @Option(
      names = "--to-snapshot",
      paramLabel = "<id>",
      description = "Read the outputs at this snapshot (the end of a snapshot range).")
  Long toSnapshot;

  @Option(
      names = "--from",
      paramLabel = "<time>",
      description = "Only outputs written at or after this ISO-8601 time.")
  String from;

  @Option(
      names = "--to",
      paramLabel = "<time>",
      description = "Only outputs written before this ISO-8601 time.")
  String to;

  @Option(
      names = "--model",
      paramLabel = "<name>[:<version>]",
      description = "Only outputs of this model (version), e.g. fraud:v3.")
  String model;

  @Option(names = "--run", paramLabel = "<run-id>", description = "Only outputs of this run.")
  String run;

  @Option(
      names = "--candidate",
      required = true,
      converter = ModelRef.Converter.class,
      paramLabel = "<name>:<version>",
      description = "The candidate model, e.g. fraud:v4.")
  ModelRef candidate;

  @Option(
      names = "--candidate-commit",
      paramLabel = "<sha>",
      description = "The commit of the candidate's code.")
  String candidateCommit;

  @Option(
      names = "--candidate-run",
      paramLabel = "<run-id>",
      description = "The candidate's run (default replay-<id>).")
  String candidateRun;

  @Option(
      names = "--branch",
      paramLabel = "<branch>",
      description = "The branch the candidate writes to (default replay/<id>).")
  String branch;

  @Option(
      names = "--batch-cases",
      paramLabel = "<n>",
      defaultValue = "0",
      description = "Cases per batch (default 1000).")
  int batchCases;

  private Instant fromTime;
  private Instant toTime;

  @Override
  void checkUsage() {
    fromTime = time("--from", from);
    toTime = time("--to", to);
    if (batchCases < 0) {
      throw new ParameterException(
          spec.commandLine(), "--batch-cases must be positive, got " + batchCases);
    }
  }

  private Instant time(String option, String text) {
    try {
      return text == null ? null : AsOfTime.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          option + " must be an ISO-8601 time such as 2026-01-01T00:00:00Z, got '" + text + "'");
    }
  }

  @Override
  int run(ReplaySession session, ReplayPrinter out) {
    String modelName = null;
    String modelVersion = null;
    if (model != null) {
      int colon = model.indexOf(':');
      modelName = colon < 0 ? model : model.substring(0, colon);
      modelVersion = colon < 0 ? null : model.substring(colon + 1);
    }
    ReplaySession.Created created =
        session.create(
            new ReplaySession.NewReplayArgs(
                replayId,
                table,
                ref,
                afterSnapshot,
                toSnapshot,
                fromTime,
                toTime,
                modelName,
                modelVersion,
                run,
                Provenance.builder()
                    .model(candidate.name(), candidate.version())
                    .codeCommit(candidateCommit)
                    .runId(candidateRun)
                    .build(),
                branch,
                batchCases));
    if (format == ReplayFormat.TABLE) {
      spec.commandLine()
          .getOut()
          .println(
              created.created()
                  ? "Created replay " + replayId + " (" + session.where() + ")"
                  : "Replay " + replayId + " exists with this definition; unchanged");
    }
    out.replay(created.replay());
    return 0;
  }
}
