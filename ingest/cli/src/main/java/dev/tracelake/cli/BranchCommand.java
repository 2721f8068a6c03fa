package dev.tracelake.cli;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.TableName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code tracelake branch}: creates a branch, or fast-forwards one branch to another (the publish
 * step of write-audit-publish).
 */
@Command(
    name = "branch",
    mixinStandardHelpOptions = true,
    description = {
      "Create a branch (default: at the head of main), or fast-forward a branch to another.",
      "  tracelake branch <table> <name> [--snapshot <id>]",
      "  tracelake branch <table> --fast-forward <target> --to <source>"
    })
final class BranchCommand extends LakeCommand {
  @Parameters(index = "0", paramLabel = "<table>", description = "Table, as namespace.name.")
  TableName table;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "<name>",
      description = "Name of the new branch.")
  String name;

  @Option(names = "--snapshot", paramLabel = "<id>", description = "Snapshot to branch from.")
  Long snapshot;

  @Option(
      names = "--fast-forward",
      paramLabel = "<target>",
      description = "Branch to move forward, e.g. main.")
  String target;

  @Option(
      names = "--to",
      paramLabel = "<source>",
      description = "Branch whose head the --fast-forward target moves to.")
  String source;

  @Override
  void run(Lake lake, Output out) {
    LakeTable t = lake.table(table);
    if (target != null) {
      RefInfo moved = t.fastForward(target, source);
      if (out.isJson()) {
        out.json(Views.Ref.of(moved));
      } else {
        out.line(
            "Fast-forwarded branch '%s' of %s to '%s': now at snapshot %d.",
            moved.name(), table, source, moved.snapshotId());
      }
      return;
    }
    RefInfo created = snapshot == null ? t.createBranch(name) : t.createBranch(name, snapshot);
    if (out.isJson()) {
      out.json(Views.Ref.of(created));
    } else {
      out.line(
          "Created branch '%s' of %s at snapshot %d.", created.name(), table, created.snapshotId());
    }
  }

  @Override
  void checkUsage() {
    if (target != null) {
      if (source == null) {
        throw usage("--fast-forward needs --to <source>");
      }
      if (name != null || snapshot != null) {
        throw usage("--fast-forward takes no branch name and no --snapshot");
      }
    } else {
      if (source != null) {
        throw usage("--to needs --fast-forward <target>");
      }
      if (name == null) {
        throw usage("Missing the branch name: branch <table> <name>");
      }
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
