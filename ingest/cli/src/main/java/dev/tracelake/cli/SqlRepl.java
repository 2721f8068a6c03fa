package dev.tracelake.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The interactive SQL prompt: reads statements ending with {@code ;} (over several lines if need
 * be), runs each and keeps going after an error. {@code \q}, {@code exit} or end of input leave.
 */
final class SqlRepl {
  static final String PROMPT = "tracelake> ";
  static final String CONTINUATION = "        -> ";

  private final BufferedReader in;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Consumer<String> runner;
  private final SqlHistory history;
  private final boolean prompts;

  private SqlRepl(
      BufferedReader in,
      PrintWriter out,
      PrintWriter err,
      Consumer<String> runner,
      SqlHistory history,
      boolean prompts) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.runner = runner;
    this.history = history;
    this.prompts = prompts;
  }

  /**
   * Returns a REPL for a person at a terminal: it shows prompts.
   *
   * @param runner runs and prints one statement; throws {@link CliException} when it fails
   */
  static SqlRepl interactive(
      BufferedReader in,
      PrintWriter out,
      PrintWriter err,
      Consumer<String> runner,
      SqlHistory history) {
    return new SqlRepl(in, out, err, runner, history, true);
  }

  /** Returns a REPL reading a script from a pipe or file: no prompts. */
  static SqlRepl script(
      BufferedReader in,
      PrintWriter out,
      PrintWriter err,
      Consumer<String> runner,
      SqlHistory history) {
    return new SqlRepl(in, out, err, runner, history, false);
  }

  /**
   * Runs statements until the user leaves.
   *
   * @return how many statements failed
   */
  int run(String banner) {
    if (prompts) {
      out.println(banner);
      out.println("End statements with ';'. \\h for help, \\q or Ctrl-D to leave.");
    }
    SqlStatements statements = new SqlStatements();
    int failures = 0;
    while (true) {
      prompt(statements.isEmpty() ? PROMPT : CONTINUATION);
      String line = readLine();
      if (line == null) {
        String rest = statements.drain();
        if (!rest.isEmpty()) {
          failures += runOne(rest);
        }
        if (prompts) {
          out.println();
        }
        break;
      }
      if (statements.isEmpty()) {
        Command command = command(line);
        if (command == Command.QUIT) {
          break;
        }
        if (command == Command.HELP) {
          help();
          continue;
        }
        if (command == Command.HISTORY) {
          List<String> entries = history.entries();
          for (int i = 0; i < entries.size(); i++) {
            out.printf("%4d  %s%n", i + 1, entries.get(i));
          }
          out.flush();
          continue;
        }
        if (command == Command.UNKNOWN) {
          err.printf("error: unknown command '%s'; \\h lists the commands%n", line.strip());
          err.flush();
          continue;
        }
      }
      for (String statement : statements.add(line)) {
        failures += runOne(statement);
      }
    }
    out.flush();
    return failures;
  }

  private int runOne(String statement) {
    history.add(statement + ";");
    try {
      runner.accept(statement);
      return 0;
    } catch (CliException e) {
      err.println("error: " + e.getMessage());
    } catch (UncheckedIOException e) {
      err.println("error: " + e.getMessage() + ": " + e.getCause().getMessage());
    } catch (RuntimeException e) {
      err.println("error: internal error: " + e);
    }
    err.flush();
    return 1;
  }

  private void prompt(String text) {
    if (prompts) {
      out.print(text);
      out.flush();
    }
  }

  private String readLine() {
    try {
      return in.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the SQL input", e);
    }
  }

  private enum Command {
    NONE,
    QUIT,
    HELP,
    HISTORY,
    UNKNOWN
  }

  private static Command command(String line) {
    String word = line.strip().toLowerCase(Locale.ROOT);
    if (word.endsWith(";")) {
      word = word.substring(0, word.length() - 1).strip();
    }
    return switch (word) {
      case "\\q", "\\quit", "exit", "quit" -> Command.QUIT;
      case "\\h", "\\?", "help" -> Command.HELP;
      case "\\history" -> Command.HISTORY;
      default -> word.startsWith("\\") ? Command.UNKNOWN : Command.NONE;
    };
  }

  private void help() {
    out.println("SQL: one read-only SELECT per statement, ended by ';'. Time travel:");
    out.println("  SELECT * FROM demo.features FOR VERSION AS OF 'demo-1';");
    out.println(
        "  SELECT * FROM demo.features FOR TIMESTAMP AS OF TIMESTAMP '2026-01-01 00:00:00';");
    out.println("Metadata: demo.\"features$snapshots\" (also $history, $refs, $files).");
    out.println("Lineage: lineage_edges, runs, lineage_upstream('table', 'record_id').");
    out.println("Commands: \\q (or exit, Ctrl-D) leave, \\history list statements, \\h this help.");
    out.flush();
  }
}
