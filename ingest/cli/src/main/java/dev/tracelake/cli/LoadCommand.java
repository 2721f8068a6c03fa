package dev.tracelake.cli;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tracelake load <table> <file>}: appends a whole file to a table as one snapshot. */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description = {
      "Append a .parquet, .csv (with a header line) or .jsonl file to a table as one snapshot.",
      "Values are cast to the table's column types; a file column the table lacks fails the"
          + " load (unless --evolve adds it), and so does a malformed line: nothing is committed."
    })
final class LoadCommand extends LakeCommand {
  @Parameters(index = "0", paramLabel = "<table>", description = "Table, as namespace.name.")
  TableName table;

  @Parameters(index = "1", paramLabel = "<file>", description = "File to load.")
  Path file;

  @Option(
      names = "--create",
      description = "Create the table from the file's columns if it does not exist.")
  boolean create;

  @Option(
      names = "--branch",
      paramLabel = "<branch>",
      defaultValue = LakeTable.MAIN,
      description = "Branch to commit to (default: ${DEFAULT-VALUE}).")
  String branch;

  @Option(
      names = "--code-commit",
      paramLabel = "<commit>",
      description = "Commit of the code that produced the rows.")
  String codeCommit;

  @Option(
      names = "--model",
      paramLabel = "<name:version>",
      converter = ModelRef.Converter.class,
      description = "Model that produced the rows, e.g. fraud:v3.")
  ModelRef model;

  @Option(names = "--run-id", paramLabel = "<id>", description = "Run that produced the rows.")
  String runId;

  @Option(
      names = "--producer",
      paramLabel = "<name>",
      defaultValue = "tracelake-cli",
      description = "Service or tool that wrote the rows (default: ${DEFAULT-VALUE}).")
  String producer;

  @Option(
      names = "--evolve",
      description =
          "Add the file's columns that the table lacks (optional; older rows read them as null).")
  boolean evolve;

  @Option(names = "--no-progress", description = "Never show a progress bar.")
  boolean noProgress;

  @Override
  boolean createsLake() {
    return create;
  }

  @Override
  void run(Lake lake, Output out) {
    Provenance provenance =
        Provenance.builder()
            .codeCommit(codeCommit)
            .model(model == null ? null : model.name(), model == null ? null : model.version())
            .runId(runId)
            .producer(producer)
            .build();
    FileLoad.Result result =
        FileLoad.run(
            lake,
            new FileLoad.Request(table, file, create, branch, provenance, evolve),
            this::progress);
    if (out.isJson()) {
      out.json(result);
      return;
    }
    if (result.created()) {
      out.line("Created table %s from the columns of %s.", result.table(), result.file());
    }
    if (result.snapshotId() == null) {
      out.line("%s has no rows; nothing was committed.", result.file());
    } else {
      out.line(
          "Loaded %d rows from %s into %s (branch %s) as snapshot %d.",
          result.rows(), result.file(), result.table(), result.branch(), result.snapshotId());
    }
  }

  private LoadProgress progress(SourceFile source) {
    boolean terminal = LoadProgress.stderrIsTerminal();
    if (noProgress || !(terminal || source.sizeBytes() >= LoadProgress.LARGE_FILE_BYTES)) {
      return LoadProgress.none();
    }
    return LoadProgress.start(
        "Loading " + source.file().getFileName(),
        source.rowCount(),
        spec.commandLine().getErr(),
        terminal);
  }
}
