package dev.tracelake.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL into tokens the way DuckDB's (PostgreSQL-derived) lexer does, so that rewriting a
 * clause never touches text inside string literals, quoted identifiers or comments. Comments and
 * whitespace produce no tokens. The tokenizer never fails: text DuckDB would reject (an
 * unterminated string) still tokenizes, and DuckDB's parser reports the error later.
 */
final class SqlTokenizer {
  private final String sql;
  private int pos;

  private SqlTokenizer(String sql) {
    this.sql = sql;
  }

  static List<Token> tokenize(String sql) {
    return new SqlTokenizer(sql).run();
  }

  private List<Token> run() {
    List<Token> tokens = new ArrayList<>();
    while (true) {
      skipBlanksAndComments();
      if (pos >= sql.length()) {
        return tokens;
      }
      tokens.add(next());
    }
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
        skipBlockComment();
      } else {
        return;
      }
    }
  }

  /** Block comments nest, as in PostgreSQL. */
  private void skipBlockComment() {
    int depth = 0;
    while (pos < sql.length()) {
      if (sql.startsWith("/*", pos)) {
        depth++;
        pos += 2;
      } else if (sql.startsWith("*/", pos)) {
        depth--;
        pos += 2;
        if (depth == 0) {
          return;
        }
      } else {
        pos++;
      }
    }
  }

  private Token next() {
    int start = pos;
    char c = sql.charAt(pos);
    if (c == '\'') {
      return quoted(start, '\'', Token.Kind.STRING, false);
    }
    if ((c == 'e' || c == 'E') && pos + 1 < sql.length() && sql.charAt(pos + 1) == '\'') {
      pos++;
      return quoted(start, '\'', Token.Kind.STRING, true);
    }
    if (c == '"') {
      return quoted(start, '"', Token.Kind.QUOTED_IDENTIFIER, false);
    }
    if (c == '$') {
      return dollar(start);
    }
    if (isIdentifierStart(c)) {
      pos++;
      while (pos < sql.length() && isIdentifierPart(sql.charAt(pos))) {
        pos++;
      }
      return token(Token.Kind.WORD, start);
    }
    if (Character.isDigit(c)
        || (c == '.' && pos + 1 < sql.length() && Character.isDigit(sql.charAt(pos + 1)))) {
      return number(start);
    }
    pos++;
    return token(Token.Kind.SYMBOL, start);
  }

  /** A quoted run where the quote doubles to escape itself (and backslash escapes in E'...'). */
  private Token quoted(int start, char quote, Token.Kind kind, boolean backslashEscapes) {
    pos++;
    while (pos < sql.length()) {
      char c = sql.charAt(pos);
      if (backslashEscapes && c == '\\') {
        pos += 2;
      } else if (c == quote) {
        if (pos + 1 < sql.length() && sql.charAt(pos + 1) == quote) {
          pos += 2;
        } else {
          pos++;
          break;
        }
      } else {
        pos++;
      }
    }
    pos = Math.min(pos, sql.length());
    return token(kind, start);
  }

  /** {@code $1}, {@code $name}, or a dollar-quoted string {@code $tag$ ... $tag$}. */
  private Token dollar(int start) {
    pos++;
    if (pos < sql.length() && Character.isDigit(sql.charAt(pos))) {
      while (pos < sql.length() && Character.isDigit(sql.charAt(pos))) {
        pos++;
      }
      return token(Token.Kind.PARAMETER, start);
    }
    while (pos < sql.length() && isTagPart(sql.charAt(pos))) {
      pos++;
    }
    if (pos < sql.length() && sql.charAt(pos) == '$') {
      String tag = sql.substring(start, pos + 1);
      int close = sql.indexOf(tag, pos + 1);
      pos = close < 0 ? sql.length() : close + tag.length();
      return token(Token.Kind.STRING, start);
    }
    return token(pos == start + 1 ? Token.Kind.SYMBOL : Token.Kind.PARAMETER, start);
  }

  private Token number(int start) {
    while (pos < sql.length()) {
      char c = sql.charAt(pos);
      if (Character.isDigit(c) || c == '.' || c == '_') {
        pos++;
      } else if ((c == 'e' || c == 'E')
          && pos + 1 < sql.length()
          && (Character.isDigit(sql.charAt(pos + 1))
              || ((sql.charAt(pos + 1) == '+' || sql.charAt(pos + 1) == '-')
                  && pos + 2 < sql.length()
                  && Character.isDigit(sql.charAt(pos + 2))))) {
        pos += 2;
      } else {
        break;
      }
    }
    return token(Token.Kind.NUMBER, start);
  }

  private Token token(Token.Kind kind, int start) {
    return new Token(kind, sql.substring(start, pos), start, pos);
  }

  private static boolean isIdentifierStart(char c) {
    return Character.isLetter(c) || c == '_' || c >= 0x80;
  }

  private static boolean isIdentifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c >= 0x80;
  }

  private static boolean isTagPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}
