package dev.tracelake.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Rewrites the syntax DuckDB does not know into plain DuckDB SQL, token by token:
 *
 * <ul>
 *   <li>Trino's time travel, {@code t FOR VERSION AS OF 123 | 'ref'} and {@code t FOR TIMESTAMP AS
 *       OF TIMESTAMP '...'}, becomes {@code "__tl$ref_1" AS "t"};
 *   <li>{@code table_changes('t', from, to)} becomes {@code "__tl$changes_1" AS table_changes};
 *   <li>an unquoted {@code default.} before a name becomes {@code "default".}, since {@code
 *       default} is a reserved word in DuckDB and the lake's default namespace is called so.
 * </ul>
 *
 * The rewrite is only for convenience: DuckDB's own parser checks the result before anything runs.
 */
final class SqlRewriter {
  // '$' cannot appear in a lake table's name, so no table can be mistaken for a placeholder
  static final String REF_PREFIX = "__tl$ref_";
  static final String CHANGES_PREFIX = "__tl$changes_";
  static final String TABLE_CHANGES = "table_changes";
  static final String CHANGES_USAGE =
      "use table_changes('table', from_version, to_version) with each version a snapshot id, a"
          + " 'branch-or-tag' or NULL";

  /**
   * Words that may follow a table reference without being its alias: when one of these (or a
   * symbol, or the end) follows a rewritten reference, the rewrite adds the table's own name as
   * alias so {@code t.column} keeps working.
   */
  private static final Set<String> CLAUSE_WORDS =
      Set.of(
          "WHERE",
          "GROUP",
          "HAVING",
          "ORDER",
          "LIMIT",
          "OFFSET",
          "UNION",
          "EXCEPT",
          "INTERSECT",
          "JOIN",
          "INNER",
          "LEFT",
          "RIGHT",
          "FULL",
          "OUTER",
          "CROSS",
          "NATURAL",
          "POSITIONAL",
          "ASOF",
          "ANTI",
          "SEMI",
          "ON",
          "USING",
          "WINDOW",
          "QUALIFY",
          "FETCH",
          "TABLESAMPLE",
          "PIVOT",
          "UNPIVOT",
          "LATERAL",
          "FOR",
          "AT",
          "SELECT",
          "FROM",
          "WITH",
          "VALUES");

  private static final Set<String> TIMESTAMP_TYPE_WORDS =
      Set.of("TIMESTAMP", "TIMESTAMPTZ", "DATE", "WITH", "TIME", "ZONE");

  private final List<Token> tokens;
  private final String sql;
  private final StringBuilder out = new StringBuilder();
  private final List<RewrittenQuery.VersionedTable> versioned = new ArrayList<>();
  private final List<RewrittenQuery.ChangesCall> changes = new ArrayList<>();
  private int copiedUpTo;

  private SqlRewriter(String sql) {
    this.sql = sql;
    this.tokens = SqlTokenizer.tokenize(sql);
  }

  /**
   * Rewrites {@code sql}.
   *
   * @throws QueryException INVALID_ARGUMENT for a malformed time-travel clause or table_changes
   *     call
   */
  static RewrittenQuery rewrite(String sql) {
    return new SqlRewriter(sql).run();
  }

