package dev.tracelake.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits typed lines into statements at each {@code ;} outside quotes and comments, so that a
 * statement may span lines and one line may hold several. Not thread-safe.
 */
final class SqlStatements {
  private final StringBuilder pending = new StringBuilder();
  private char quote; // the open quote character (' or "), or 0 outside quotes
  private boolean blockComment;

  /** Adds one line and returns the statements it completes, without their {@code ;}. */
  List<String> add(String line) {
    List<String> complete = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      char next = i + 1 < line.length() ? line.charAt(i + 1) : 0;
      if (blockComment) {
        if (c == '*' && next == '/') {
          blockComment = false;
          i++;
        }
      } else if (quote != 0) {
        if (c == quote) {
          quote = 0; // a doubled quote closes and reopens: same result
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '-' && next == '-') {
        break; // the rest of the line is a comment
      } else if (c == '/' && next == '*') {
        blockComment = true;
        i++;
      } else if (c == ';') {
        pending.append(line, start, i);
        String statement = pending.toString().strip();
        if (!statement.isEmpty()) {
          complete.add(statement);
        }
        pending.setLength(0);
        start = i + 1;
      }
      i++;
    }
    pending.append(line, start, line.length()).append('\n');
    if (pending.toString().isBlank() && quote == 0 && !blockComment) {
      pending.setLength(0);
    }
    return complete;
  }

  /** Returns whether no statement is partly typed. */
  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** Returns the partly typed statement and forgets it; empty when there is none. */
  String drain() {
    String rest = pending.toString().strip();
    pending.setLength(0);
    quote = 0;
    blockComment = false;
    return rest;
  }
}
