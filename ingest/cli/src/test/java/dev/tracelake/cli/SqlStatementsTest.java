package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlStatementsTest {
  @Test
  void semicolonsInsideQuotesAndCommentsDoNotEndAStatement() {
    SqlStatements statements = new SqlStatements();

    assertThat(statements.add("SELECT 'a;b', \"c;d\" -- not the end;")).isEmpty();
    assertThat(statements.isEmpty()).isFalse();
    assertThat(statements.add("/* ; */ FROM t; SELECT 2;"))
        .containsExactly("SELECT 'a;b', \"c;d\" -- not the end;\n/* ; */ FROM t", "SELECT 2");
    assertThat(statements.isEmpty()).isTrue();
  }

  @Test
  void aQuoteSpanningLinesKeepsTheStatementOpen() {
    SqlStatements statements = new SqlStatements();

    assertThat(statements.add("SELECT 'line one;")).isEmpty();
    assertThat(statements.add("line two';")).containsExactly("SELECT 'line one;\nline two'");
  }

  @Test
  void emptyStatementsAreSkippedAndDrainReturnsTheRest() {
    SqlStatements statements = new SqlStatements();

    assertThat(statements.add(" ; ;")).isEmpty();
    assertThat(statements.isEmpty()).isTrue();
    assertThat(statements.add("SELECT 1")).isEqualTo(List.of());
    assertThat(statements.drain()).isEqualTo("SELECT 1");
    assertThat(statements.isEmpty()).isTrue();
  }
}