  private RewrittenQuery run() {
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (isTimeTravel(i)) {
        i = rewriteTimeTravel(i);
      } else if (t.isWord(TABLE_CHANGES) && symbolAt(i + 1, '(') && !symbolAt(i - 1, '.')) {
        i = rewriteTableChanges(i);
      } else if (t.isWord("default")
          && symbolAt(i + 1, '.')
          && identifierAt(i + 2)
          && !isTimeTravel(nameEnd(i) + 1)) {
        // (a name before FOR ... AS OF is replaced whole by its placeholder)
        replace(t.start(), t.end(), "\"default\"");
      }
    }
    out.append(sql, copiedUpTo, sql.length());
    return new RewrittenQuery(out.toString(), versioned, changes);
  }

  private boolean isTimeTravel(int i) {
    return wordAt(i, "FOR")
        && (wordAt(i + 1, "VERSION") || wordAt(i + 1, "TIMESTAMP"))
        && wordAt(i + 2, "AS")
        && wordAt(i + 3, "OF");
  }

  /** Rewrites {@code name FOR VERSION|TIMESTAMP AS OF value}; returns the last token consumed. */
  private int rewriteTimeTravel(int forIndex) {
    boolean byVersion = tokens.get(forIndex + 1).isWord("VERSION");
    String clause = byVersion ? "FOR VERSION AS OF" : "FOR TIMESTAMP AS OF";
    int first = nameStart(forIndex);
    if (first < 0) {
      throw QueryException.invalid(
          "%s must follow a table name, as in FROM t %s ...", clause, clause);
    }
    List<String> nameParts = new ArrayList<>();
    for (int k = first; k < forIndex; k += 2) {
      nameParts.add(tokens.get(k).identifierName());
    }
    int valueIndex = forIndex + 4;
    VersionSpec version;
    int last;
    if (byVersion) {
      Token value = tokenAt(valueIndex);
      Token glued = tokenAt(valueIndex + 1);
      if (value != null
          && glued != null
          && glued.start() == value.end()
          && (glued.kind() == Token.Kind.WORD || glued.kind() == Token.Kind.NUMBER)) {
        // 0x10, 12abc: DuckDB would read a number and an alias; a version is never meant so
        throw QueryException.invalid(
            "FOR VERSION AS OF takes a decimal snapshot id or a 'branch-or-tag' name, got '%s'",
            sql.substring(value.start(), glued.end()));
      }
      if (value != null && value.kind() == Token.Kind.NUMBER && value.text().matches("[0-9_]+")) {
        version = new VersionSpec.AtSnapshot(parseSnapshotId(value.text()));
      } else if (value != null && isPlainString(value)) {
        version = new VersionSpec.AtRef(value.stringValue());
      } else {
        throw QueryException.invalid(
            "FOR VERSION AS OF takes a snapshot id or a 'branch-or-tag' name, got %s",
            describe(value));
      }
      last = valueIndex;
    } else {
      int k = valueIndex;
      while (k < tokens.size()
          && tokens.get(k).kind() == Token.Kind.WORD
          && TIMESTAMP_TYPE_WORDS.contains(tokens.get(k).text().toUpperCase(Locale.ROOT))) {
        k++;
      }
      Token value = tokenAt(k);
      if (value == null || !isPlainString(value)) {
        throw QueryException.invalid(
            "FOR TIMESTAMP AS OF takes a timestamp literal such as TIMESTAMP '2026-11-01 00:00:00"
                + " UTC', got %s",
            describe(value));
      }
      version = new VersionSpec.AtTimestamp(value.stringValue());
      last = k;
    }
    String placeholder = REF_PREFIX + (versioned.size() + 1);
    versioned.add(new RewrittenQuery.VersionedTable(placeholder, nameParts, version));
    String alias =
        aliasFollows(last + 1)
            ? ""
            : " AS " + SqlText.identifier(nameParts.get(nameParts.size() - 1));
    replace(
        tokens.get(first).start(), tokens.get(last).end(), SqlText.identifier(placeholder) + alias);
    return last;
  }

  /** Returns the index of the last token of the dotted name that starts at {@code index}. */
  private int nameEnd(int index) {
    int k = index;
    while (symbolAt(k + 1, '.') && identifierAt(k + 2)) {
      k += 2;
    }
    return k;
  }

  /** Returns the index of the first token of the dotted name that ends before {@code index}. */
  private int nameStart(int index) {
    int k = index - 1;
    if (!identifierAt(k)) {
      return -1;
    }
    while (symbolAt(k - 1, '.') && identifierAt(k - 2)) {
      k -= 2;
    }
    return k;
  }

  private int rewriteTableChanges(int nameIndex) {
    // table_changes ( 'table' , from , to )
    Token table = tokenAt(nameIndex + 2);
    if (table == null
        || !isPlainString(table)
        || !symbolAt(nameIndex + 3, ',')
        || !isVersionLiteral(nameIndex + 4)
        || !symbolAt(nameIndex + 5, ',')
        || !isVersionLiteral(nameIndex + 6)
        || !symbolAt(nameIndex + 7, ')')) {
      throw QueryException.invalid(
          "Bad table_changes call '%s': %s", callText(nameIndex), CHANGES_USAGE);
    }
    VersionSpec from = versionLiteral(tokens.get(nameIndex + 4));
    VersionSpec to = versionLiteral(tokens.get(nameIndex + 6));
    String placeholder = CHANGES_PREFIX + (changes.size() + 1);
    changes.add(
        new RewrittenQuery.ChangesCall(
            placeholder, table.stringValue(), from, to == null ? new VersionSpec.Current() : to));
    int last = nameIndex + 7;
    String alias = aliasFollows(last + 1) ? "" : " AS " + TABLE_CHANGES;
    replace(
        tokens.get(nameIndex).start(),
        tokens.get(last).end(),
        SqlText.identifier(placeholder) + alias);
    return last;
  }

  private boolean isVersionLiteral(int index) {
    Token t = tokenAt(index);
    return t != null
        && (isPlainString(t)
            || t.isWord("NULL")
            || (t.kind() == Token.Kind.NUMBER && t.text().matches("[0-9_]+")));
  }

  /** Returns the version a table_changes argument names; null for NULL. */
  private static VersionSpec versionLiteral(Token t) {
    if (t.isWord("NULL")) {
      return null;
    }
    if (t.kind() == Token.Kind.NUMBER) {
      return new VersionSpec.AtSnapshot(parseSnapshotId(t.text()));
    }
    return new VersionSpec.AtRef(t.stringValue());
  }

  private String callText(int nameIndex) {
    int depth = 0;
    for (int k = nameIndex + 1; k < tokens.size(); k++) {
      if (tokens.get(k).isSymbol('(')) {
        depth++;
      } else if (tokens.get(k).isSymbol(')') && --depth == 0) {
        return sql.substring(tokens.get(nameIndex).start(), tokens.get(k).end());
      }
    }
    return sql.substring(tokens.get(nameIndex).start());
  }

  private static long parseSnapshotId(String digits) {
    try {
      return Long.parseLong(digits.replace("_", ""));
    } catch (NumberFormatException e) {
      throw QueryException.invalid("Snapshot id %s is out of range", digits);
    }
  }

  /** Whether the token at {@code index} starts an alias of the preceding table reference. */
  private boolean aliasFollows(int index) {
    Token t = tokenAt(index);
    if (t == null) {
      return false;
    }
    if (t.kind() == Token.Kind.QUOTED_IDENTIFIER || t.isWord("AS")) {
      return true;
    }
    return t.kind() == Token.Kind.WORD && !CLAUSE_WORDS.contains(t.text().toUpperCase(Locale.ROOT));
  }

  private static boolean isPlainString(Token t) {
    return t.kind() == Token.Kind.STRING && t.text().startsWith("'") && t.text().length() >= 2;
  }

  private static String describe(Token t) {
    return t == null ? "the end of the query" : "'" + t.text() + "'";
  }

  private void replace(int start, int end, String replacement) {
    out.append(sql, copiedUpTo, start).append(replacement);
    copiedUpTo = end;
  }

  private Token tokenAt(int index) {
    return index >= 0 && index < tokens.size() ? tokens.get(index) : null;
  }

  private boolean wordAt(int index, String word) {
    Token t = tokenAt(index);
    return t != null && t.isWord(word);
  }

  private boolean symbolAt(int index, char symbol) {
    Token t = tokenAt(index);
    return t != null && t.isSymbol(symbol);
  }

  private boolean identifierAt(int index) {
    Token t = tokenAt(index);
    return t != null && t.isIdentifier();
  }
}
