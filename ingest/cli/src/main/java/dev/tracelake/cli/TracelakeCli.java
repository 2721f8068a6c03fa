package dev.tracelake.cli;

import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.TableName;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code tracelake} command line: inspect tables, snapshots and refs, load files, tag, branch
 * and publish. Exit codes: 0 on success, 1 when the lake refuses or fails an operation, 2 for a
 * usage error.
 */
@Command(
    name = "tracelake",
    mixinStandardHelpOptions = true,
    versionProvider = TracelakeCli.Version.class,
    description = "Versioned data lake on Apache Iceberg: tables, snapshots, refs and loads.",
    subcommands = {
      TablesCommand.class,
      DescribeCommand.class,
      SnapshotsCommand.class,
      RefsCommand.class,
      TagCommand.class,
      BranchCommand.class,
      PublishCommand.class,
      LoadCommand.class,
      DemoCommand.class,
      SqlCommand.class,
      ExplainCommand.class,
      VerifyCommand.class,
      LineageCommand.class,
      ReplayCommand.class,
      ServeCommand.class,
      AuthCommand.class,
      ExampleProducerCommand.class,
      CompactCommand.class,
      RemoveOrphansCommand.class
    })
public final class TracelakeCli implements Callable<Integer> {
  /** Exit code when the lake refuses or fails an operation. */
  static final int EXIT_FAILURE = 1;

  /** Exit code for a command line that does not parse. */
  static final int EXIT_USAGE = 2;

  /** System property the logging configuration reads for the {@code dev.tracelake} level. */
  static final String LOG_LEVEL_PROPERTY = "tracelake.log.level";

  /** System property for the SQL engine's level: its stack traces only with --verbose. */
  static final String QUERY_LOG_LEVEL_PROPERTY = "tracelake.query.log.level";

  @Spec CommandSpec spec;

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    setLoggingProperties(args);
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = newCommandLine(out, err, args).execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Sets what logback.xml reads, before anything touches SLF4J. The CLI's own INFO lines are noise
   * on a terminal, and so are stack traces of events a command reports itself (its error line says
   * what failed; {@code --verbose} shows the trace). The server ({@code serve}), which shares
   * logback.xml, keeps both: operators read them.
   */
  static void setLoggingProperties(String[] args) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    boolean server =
        Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("").equals("serve");
    System.setProperty(LOG_LEVEL_PROPERTY, verbose || server ? "INFO" : "WARN");
    System.setProperty(QUERY_LOG_LEVEL_PROPERTY, verbose || server ? "INFO" : "OFF");
    if (!verbose && !server) {
      System.setProperty(LogFormat.APPENDER_PROPERTY, TERSE_APPENDER);
    }
  }

  /** logback.xml's appender for commands run without {@code --verbose}. */
  static final String TERSE_APPENDER = "TERSE";

  /** Builds the command line writing its output and errors to the given writers. */
  static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
    return configure(new CommandLine(new TracelakeCli()), out, err);
  }

  /**
   * Builds the command line for {@code args}: for a lineage question (explain, lineage) only that
   * command's part of it. Picocli reads the annotations of every subcommand it is given, about 0.3
   * s of CPU for all of them, while a question answered by a running server takes milliseconds.
   */
  static CommandLine newCommandLine(PrintWriter out, PrintWriter err, String[] args) {
    String first = args.length == 0 ? "" : args[0];
    Object only =
        switch (first) {
          case "explain" -> new ExplainCommand();
          case "lineage" -> new LineageCommand();
          case "replay" -> new ReplayCommand();
          default -> null;
        };
    if (only == null) {
      return newCommandLine(out, err);
    }
    CommandLine root = new CommandLine(new Root());
    root.addSubcommand(first, only);
    return configure(root, out, err);
  }

  /** The root of a command line holding one subcommand: the same name, version and help. */
  @Command(
      name = "tracelake",
      mixinStandardHelpOptions = true,
      versionProvider = TracelakeCli.Version.class,
      description = "Versioned data lake on Apache Iceberg: tables, snapshots, refs and loads.")
  static final class Root implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return EXIT_USAGE;
    }
  }

  private static CommandLine configure(CommandLine commandLine, PrintWriter out, PrintWriter err) {
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.registerConverter(TableName.class, TracelakeCli::tableName);
    commandLine.setParameterExceptionHandler(TracelakeCli::usageError);
    commandLine.setExecutionExceptionHandler(TracelakeCli::failure);
    return commandLine;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return EXIT_USAGE;
  }

  private static TableName tableName(String text) {
    try {
      return TableName.parse(text);
    } catch (LakeException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine commandLine = e.getCommandLine();
    PrintWriter err = commandLine.getErr();
    err.println("error: " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.printf("Run '%s --help' for usage.%n", commandLine.getCommandSpec().qualifiedName());
    err.flush();
    return EXIT_USAGE;
  }

  private static int failure(Exception e, CommandLine commandLine, ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    err.println("error: " + message(e));
    if (verbose(parseResult)) {
      e.printStackTrace(err);
    } else if (!(e instanceof LakeException || e instanceof CliException)) {
      err.println("(run with --verbose for the stack trace)");
    }
    err.flush();
    return EXIT_FAILURE;
  }

  private static String message(Exception e) {
    if (e instanceof LakeException || e instanceof CliException) {
      return e.getMessage();
    }
    if (e instanceof UncheckedIOException io && io.getCause() != null) {
      return io.getMessage() + ": " + io.getCause().getMessage();
    }
    return "internal error: " + e;
  }

  private static boolean verbose(ParseResult parseResult) {
    for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = TracelakeCli.class.getPackage().getImplementationVersion();
      return new String[] {"tracelake " + (version == null ? "(development build)" : version)};
    }
  }
}
