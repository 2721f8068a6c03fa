package dev.tracelake.cli;

import dev.tracelake.client.TracelakeException;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lineage.LineageException;
import io.grpc.Status;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A {@code replay} subcommand: asks a running server when there is one (as the lineage commands
 * do), else the embedded lake, and prints in the format asked for.
 */
abstract class ReplaySubcommand implements Callable<Integer> {
  @Mixin LakeLocation location;

  @Spec CommandSpec spec;

  @Option(
      names = "--server",
      paramLabel = "<host:port>",
      description = "Ask this running server (default: env TRACELAKE_SERVER, else a local one).")
  String server;

  @Option(names = "--embedded", description = "Use the embedded lake even if a server runs.")
  boolean embedded;

  @Option(
      names = "--format",
      paramLabel = "table|json|csv",
      defaultValue = "table",
      description = "Output format: table (default), json or csv.")
  ReplayFormat format;

  @Override
  public final Integer call() {
    checkUsage();
    LakeConfig config;
    try {
      config = location.lakeConfig();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    ReplayPrinter out = new ReplayPrinter(spec.commandLine().getOut(), format);
    Optional<ServerTarget> target =
        ServerTarget.resolve(server, embedded, config, location.environment);
    if (target.isPresent()) {
      try (ReplaySession session =
          new RemoteReplaySession(
              target.get().address(), location.connect(target.get().address()))) {
        return run(session, out);
      } catch (TracelakeException e) {
        if (e.code() != Status.Code.UNAVAILABLE || target.get().explicit()) {
          throw new CliException(e.getMessage(), e);
        }
        spec.commandLine()
            .getErr()
            .println(
                "note: the server at "
                    + target.get().address()
                    + " does not answer; using the embedded lake");
      }
    }
    location.requireExistingLake(config);
    location.refuseTokenForEmbedded(config);
    try (ReplaySession session = new EmbeddedReplaySession(Lake.open(config))) {
      return run(session, out);
    } catch (LineageException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  /** Checks what picocli cannot, before anything is opened. */
  void checkUsage() {}

  /** Does the command's work with {@code session}, printing to {@code out}. */
  abstract int run(ReplaySession session, ReplayPrinter out);
}
