package dev.tracelake.pgwire;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The session settings a client may read with {@code SHOW} and change with {@code SET}. Only
 * harmless settings change anything: the time zone timestamptz values are shown in and the
 * statement timeout. Settings that would change how values are encoded are accepted only at the
 * value Tracelake speaks (UTF8, ISO dates, hex bytea), and unknown settings are refused, as
 * PostgreSQL refuses them.
 */
final class SessionSettings {
  static final String SERVER_VERSION = "15.0";

  /** Settings PostgreSQL reports to the client in ParameterStatus whenever they change. */
  static final List<String> REPORTED =
      List.of(
          "server_version",
          "server_encoding",
          "client_encoding",
          "application_name",
          "DateStyle",
          "IntervalStyle",
          "TimeZone",
          "integer_datetimes",
          "standard_conforming_strings",
          "is_superuser",
          "session_authorization");

  /** Settings that are accepted and remembered but change nothing in Tracelake. */
  private static final Set<String> ACCEPTED =
      Set.of(
          "application_name",
          "search_path",
          "extra_float_digits",
          "default_transaction_isolation",
          "transaction_isolation",
          "default_transaction_read_only",
          "transaction_read_only",
          "idle_in_transaction_session_timeout",
          "lock_timeout",
          "lc_messages",
          "lc_monetary",
          "lc_numeric",
          "lc_time",
          "geqo",
          "jit",
          "work_mem",
          "client_min_messages",
          "row_security",
          "synchronous_commit",
          "max_parallel_workers_per_gather",
          "datestyle",
          "intervalstyle",
          "timezone",
          "client_encoding",
          "standard_conforming_strings",
          "bytea_output",
          "statement_timeout",
          "tracelake.snapshots");

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, String> canonicalNames = new LinkedHashMap<>();
  private ZoneId zone = ZoneId.of("UTC");
  private Duration statementTimeout;

  SessionSettings(String user) {
    put("server_version", SERVER_VERSION);
    put("server_version_num", "150000");
    put("server_encoding", "UTF8");
    put("client_encoding", "UTF8");
    put("application_name", "");
    put("DateStyle", "ISO, MDY");
    put("IntervalStyle", "postgres");
    put("TimeZone", "UTC");
    put("integer_datetimes", "on");
    put("standard_conforming_strings", "on");
    put("is_superuser", "off");
    put("session_authorization", user);
    put("search_path", "\"$user\", public");
    put("extra_float_digits", "1");
    put("statement_timeout", "0");
    put("transaction_isolation", "read committed");
    put("default_transaction_isolation", "read committed");
    put("transaction_read_only", "on");
    put("default_transaction_read_only", "on");
    put("max_identifier_length", "63");
    put("bytea_output", "hex");
    put("lc_messages", "C");
    put("lc_collate", "C");
    put("lc_ctype", "C");
    put("client_min_messages", "notice");
    put("tracelake.snapshots", "");
  }

  private void put(String name, String value) {
    canonicalNames.put(name.toLowerCase(Locale.ROOT), name);
    values.put(name.toLowerCase(Locale.ROOT), value);
  }

  /** Returns the value of a setting, or null when there is no such setting. */
  String get(String name) {
    return values.get(name.toLowerCase(Locale.ROOT));
  }

