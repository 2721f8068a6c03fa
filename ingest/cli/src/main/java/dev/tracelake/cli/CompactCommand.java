package dev.tracelake.cli;

import dev.tracelake.lake.ArchiveResult;
import dev.tracelake.lake.CompactionOptions;
import dev.tracelake.lake.CompactionResult;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.TableName;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code tracelake compact <table>}: the upkeep that keeps a table's cost flat however long it
 * lives. Archives the history beyond the live window out of the table's metadata, then rewrites the
 * head's small files into larger ones, round after round until nothing is left to merge. Neither
 * step changes what any snapshot reads or deletes a committed file.
 */
@Command(
    name = "compact",
    mixinStandardHelpOptions = true,
    description = {
      "Archive a table's old snapshots out of its live metadata, then compact the small data files"
          + " of its head (the server does both in the background).",
      "Every snapshot reads the same rows afterwards; no committed file is deleted."
    })
final class CompactCommand extends LakeCommand {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "<table>",
      description = "Table, as namespace.name (or --all-tables).")
  TableName table;

  @Option(names = "--all-tables", description = "Every table of the lake.")
  boolean allTables;

  @Option(names = "--no-archive", description = "Only compact; leave the history as it is.")
  boolean noArchive;

  @Option(names = "--no-compact", description = "Only archive history; leave the files.")
  boolean noCompact;

  @Option(
      names = "--live-snapshots",
      paramLabel = "<n>",
      description = "First set the table's live window of history to <n> snapshots (default 100).")
  Integer liveSnapshots;

  @Option(
      names = "--archive-batch",
      paramLabel = "<n>",
      description =
          "First set how many snapshots may pile up beyond the live window before commits archive"
              + " them (default 200).")
  Integer archiveBatch;

  @Option(
      names = "--target-file-size",
      paramLabel = "<size>",
      description = "Size of the files written, e.g. 128MiB (the default).")
  String targetFileSize;

  @Option(
      names = "--fan-in",
      paramLabel = "<n>",
      description = "Files of one size tier merged at once (default 8).")
  Integer fanIn;

  @Option(
      names = "--max-bytes",
      paramLabel = "<size>",
      description = "Most bytes one round reads (default 1GiB).")
  String maxBytes;

  @Option(
      names = "--max-rounds",
      paramLabel = "<n>",
      defaultValue = "20",
      description = "Most rounds of compaction; each commits one replace snapshot (default 20).")
  int maxRounds;

  /** What happened to one table. */
  record TableUpkeep(
      String table,
      ArchiveView archive,
      List<CompactionView> compactions,
      Integer headFilesBefore,
      Integer headFilesAfter) {}

  record ArchiveView(int archived, int expired, int liveBefore, int liveAfter, long archivedTotal) {
    static ArchiveView of(ArchiveResult r) {
      return new ArchiveView(
          r.archived(), r.expired(), r.liveBefore(), r.liveAfter(), r.archivedTotal());
    }
  }

  record CompactionView(
      Long snapshotId,
      int filesRewritten,
      int filesWritten,
      long bytesRewritten,
      long bytesWritten,
      long rows) {
    static CompactionView of(CompactionResult r) {
      return new CompactionView(
          r.snapshotId().orElse(null),
          r.filesRewritten(),
          r.filesWritten(),
          r.bytesRewritten(),
          r.bytesWritten(),
          r.rows());
    }
  }

  @Override
  void checkUsage() {
    if ((table == null) == !allTables) {
      throw new ParameterException(
          spec.commandLine(), "Name one table or pass --all-tables (not both)");
    }
    if (noArchive && noCompact) {
      throw new ParameterException(
          spec.commandLine(), "--no-archive and --no-compact: nothing to do");
    }
    if (maxRounds < 1) {
      throw new ParameterException(spec.commandLine(), "--max-rounds must be at least 1");
    }
    if ((liveSnapshots == null) != (archiveBatch == null)) {
      throw new ParameterException(
          spec.commandLine(), "--live-snapshots and --archive-batch go together");
    }
  }

  @Override
  void run(Lake lake, Output out) {
    CompactionOptions options = options();
    List<TableName> names = allTables ? lake.tables() : List.of(table);
    List<TableUpkeep> done = new ArrayList<>();
    for (TableName name : names) {
      done.add(upkeep(lake.table(name), options));
    }
    if (out.isJson()) {
      out.json(allTables ? done : done.get(0));
      return;
    }
    for (TableUpkeep u : done) {
      if (u.archive() != null) {
        out.line(
            "%s: archived %d snapshots, %d left the live metadata (%d live, %d archived in all).",
            u.table(),
            u.archive().archived(),
            u.archive().expired(),
            u.archive().liveAfter(),
            u.archive().archivedTotal());
      }
      if (u.compactions() != null) {
        long files = u.compactions().stream().mapToLong(CompactionView::filesRewritten).sum();
        long bytes = u.compactions().stream().mapToLong(CompactionView::bytesRewritten).sum();
        out.line(
            "%s: compacted %d small files (%d bytes) in %d replace snapshots; the head has %d data"
                + " files (was %d).",
            u.table(),
            files,
            bytes,
            u.compactions().size(),
            u.headFilesAfter(),
            u.headFilesBefore());
      }
    }
  }

  private TableUpkeep upkeep(LakeTable t, CompactionOptions options) {
    if (liveSnapshots != null) {
      t.maintenance().setHistoryWindow(liveSnapshots, archiveBatch);
    }
    ArchiveView archive = noArchive ? null : ArchiveView.of(t.maintenance().archiveHistory());
    if (noCompact) {
      return new TableUpkeep(t.name().toString(), archive, null, null, null);
    }
    List<CompactionView> rounds = new ArrayList<>();
    Integer before = null;
    Integer after = null;
    for (int round = 0; round < maxRounds; round++) {
      CompactionResult r = t.maintenance().compact(options);
      if (before == null) {
        before = r.headFilesBefore();
      }
      after = r.headFilesAfter();
      if (r.snapshotId().isEmpty()) {
        break;
      }
      rounds.add(CompactionView.of(r));
    }
    return new TableUpkeep(t.name().toString(), archive, rounds, before, after);
  }

  private CompactionOptions options() {
    CompactionOptions o = CompactionOptions.defaults();
    try {
      if (targetFileSize != null) {
        o = o.withTargetFileBytes(Quantities.bytes("--target-file-size", targetFileSize));
      }
      if (fanIn != null) {
        o = o.withFanIn(fanIn);
      }
      if (maxBytes != null) {
        o = o.withBudget(Quantities.bytes("--max-bytes", maxBytes), o.maxInputFiles());
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    return o;
  }
}
