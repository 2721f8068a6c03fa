package dev.tracelake.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the first line of a JSON Lines file that is not a JSON object. DuckDB 2.0's malformed-JSON
 * errors name the line after the bad one, so the CLI finds the line itself once DuckDB has failed.
 */
final class JsonLinesCheck {
  // As lenient as DuckDB's reader, which accepts trailing commas, so both agree on what is bad.
  private static final ObjectMapper LINES =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private JsonLinesCheck() {}

  /** Returns the first line that is not a JSON object; blank lines are skipped. */
  static Optional<LineError> firstBadLine(Path file) {
    long number = 0;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while (true) {
        try {
          line = reader.readLine();
        } catch (CharacterCodingException e) {
          return Optional.of(new LineError(number + 1, "not valid UTF-8", null));
        }
        if (line == null) {
          return Optional.empty();
        }
        number++;
        if (line.isBlank()) {
          continue;
        }
        Optional<String> problem = problem(line);
        if (problem.isPresent()) {
          return Optional.of(new LineError(number, problem.get(), line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  private static Optional<String> problem(String line) {
    try {
      JsonNode node = LINES.readTree(line);
      if (!node.isObject()) {
        return Optional.of(
            "expected a JSON object, got "
                + (node.isArray()
                    ? "an array"
                    : node.getNodeType().name().toLowerCase(Locale.ROOT)));
      }
      return Optional.empty();
    } catch (JsonProcessingException e) {
      String reason = e.getOriginalMessage().replaceAll("\\s*\\(start marker at .*$", "");
      int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
      return Optional.of(
          "malformed JSON" + (column > 0 ? " at column " + column : "") + ": " + reason);
    }
  }
}
