package dev.tracelake.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations ({@code 90m}, {@code 24h}, {@code 3d}) and sizes ({@code 128MiB}) options
 * take.
 */
final class Quantities {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(s|m|h|d)");
  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,15})\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

  private Quantities() {}

  /**
   * Parses a duration: a number with {@code s}, {@code m}, {@code h} or {@code d}, or ISO-8601
   * ({@code PT90M}).
   *
   * @throws CliException naming the text when it is neither
   */
  static Duration duration(String option, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw CliException.of(
          "%s: '%s' is not a duration; use e.g. 90m, 24h, 3d or PT90M", option, shown(text));
    }
  }

  /**
   * Parses a size in bytes: a number, optionally with {@code KiB}, {@code MiB} or {@code GiB}
   * ({@code KB}, {@code MB}, {@code GB} and single letters mean the same binary units).
   *
   * @throws CliException naming the text when it is not one
   */
  static long bytes(String option, String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw CliException.of(
          "%s: '%s' is not a size; use e.g. 134217728, 128MiB or 1GiB", option, shown(text));
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    int shift =
        switch (unit.charAt(0)) {
          case 'k' -> 10;
          case 'm' -> 20;
          case 'g' -> 30;
          default -> 0;
        };
    if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
      throw CliException.of("%s: '%s' is too large", option, shown(text));
    }
    return n << shift;
  }

  private static String shown(String text) {
    String s = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return s.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
