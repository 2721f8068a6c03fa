package dev.tracelake.cli;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.SnapshotPage;
import dev.tracelake.lake.TableName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code tracelake snapshots <table>}: the newest snapshots (a page), printed oldest first, with
 * their provenance. A page costs the snapshots on it, not the length of the history: the next page
 * is asked for with the token the previous one printed.
 */
@Command(
    name = "snapshots",
    mixinStandardHelpOptions = true,
    description = {
      "List a table's snapshots with who wrote them: the newest --limit of them (100 by default),"
          + " printed oldest first.",
      "Older ones: --page-token <token> (printed when there are more) or --all."
    })
final class SnapshotsCommand extends LakeCommand {
  static final int DEFAULT_LIMIT = 100;

  @Parameters(index = "0", paramLabel = "<table>", description = "Table, as namespace.name.")
  TableName table;

  @Option(
      names = "--ref",
      paramLabel = "<branch|tag>",
      description = "Only the snapshots in the history of this branch or tag.")
  String ref;

  @Option(
      names = "--limit",
      paramLabel = "<n>",
      description = "Most snapshots to print (1 to 10000, default 100).")
  Integer limit;

  @Option(
      names = "--page-token",
      paramLabel = "<token>",
      description = "Print the page before this one (the token a previous run printed).")
  String pageToken;

  @Option(names = "--all", description = "Print the whole history (reads all of it).")
  boolean all;

  @Override
  void checkUsage() {
    if (all && (limit != null || pageToken != null)) {
      throw new ParameterException(
          spec.commandLine(), "--all lists every snapshot; it takes no --limit or --page-token");
    }
    if (limit != null && (limit < 1 || limit > 10_000)) {
      throw new ParameterException(spec.commandLine(), "--limit must be 1 to 10000, got " + limit);
    }
    if (ref != null && pageToken != null) {
      throw new ParameterException(
          spec.commandLine(), "--page-token pages the whole table's snapshots; not with --ref");
    }
  }

  @Override
  void run(Lake lake, Output out) {
    LakeTable t = lake.table(table);
    int max = limit == null ? DEFAULT_LIMIT : limit;
    List<SnapshotInfo> snapshots;
    Optional<String> next = Optional.empty();
    boolean more = false;
    if (ref == null) {
      if (all) {
        snapshots = t.snapshots();
      } else {
        SnapshotPage page = t.snapshotPage(max, pageToken);
        snapshots = new ArrayList<>(page.snapshots());
        Collections.reverse(snapshots);
        next = page.nextPageToken();
      }
    } else {
      List<RefInfo> refs = t.refs();
      if (!isRef(refs, ref) && !LakeTable.MAIN.equals(ref)) {
        throw CliException.of(
            "Table %s has no branch or tag '%s'; refs: %s",
            table, ref, refs.stream().map(RefInfo::name).toList());
      }
      snapshots = new ArrayList<>();
      for (SnapshotInfo s : t.branchHead(ref).history()) {
        if (!all && snapshots.size() == max) {
          more = true;
          break;
        }
        snapshots.add(s);
      }
      Collections.reverse(snapshots);
    }
    List<Views.Snapshot> views = snapshots.stream().map(Views.Snapshot::of).toList();
    String hint = null;
    if (next.isPresent()) {
      hint =
          String.format(
              "Showing the newest %d; older ones: tracelake snapshots %s --page-token %s (or --all)",
              views.size(), table, next.get());
    } else if (more) {
      hint =
          String.format(
              "Showing the newest %d of '%s'; the whole history: --all", views.size(), ref);
    }
    if (out.isJson()) {
      out.json(views);
      if (hint != null) {
        spec.commandLine().getErr().println(hint);
        spec.commandLine().getErr().flush();
      }
      return;
    }
    if (views.isEmpty()) {
      out.line("Table %s has no snapshots yet.", table);
      return;
    }
    TextTable text =
        TextTable.of(
            "SNAPSHOT",
            "PARENT",
            "COMMITTED AT",
            "OPERATION",
            "ADDED ROWS",
            "TOTAL ROWS",
            "CODE COMMIT",
            "MODEL",
            "RUN ID",
            "PRODUCER");
    for (Views.Snapshot s : views) {
      text.row(
          s.snapshotId(),
          s.parentId(),
          s.committedAt(),
          s.operation(),
          s.addedRows(),
          s.totalRows(),
          s.codeCommit(),
          s.model(),
          s.runId(),
          s.producer());
    }
    out.table(text);
    if (hint != null) {
      out.line(hint);
    }
  }

  private static boolean isRef(List<RefInfo> refs, String name) {
    return refs.stream().anyMatch(r -> r.name().equals(name));
  }
}
