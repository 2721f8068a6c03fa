package dev.tracelake.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Parses the {@code --as-of} time of lineage commands. */
final class AsOfTime {
  private AsOfTime() {}

  /**
   * Parses an ISO-8601 instant ({@code 2026-01-01T00:00:00Z}), offset date-time, local date-time or
   * date; a time without a zone is UTC.
   *
   * @throws IllegalArgumentException naming the text when it is none of those
   */
  static Instant parse(String text) {
    String t = text.strip();
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException notOffset) {
      try {
        return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException notLocal) {
        try {
          return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notDate) {
          throw new IllegalArgumentException(
              "--as-of must be an ISO-8601 time such as 2026-01-01T00:00:00Z, got '" + text + "'");
        }
      }
    }
  }
}
