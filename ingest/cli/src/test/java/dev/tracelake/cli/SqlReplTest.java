package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlReplTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final List<String> ran = new ArrayList<>();

  private int interactive(String input, Consumer<String> runner, SqlHistory history) {
    return SqlRepl.interactive(
            new BufferedReader(new StringReader(input)),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            runner,
            history)
        .run("Tracelake SQL on a test.");
  }

  @Test
  void promptsContinueAMultiLineStatementUntilItsSemicolon() {
    interactive("SELECT 1\n  AS one;\n\\q\n", ran::add, SqlHistory.inMemory());

    assertThat(ran).containsExactly("SELECT 1\n  AS one");
    assertThat(out.toString())
        .startsWith("Tracelake SQL on a test.\n")
        .contains(SqlRepl.PROMPT + SqlRepl.CONTINUATION + SqlRepl.PROMPT);
  }

  @Test
  void anErrorIsPrintedAndTheSessionContinues() {
    int failures =
        interactive(
            "SELECT bad;\nSELECT good;\n",
            sql -> {
              if (sql.contains("bad")) {
                throw CliException.of("Column 'bad' not found");
              }
              ran.add(sql);
            },
            SqlHistory.inMemory());

    assertThat(failures).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("error: Column 'bad' not found\n");
    assertThat(ran).containsExactly("SELECT good");
  }

  @Test
  void endOfInputRunsAStatementLeftWithoutSemicolonAndLeaves() {
    interactive("SELECT 1;\nSELECT 2", ran::add, SqlHistory.inMemory());

    assertThat(ran).containsExactly("SELECT 1", "SELECT 2");
  }

  @Test
  void exitLeavesAndUnknownBackslashCommandsAreNamed() {
    interactive("\\x\nexit\nSELECT 1;\n", ran::add, SqlHistory.inMemory());

    assertThat(ran).isEmpty();
    assertThat(err.toString()).contains("error: unknown command '\\x'");
  }

  @Test
  void historyListsStatementsAndPersistsThemToItsFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(SqlCommand.HISTORY_FILE);
    Files.writeString(file, "SELECT 'earlier';\n");

    interactive("SELECT\n 1;\n\\history\n", ran::add, SqlHistory.persistedIn(file));

    assertThat(out.toString()).contains("   1  SELECT 'earlier';").contains("   2  SELECT 1;");
    assertThat(Files.readAllLines(file)).containsExactly("SELECT 'earlier';", "SELECT 1;");
  }
}
