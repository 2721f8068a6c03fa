package dev.tracelake.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Checks the shape of an RFC 4180 CSV file before DuckDB reads it: valid UTF-8 text, no NUL bytes,
 * and every record with as many fields as the header. DuckDB's sniffer, given a ragged file, may
 * pick another layout (and read the first data row as column names) or drop rows; a load must
 * instead fail on the first bad line, committing nothing.
 */
final class CsvShape {
  private CsvShape() {}

  /**
   * Returns the first line that breaks the file's shape, or empty when every record fits the
   * header. Reads the whole file once, as text.
   */
  static Optional<LineError> firstBadLine(Path file, List<String> header) {
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    long line = 1; // the line being read
    long recordLine = 1; // the line the current record started on
    int fields = 1;
    boolean quoted = false;
    boolean inHeader = true;
    boolean empty = true; // nothing read yet on the record's line
    StringBuilder text = new StringBuilder();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), 1 << 16)) {
      int c;
      boolean first = true;
      while (true) {
        try {
          c = in.read();
        } catch (CharacterCodingException e) {
          return Optional.of(new LineError(line, "not valid UTF-8 text (is it a CSV file?)", null));
        }
        if (first && c == '\uFEFF') {
          first = false;
          continue;
        }
        first = false;
        if (c == 0) {
          return Optional.of(
              new LineError(line, "holds a NUL byte: not a text file (is it a CSV file?)", null));
        }
        boolean end = c == -1;
        if (!end && quoted) {
          if (c == '"') {
            in.mark(1);
            int next = in.read();
            if (next != '"') {
              quoted = false;
              if (next != -1) {
                in.reset();
              }
            }
          } else if (c == '\n') {
            line++;
          }
          keep(text, c);
          continue;
        }
        if (!end && c == '"') {
          quoted = true;
          empty = false;
        } else if (!end && c == ',') {
          fields++;
          empty = false;
        } else if (end || c == '\n') {
          if (end && quoted) {
            return Optional.of(new LineError(recordLine, "a quoted field is never closed", null));
          }
          boolean blank = empty && fields == 1;
          if (!blank && !inHeader && fields != header.size()) {
            return Optional.of(
                new LineError(
                    recordLine,
                    String.format(
                        "%d field%s, but the header has %d (%s)",
                        fields, fields == 1 ? "" : "s", header.size(), String.join(", ", header)),
                    text.toString()));
          }
          if (end) {
            return Optional.empty();
          }
          inHeader = false;
          line++;
          recordLine = line;
          fields = 1;
          empty = true;
          text.setLength(0);
          continue;
        } else if (c != '\r') {
          empty = false;
        }
        keep(text, c);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  private static void keep(StringBuilder text, int c) {
    if (text.length() < 200) {
      text.append((char) c);
    }
  }
}
