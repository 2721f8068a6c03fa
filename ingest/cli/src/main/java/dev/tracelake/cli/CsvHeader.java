package dev.tracelake.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the column names from the header line of an RFC 4180 CSV file. */
final class CsvHeader {
  private CsvHeader() {}

  /** Returns the names in the first line; quoted names may hold commas and doubled quotes. */
  static List<String> names(Path file) {
    String header;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      header = reader.readLine();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new LineError(1, "not valid UTF-8 text (is it a CSV file?)", null).toException(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the header of " + file, e);
    }
    if (header == null) {
      return List.of();
    }
    if (header.startsWith("\uFEFF")) {
      header = header.substring(1);
    }
    return split(header);
  }

  static List<String> split(String line) {
    List<String> names = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          current.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          current.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        names.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    names.add(current.toString());
    return names;
  }
}
