package dev.tracelake.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statements of REPL sessions, one per line, kept in memory and, for interactive sessions,
 * appended to a file such as {@code ~/.tracelake_history}.
 */
final class SqlHistory {
  private static final Logger LOG = LoggerFactory.getLogger(SqlHistory.class);
  static final int MAX_ENTRIES = 1000;

  private final List<String> entries = new ArrayList<>();
  private final Path file;

  private SqlHistory(Path file) {
    this.file = file;
  }

  /** Returns a history that lives only as long as the session. */
  static SqlHistory inMemory() {
    return new SqlHistory(null);
  }

  /** Returns a history loaded from {@code file} (when it exists) that appends to it. */
  static SqlHistory persistedIn(Path file) {
    SqlHistory history = new SqlHistory(file);
    if (Files.isReadable(file)) {
      try {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        history.entries.addAll(
            lines.subList(Math.max(0, lines.size() - MAX_ENTRIES), lines.size()));
      } catch (IOException e) {
        LOG.warn("Cannot read SQL history {}: {}", file, e.getMessage());
      }
    }
    return history;
  }

  /** Records a statement; a failure to write the file is logged, never fatal. */
  void add(String statement) {
    String line = statement.replaceAll("\\s*\\R\\s*", " ").strip();
    if (line.isEmpty() || (!entries.isEmpty() && entries.get(entries.size() - 1).equals(line))) {
      return;
    }
    entries.add(line);
    if (entries.size() > MAX_ENTRIES) {
      entries.remove(0);
    }
    if (file != null) {
      try {
        Files.writeString(
            file,
            line + System.lineSeparator(),
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        LOG.warn("Cannot write SQL history {}: {}", file, e.getMessage());
      }
    }
  }

  /** Returns the statements, oldest first. */
  List<String> entries() {
    return List.copyOf(entries);
  }
}
