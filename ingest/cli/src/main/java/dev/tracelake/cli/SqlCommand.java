package dev.tracelake.cli;

import dev.tracelake.lake.LakeConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tracelake sql}: runs read-only SQL over the lake (time travel, metadata tables, lineage),
 * either one statement ({@code -e}) or an interactive prompt, on the embedded lake or a server.
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run read-only SQL over the lake: one statement with -e, else an interactive prompt"
          + " (statements end with ';', \\q leaves).",
      "Time travel: SELECT * FROM t FOR VERSION AS OF 'tag' | <snapshot-id>, or FOR TIMESTAMP AS"
          + " OF TIMESTAMP '2026-01-01 00:00:00'.",
      "Timing and the snapshot each table was read at go to stderr."
    })
final class SqlCommand implements Callable<Integer> {
  static final String HISTORY_FILE = ".tracelake_history";

  @Mixin LakeLocation location;

  @Spec CommandSpec spec;

  @Option(
      names = {"-e", "--execute"},
      paramLabel = "<sql>",
      description = "Run this one statement and exit (exit code 1 when it fails).")
  String statement;

  @Option(
      names = "--format",
      paramLabel = "table|csv|json",
      defaultValue = "table",
      description = "Output format: table (aligned, default), csv or json (an array of objects).")
  SqlFormat format;

  @Option(
      names = "--server",
      paramLabel = "<host:port>",
      description = "Query a running server (see 'tracelake serve') instead of the embedded lake.")
  String server;

  @Option(
      names = "--max-rows",
      paramLabel = "<n>",
      defaultValue = "1000",
      description =
          "Most rows the table format prints (default: ${DEFAULT-VALUE}); csv and json"
              + " print all.")
  int maxRows;

  @Override
  public Integer call() {
    checkUsage();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (SqlSession session = openSession()) {
      if (statement != null) {
        run(session, statement, out, err);
        return 0;
      }
      boolean terminal = System.console() != null;
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      SqlRepl repl =
          terminal
              ? SqlRepl.interactive(
                  in, out, err, sql -> run(session, sql, out, err), historyOfTerminal())
              : SqlRepl.script(
                  in, out, err, sql -> run(session, sql, out, err), SqlHistory.inMemory());
      int failures = repl.run("Tracelake SQL on " + session.describe() + ".");
      // a script (piped input) fails like -e does; a person at the prompt saw each error
      return failures > 0 && !terminal ? TracelakeCli.EXIT_FAILURE : 0;
    }
  }

  private void checkUsage() {
    if (maxRows < 1) {
      throw new ParameterException(
          spec.commandLine(), "--max-rows must be 1 or more, got " + maxRows);
    }
    if (statement != null && statement.isBlank()) {
      throw new ParameterException(spec.commandLine(), "-e needs a SQL statement, got ''");
    }
    var parsed = spec.commandLine().getParseResult();
    if (server != null
        && (parsed.hasMatchedOption("--warehouse") || parsed.hasMatchedOption("--catalog-uri"))) {
      throw new ParameterException(
          spec.commandLine(),
          "--server " + server + " queries the server's lake; drop --warehouse and --catalog-uri");
    }
  }

  private SqlSession openSession() {
    if (server != null) {
      return SqlSession.remote(server, location.connect(server));
    }
    try {
      LakeConfig lake = location.existingLake();
      location.refuseTokenForEmbedded(lake);
      return SqlSession.embedded(lake);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private static SqlHistory historyOfTerminal() {
    String home = System.getProperty("user.home");
    return home == null
        ? SqlHistory.inMemory()
        : SqlHistory.persistedIn(Path.of(home, HISTORY_FILE));
  }

  /** Runs one statement and prints its rows, then timing and pinned snapshots on stderr. */
  private void run(SqlSession session, String sql, PrintWriter out, PrintWriter err) {
    long start = System.nanoTime();
    try (SqlBatches batches = session.execute(stripSemicolon(sql))) {
      ResultPrinter.Printed printed = ResultPrinter.print(batches, format, out, maxRows);
      double seconds = (System.nanoTime() - start) / 1e9;
      err.println(summary(printed, seconds, batches.pins()));
      err.flush();
    }
  }

  private static String stripSemicolon(String sql) {
    String s = sql.strip();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return s;
  }

  private String summary(ResultPrinter.Printed printed, double seconds, List<String> pins) {
    StringBuilder s = new StringBuilder();
    if (printed.capped()) {
      s.append(
          String.format(
              "first %d rows shown, more not read (raise --max-rows, add LIMIT, or use --format"
                  + " csv|json for all)",
              printed.rows()));
    } else {
      s.append(printed.rows()).append(printed.rows() == 1 ? " row" : " rows");
    }
    s.append(String.format(Locale.ROOT, " in %.2f s", seconds));
    if (!pins.isEmpty()) {
      s.append("; ").append(String.join(", ", pins));
    }
    return s.toString();
  }
}
