package dev.tracelake.query;

/**
 * One lexical token of a SQL text, with its span in that text.
 *
 * @param kind what the token is
 * @param text the token exactly as written
 * @param start index of its first character
 * @param end index after its last character
 */
record Token(Kind kind, String text, int start, int end) {
  enum Kind {
    /** A bare identifier or keyword. */
    WORD,
    /** A double-quoted identifier. */
    QUOTED_IDENTIFIER,
    /** A string literal: '...', E'...' or $tag$...$tag$. */
    STRING,
    NUMBER,
    /** A {@code $1} or {@code $name} parameter. */
    PARAMETER,
    /** Any other single character: operators, parentheses, commas, dots, semicolons. */
    SYMBOL
  }

  boolean isWord(String word) {
    return kind == Kind.WORD && text.equalsIgnoreCase(word);
  }

  boolean isSymbol(char symbol) {
    return kind == Kind.SYMBOL && text.length() == 1 && text.charAt(0) == symbol;
  }

  boolean isIdentifier() {
    return kind == Kind.WORD || kind == Kind.QUOTED_IDENTIFIER;
  }

  /** Returns an identifier's name: a quoted one without quotes and with {@code ""} unescaped. */
  String identifierName() {
    if (kind == Kind.QUOTED_IDENTIFIER) {
      return text.substring(1, text.length() - 1).replace("\"\"", "\"");
    }
    return text;
  }

  /** Returns a plain '...' string literal's value; other strings as written between quotes. */
  String stringValue() {
    if (text.startsWith("'")) {
      return text.substring(1, text.length() - 1).replace("''", "'");
    }
    return text;
  }
}
