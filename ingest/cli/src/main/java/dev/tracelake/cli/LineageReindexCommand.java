package dev.tracelake.cli;

import dev.tracelake.client.TracelakeClient;
import dev.tracelake.client.TracelakeException;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lineage.IndexStatus;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.lineage.TableIndexStatus;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tracelake lineage reindex}: rebuilds the lineage index from the tables, shows its state;
 * with a server, the server's own index.
 */
@Command(
    name = "reindex",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild the lineage index from the tables' _lineage columns and print its state: per"
          + " table the snapshot indexed and the records, in all the records and edges.",
      "With a server (--server, TRACELAKE_SERVER, or one serving this warehouse on this machine)"
          + " the server rebuilds its own index."
    })
final class LineageReindexCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Spec CommandSpec spec;

  @Option(
      names = "--server",
      paramLabel = "<host:port>",
      description = "Rebuild this running server's index (default: env TRACELAKE_SERVER).")
  String server;

  @Option(names = "--embedded", description = "Rebuild an index of the embedded lake only.")
  boolean embedded;

  /** The index state as printed; times are ISO-8601 strings. */
  record Status(
      String checkedAt, List<TableIndexStatus> tables, long records, long edges, int runs) {
    static Status of(IndexStatus s) {
      return new Status(
          s.checkedAt() == null ? null : s.checkedAt().toString(),
          s.tables(),
          s.records(),
          s.edges(),
          s.runs());
    }
  }

  @Override
  public Integer call() {
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
      try (TracelakeClient client = global.location.connect(target.get().address())) {
        long[] s = client.lineage().reindex();
        if (out.isJson()) {
          // the server's per-table detail stays on the server; the totals say what was rebuilt
          out.json(new Status(null, List.of(), s[1], s[2], (int) s[3]));
        } else {
          out.line(
              "Lineage index of the server at %s rebuilt: %d table(s), %d record(s), %d edge(s),"
                  + " %d run(s).",
              target.get().address(), s[0], s[1], s[2], s[3]);
        }
        return 0;
      } catch (TracelakeException e) {
        if (e.code() != io.grpc.Status.Code.UNAVAILABLE || target.get().explicit()) {
          throw CliException.of(
              "Cannot rebuild the lineage index of the server at %s: %s",
              target.get().address(), e.getMessage());
        }
        spec.commandLine()
            .getErr()
            .println(
                "note: the server at "
                    + target.get().address()
                    + " does not answer; rebuilding an index of the embedded lake");
      }
    }
    global.requireExistingLake(config);
    IndexStatus status;
    global.location.refuseTokenForEmbedded(config);
    try (Lake lake = Lake.open(config);
        Lineage lineage = Lineage.open(lake, LineageOptions.defaults().withManualRefresh())) {
      status = lineage.reindex();
    }
    if (out.isJson()) {
      out.json(Status.of(status));
      return 0;
    }
    TextTable table =
        TextTable.of("TABLE", "INDEXED SNAPSHOT", "HEAD SNAPSHOT", "BEHIND", "RECORDS");
    for (TableIndexStatus t : status.tables()) {
      table.row(
          t.table(), t.indexedSnapshotId(), t.headSnapshotId(), t.snapshotsBehind(), t.records());
    }
    if (!table.isEmpty()) {
      out.table(table);
      out.blank();
    }
    out.line(
        "Lineage index rebuilt: %d table(s), %d record(s), %d edge(s), %d run(s).",
        status.tables().size(), status.records(), status.edges(), status.runs());
    return 0;
  }
}
