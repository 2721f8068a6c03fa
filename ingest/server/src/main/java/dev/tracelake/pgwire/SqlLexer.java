package dev.tracelake.pgwire;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits SQL into tokens the way PostgreSQL's lexer does, just far enough for the door's own jobs:
 * splitting a simple query into statements, finding {@code $n} parameters and the catalog names to
 * rewrite, never touching text inside literals, quoted identifiers or comments. It never fails:
 * text PostgreSQL would reject still tokenizes, and the engine reports the error.
 */
final class SqlLexer {
  enum Kind {
    WORD,
    QUOTED_IDENT,
    STRING,
    NUMBER,
    PARAM,
    SEMICOLON,
    SYMBOL
  }

  /** One token: {@code [start, end)} of the text it came from. */
  record Token(Kind kind, int start, int end, String text) {
    boolean isWord(String word) {
      return kind == Kind.WORD && text.equalsIgnoreCase(word);
    }

    boolean isSymbol(String symbol) {
      return kind == Kind.SYMBOL && text.equals(symbol);
    }

    /** The identifier a WORD or QUOTED_IDENT names: folded to lower case unless quoted. */
    String identifier() {
      if (kind == Kind.QUOTED_IDENT) {
        return text.substring(1, text.length() - 1).replace("\"\"", "\"");
      }
      return text.toLowerCase(Locale.ROOT);
    }
  }

  private final String sql;
  private int pos;

  private SqlLexer(String sql) {
    this.sql = sql;
  }

  static List<Token> tokenize(String sql) {
    SqlLexer lexer = new SqlLexer(sql);
    List<Token> tokens = new ArrayList<>();
    while (true) {
      lexer.skipBlanksAndComments();
      if (lexer.pos >= sql.length()) {
        return tokens;
      }
      tokens.add(lexer.next());
    }
  }

  /** Splits a simple-query string into its statements (without the semicolons); drops blanks. */
  static List<String> splitStatements(String sql) {
    List<String> statements = new ArrayList<>();
    int start = 0;
    boolean content = false;
    for (Token t : tokenize(sql)) {
      if (t.kind() == Kind.SEMICOLON) {
        if (content) {
          statements.add(sql.substring(start, t.start()));
        }
        start = t.end();
        content = false;
      } else {
        content = true;
      }
    }
    if (content) {
      statements.add(sql.substring(start));
    }
    return statements;
  }

  private void skipBlanksAndComments() {
    while (pos < sql.length()) {
      char c = sql.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
      } else if (sql.startsWith("--", pos)) {
        int newline = sql.indexOf('\n', pos);
        pos = newline < 0 ? sql.length() : newline + 1;
      } else if (sql.startsWith("/*", pos)) {
        int depth = 0;
        while (pos < sql.length()) {
          if (sql.startsWith("/*", pos)) {
            depth++;
            pos += 2;
          } else if (sql.startsWith("*/", pos)) {
            depth--;
            pos += 2;
            if (depth == 0) {
              break;
            }
          } else {
            pos++;
          }
        }
      } else {
        return;
      }
    }
  }

  private Token next() {
    int start = pos;
    char c = sql.charAt(pos);
    if ((c == 'E' || c == 'e') && pos + 1 < sql.length() && sql.charAt(pos + 1) == '\'') {
      pos++;
      quoted('\'', true);
      return token(Kind.STRING, start);
    }
    if (c == '\'') {
      quoted('\'', false);
      return token(Kind.STRING, start);
    }
    if (c == '"') {
      quoted('"', false);
      return token(Kind.QUOTED_IDENT, start);
    }
    if (c == '$') {
      if (pos + 1 < sql.length() && Character.isDigit(sql.charAt(pos + 1))) {
        pos++;
        while (pos < sql.length() && Character.isDigit(sql.charAt(pos))) {
          pos++;
        }
        return token(Kind.PARAM, start);
      }
      int close = sql.indexOf('$', pos + 1);
      if (close > 0 && isTag(sql.substring(pos + 1, close))) {
        String tag = sql.substring(pos, close + 1);
        int end = sql.indexOf(tag, close + 1);
        pos = end < 0 ? sql.length() : end + tag.length();
        return token(Kind.STRING, start);
      }
    }
    if (c == ';') {
      pos++;
      return token(Kind.SEMICOLON, start);
    }
    if (Character.isDigit(c)
        || (c == '.' && pos + 1 < sql.length() && Character.isDigit(sql.charAt(pos + 1)))) {
      while (pos < sql.length()
          && (Character.isLetterOrDigit(sql.charAt(pos))
              || sql.charAt(pos) == '.'
              || sql.charAt(pos) == '_')) {
        char d = sql.charAt(pos);
        if ((d == 'e' || d == 'E')
            && pos + 1 < sql.length()
            && (sql.charAt(pos + 1) == '+' || sql.charAt(pos + 1) == '-')) {
          pos++;
        }
        pos++;
      }
      return token(Kind.NUMBER, start);
    }
    if (Character.isLetter(c) || c == '_') {
      while (pos < sql.length()
          && (Character.isLetterOrDigit(sql.charAt(pos))
              || sql.charAt(pos) == '_'
              || sql.charAt(pos) == '$')) {
        pos++;
      }
      return token(Kind.WORD, start);
    }
    if (c == ':' && sql.startsWith("::", pos)) {
      pos += 2;
      return token(Kind.SYMBOL, start);
    }
    pos++;
    return token(Kind.SYMBOL, start);
  }

  private static boolean isTag(String tag) {
    for (int i = 0; i < tag.length(); i++) {
      char ch = tag.charAt(i);
      if (!(Character.isLetterOrDigit(ch) || ch == '_') || (i == 0 && Character.isDigit(ch))) {
        return false;
      }
    }
    return true;
  }

  private void quoted(char quote, boolean backslashEscapes) {
    pos++;
    while (pos < sql.length()) {
      char ch = sql.charAt(pos);
      if (backslashEscapes && ch == '\\') {
        pos += 2;
      } else if (ch == quote) {
        if (pos + 1 < sql.length() && sql.charAt(pos + 1) == quote) {
          pos += 2;
        } else {
          pos++;
          return;
        }
      } else {
        pos++;
      }
    }
  }

  private Token token(Kind kind, int start) {
    return new Token(
        kind,
        start,
        Math.min(pos, sql.length()),
        sql.substring(start, Math.min(pos, sql.length())));
  }
}