  /** Returns every setting by its canonical name, for {@code SHOW ALL} and {@code pg_settings}. */
  Map<String, String> all() {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(canonicalNames.get(k), v));
    return out;
  }

  /** Returns the canonical spelling of a setting's name. */
  String canonical(String name) {
    return canonicalNames.getOrDefault(name.toLowerCase(Locale.ROOT), name);
  }

  ZoneId zone() {
    return zone;
  }

  /** Returns the statement timeout, or null when none is set. */
  Duration statementTimeout() {
    return statementTimeout;
  }

  /** Records the snapshots the last statement read, for {@code SHOW tracelake.snapshots}. */
  void snapshots(String json) {
    values.put("tracelake.snapshots", json);
  }

  /**
   * Sets a setting from a client's {@code SET} or startup packet.
   *
   * @return whether the value changed
   * @throws PgException 42704 for an unknown setting, 22023 for a value Tracelake cannot honor
   */
  boolean set(String name, String value) {
    String key = name.toLowerCase(Locale.ROOT);
    String v = value.strip();
    switch (key) {
      case "client_encoding" -> {
        String norm = v.toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        if (!(norm.equals("UTF8") || norm.equals("UNICODE") || norm.equals("SQLASCII"))) {
          throw invalid(name, value, "Tracelake speaks UTF8 only");
        }
        v = "UTF8";
      }
      case "datestyle" -> {
        if (!v.toUpperCase(Locale.ROOT).contains("ISO")) {
          throw invalid(name, value, "Tracelake writes dates in the ISO style only");
        }
        v = "ISO, MDY";
      }
      case "intervalstyle" -> {
        if (!v.equalsIgnoreCase("postgres")) {
          throw invalid(name, value, "Tracelake writes intervals in the postgres style only");
        }
      }
      case "standard_conforming_strings" -> {
        if (!v.equalsIgnoreCase("on")) {
          throw invalid(name, value, "Tracelake's SQL always treats backslashes literally");
        }
      }
      case "bytea_output" -> {
        if (!v.equalsIgnoreCase("hex")) {
          throw invalid(name, value, "Tracelake writes bytea in hex only");
        }
      }
      case "timezone" -> {
        try {
          zone = parseZone(v);
        } catch (DateTimeException e) {
          throw invalid(name, value, "not a time zone");
        }
        v = zone.getId();
      }
      case "statement_timeout" -> statementTimeout = parseTimeout(name, v);
      case "extra_float_digits" -> {
        try {
          int digits = Integer.parseInt(v);
          if (digits < -15 || digits > 3) {
            throw invalid(name, value, "must be between -15 and 3");
          }
        } catch (NumberFormatException e) {
          throw invalid(name, value, "must be an integer");
        }
      }
      case "tracelake.snapshots" -> throw invalid(name, value, "it is read-only");
      default -> {
        if (!ACCEPTED.contains(key) && !key.contains(".")) {
          throw new PgException(
              PgException.UNDEFINED_OBJECT,
              "unrecognized configuration parameter \"" + name + "\"");
        }
      }
    }
    if (!values.containsKey(key)) {
      canonicalNames.put(key, name);
    }
    String old = values.put(key, v);
    return !v.equals(old);
  }

  private static ZoneId parseZone(String v) {
    String z = v.replace("'", "");
    if (z.equalsIgnoreCase("UTC") || z.equalsIgnoreCase("GMT") || z.equalsIgnoreCase("Z")) {
      return ZoneId.of("UTC");
    }
    return ZoneId.of(z);
  }

  private static Duration parseTimeout(String name, String v) {
    String t = v.replace("'", "").strip().toLowerCase(Locale.ROOT);
    try {
      long ms;
      if (t.endsWith("ms")) {
        ms = Long.parseLong(t.substring(0, t.length() - 2).strip());
      } else if (t.endsWith("min")) {
        ms = Long.parseLong(t.substring(0, t.length() - 3).strip()) * 60_000;
      } else if (t.endsWith("s")) {
        ms = Long.parseLong(t.substring(0, t.length() - 1).strip()) * 1000;
      } else if (t.endsWith("h")) {
        ms = Long.parseLong(t.substring(0, t.length() - 1).strip()) * 3_600_000;
      } else {
        ms = Long.parseLong(t);
      }
      if (ms < 0) {
        throw invalid(name, v, "must not be negative");
      }
      return ms == 0 ? null : Duration.ofMillis(ms);
    } catch (NumberFormatException e) {
      throw invalid(name, v, "use milliseconds or a unit: ms, s, min, h");
    }
  }

  private static PgException invalid(String name, String value, String why) {
    return new PgException(
        PgException.INVALID_PARAMETER_VALUE,
        "invalid value for parameter \"" + name + "\": \"" + value + "\": " + why);
  }
}
