package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqlRewriterTest {

  @Test
  void tokenizerSkipsCommentsAndKeepsLiteralsWhole() {
    List<Token> tokens =
        SqlTokenizer.tokenize(
            "SELECT 'it''s -- not a comment', \"a \"\"b\"\"\" /* x /* nested */ y */ FROM t --"
                + " end\n"
                + ", $$ FOR VERSION $$, E'a\\'b', $1, 1.5e3");
    assertThat(tokens)
        .extracting(Token::text)
        .containsExactly(
            "SELECT",
            "'it''s -- not a comment'",
            ",",
            "\"a \"\"b\"\"\"",
            "FROM",
            "t",
            ",",
            "$$ FOR VERSION $$",
            ",",
            "E'a\\'b'",
            ",",
            "$1",
            ",",
            "1.5e3");
    assertThat(tokens.get(3).identifierName()).isEqualTo("a \"b\"");
    assertThat(tokens.get(1).stringValue()).isEqualTo("it's -- not a comment");
  }

  @Test
  void versionClausesBecomePlaceholdersAliasedByTheTableName() {
    RewrittenQuery q =
        SqlRewriter.rewrite(
            "SELECT t.a FROM t FOR VERSION AS OF 123 JOIN ns.\"u\" FOR VERSION AS OF 'v1' x"
                + " ON true, w for timestamp as of TIMESTAMP '2026-11-01 00:00:00 UTC' WHERE 1=1");
    assertThat(q.sql())
        .isEqualTo(
            "SELECT t.a FROM \"__tl$ref_1\" AS \"t\" JOIN \"__tl$ref_2\" x ON true,"
                + " \"__tl$ref_3\" AS \"w\" WHERE 1=1");
    assertThat(q.versioned())
        .extracting(RewrittenQuery.VersionedTable::nameParts)
        .containsExactly(List.of("t"), List.of("ns", "u"), List.of("w"));
    assertThat(q.versioned())
        .extracting(RewrittenQuery.VersionedTable::version)
        .containsExactly(
            new VersionSpec.AtSnapshot(123),
            new VersionSpec.AtRef("v1"),
            new VersionSpec.AtTimestamp("2026-11-01 00:00:00 UTC"));
  }

  @Test
  void textInsideLiteralsAndCommentsIsNeverRewritten() {
    String sql =
        "SELECT 'FROM t FOR VERSION AS OF 1' AS s, \"table_changes\" -- t FOR VERSION AS OF 2\n"
            + "FROM x /* default.y */";
    assertThat(SqlRewriter.rewrite(sql).sql()).isEqualTo(sql);
  }

  @Test
  void tableChangesCallsBecomePlaceholders() {
    RewrittenQuery q =
        SqlRewriter.rewrite(
            "SELECT * FROM table_changes('events', 1, 'v2') c JOIN table_changes('ns.t', NULL,"
                + " NULL) ON true");
    assertThat(q.sql())
        .isEqualTo(
            "SELECT * FROM \"__tl$changes_1\" c JOIN \"__tl$changes_2\" AS table_changes ON true");
    assertThat(q.changes())
        .containsExactly(
            new RewrittenQuery.ChangesCall(
                "__tl$changes_1",
                "events",
                new VersionSpec.AtSnapshot(1),
                new VersionSpec.AtRef("v2")),
            new RewrittenQuery.ChangesCall(
                "__tl$changes_2", "ns.t", null, new VersionSpec.Current()));
  }

  @Test
  void theDefaultNamespaceIsQuotedBecauseDefaultIsAKeywordInDuckDb() {
    assertThat(SqlRewriter.rewrite("SELECT * FROM default.events d").sql())
        .isEqualTo("SELECT * FROM \"default\".events d");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT * FROM t FOR VERSION AS OF now()|FOR VERSION AS OF takes a snapshot id or a"
            + " 'branch-or-tag' name, got 'now'",
        "SELECT * FROM t FOR TIMESTAMP AS OF 5|FOR TIMESTAMP AS OF takes a timestamp literal",
        "SELECT * FROM t FOR VERSION AS OF|got the end of the query",
        "SELECT 1 FOR VERSION AS OF 3|FOR VERSION AS OF must follow a table name",
        "SELECT * FROM table_changes('t', 1)|Bad table_changes call 'table_changes('t', 1)'",
        "SELECT * FROM table_changes(t, 1, 2)|use table_changes('table', from_version,"
            + " to_version)",
      })
  void malformedClausesFailNamingWhatIsWrong(String sql, String message) {
    assertThatThrownBy(() -> SqlRewriter.rewrite(sql))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining(message)
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.INVALID_ARGUMENT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SELECT 1", "SELECT * FROM t PIVOT (sum(x) FOR y IN (1, 2))", ""})
  void queriesWithoutTracelakeSyntaxStayAsTheyAre(String sql) {
    assertThat(SqlRewriter.rewrite(sql).sql()).isEqualTo(sql);
  }
}
