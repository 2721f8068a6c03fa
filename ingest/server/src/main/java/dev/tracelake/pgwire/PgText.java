package dev.tracelake.pgwire;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Locale;
import org.apache.arrow.vector.DurationVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntervalDayVector;
import org.apache.arrow.vector.IntervalMonthDayNanoVector;
import org.apache.arrow.vector.IntervalYearVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.complex.BaseListVector;
import org.apache.arrow.vector.complex.ListVector;

/** PostgreSQL's text output formats for the values the door sends. */
final class PgText {

  private PgText() {}

  /** float8 as PostgreSQL 12+ prints it with extra_float_digits >= 1: shortest exact digits. */
  static String float8(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    String java = Double.toString(d);
    if (java.indexOf('E') < 0) {
      // plain notation in Java is plain in PostgreSQL too (Java switches at 1e-3 and 1e7)
      return java.endsWith(".0") ? java.substring(0, java.length() - 2) : java;
    }
    return shortest(java, 15);
  }

  static String float4(float f) {
    if (Float.isNaN(f)) {
      return "NaN";
    }
    if (Float.isInfinite(f)) {
      return f > 0 ? "Infinity" : "-Infinity";
    }
    String java = Float.toString(f);
    if (java.indexOf('E') < 0 && Math.abs(f) < 1e6f) {
      return java.endsWith(".0") ? java.substring(0, java.length() - 2) : java;
    }
    return shortest(java, 6);
  }

  /**
   * Reformats Java's shortest round-trip digits the way PostgreSQL's Ryu output does: plain
   * notation for decimal exponents from -4 to below {@code firstExponentNotation}, else {@code
   * 1.5e+20}.
   */
  private static String shortest(String javaText, int firstExponentNotation) {
    BigDecimal value = new BigDecimal(javaText);
    if (value.signum() == 0) {
      return javaText.startsWith("-") ? "-0" : "0";
    }
    BigDecimal stripped = value.stripTrailingZeros();
    int exponent = stripped.precision() - stripped.scale() - 1;
    if (exponent < -4 || exponent >= firstExponentNotation) {
      String digits = stripped.unscaledValue().abs().toString();
      StringBuilder sb = new StringBuilder();
      if (stripped.signum() < 0) {
        sb.append('-');
      }
      sb.append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      sb.append('e').append(exponent < 0 ? '-' : '+');
      int abs = Math.abs(exponent);
      if (abs < 10) {
        sb.append('0');
      }
      return sb.append(abs).toString();
    }
    return stripped.toPlainString();
  }

  static String byteaHex(byte[] b) {
    return "\\x" + HexFormat.of().formatHex(b);
  }

  static String uuid(byte[] b) {
    String hex = HexFormat.of().formatHex(b);
    return hex.substring(0, 8)
        + "-"
        + hex.substring(8, 12)
        + "-"
        + hex.substring(12, 16)
        + "-"
        + hex.substring(16, 20)
        + "-"
        + hex.substring(20);
  }

  static String date(long days) {
    return LocalDate.ofEpochDay(days).toString();
  }

  static String time(long micros) {
    LocalTime t = LocalTime.ofNanoOfDay(Math.floorMod(micros, 86_400_000_000L) * 1000);
    return withFraction(
        String.format(Locale.ROOT, "%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond()),
        t.getNano() / 1000);
  }

  static String timestamp(long micros) {
    StringBuilder sb = new StringBuilder(26);
    appendDateTime(sb, micros);
    return sb.toString();
  }

  static String timestamptz(long micros, ZoneId zone) {
    int offset =
        zone == ZoneOffset.UTC || zone.getId().equals("UTC")
            ? 0
            : zone.getRules()
                .getOffset(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L)))
                .getTotalSeconds();
    StringBuilder sb = new StringBuilder(32);
    appendDateTime(sb, micros + offset * 1_000_000L);
    sb.append(offset < 0 ? '-' : '+');
    int abs = Math.abs(offset);
    pad2(sb, abs / 3600);
    if (abs % 3600 != 0) {
      pad2(sb.append(':'), (abs % 3600) / 60);
      if (abs % 60 != 0) {
        pad2(sb.append(':'), abs % 60);
      }
    }
    return sb.toString();
  }

  /** Appends {@code yyyy-MM-dd HH:mm:ss[.ffffff]} of a local date-time in microseconds. */
  private static void appendDateTime(StringBuilder sb, long micros) {
    long seconds = Math.floorDiv(micros, 1_000_000L);
    int fraction = (int) Math.floorMod(micros, 1_000_000L);
    long days = Math.floorDiv(seconds, 86_400L);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    LocalDate date = LocalDate.ofEpochDay(days);
    int year = date.getYear();
    if (year >= 0 && year <= 9999) {
      sb.append((char) ('0' + year / 1000))
          .append((char) ('0' + year / 100 % 10))
          .append((char) ('0' + year / 10 % 10))
          .append((char) ('0' + year % 10));
    } else {
      sb.append(year);
    }
    pad2(sb.append('-'), date.getMonthValue());
    pad2(sb.append('-'), date.getDayOfMonth());
    pad2(sb.append(' '), secondOfDay / 3600);
    pad2(sb.append(':'), secondOfDay / 60 % 60);
    pad2(sb.append(':'), secondOfDay % 60);
    appendFraction(sb, fraction);
  }

  private static void pad2(StringBuilder sb, int v) {
    sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
  }

  /** Appends {@code .ffffff} without trailing zeros, nothing for 0. */
  private static void appendFraction(StringBuilder sb, int micros) {
    if (micros == 0) {
      return;
    }
    sb.append('.');
    int digits = 6;
    while (micros % 10 == 0) {
      micros /= 10;
      digits--;
    }
    String f = Integer.toString(micros);
    for (int i = f.length(); i < digits; i++) {
      sb.append('0');
    }
    sb.append(f);
  }

  private static String withFraction(String base, int micros) {
    StringBuilder sb = new StringBuilder(base);
    appendFraction(sb, micros);
    return sb.toString();
  }

  /** An interval in PostgreSQL's {@code postgres} IntervalStyle: {@code 1 year 2 mons 04:05:06}. */
  static String interval(long months, long days, long micros) {
    StringBuilder sb = new StringBuilder();
    long years = months / 12;
    long mons = months % 12;
    if (years != 0) {
      sb.append(years).append(years == 1 ? " year" : " years");
    }
    if (mons != 0) {
      sb.append(sb.isEmpty() ? "" : " ").append(mons).append(mons == 1 ? " mon" : " mons");
    }
    if (days != 0) {
      sb.append(sb.isEmpty() ? "" : " ").append(days).append(days == 1 ? " day" : " days");
    }
    if (micros != 0 || sb.isEmpty()) {
      sb.append(sb.isEmpty() ? "" : " ");
      if (micros < 0) {
        sb.append('-');
      }
      long abs = Math.abs(micros);
      long secs = abs / 1_000_000L;
      sb.append(
          withFraction(
              String.format(
                  Locale.ROOT, "%02d:%02d:%02d", secs / 3600, (secs % 3600) / 60, secs % 60),
              (int) (abs % 1_000_000L)));
    }
    return sb.toString();
  }

  /** Reads a temporal value and renders it. */
  static String temporal(PgColumn column, FieldVector v, int row, ZoneId zone) {
    return switch (column.kind()) {
      case DATE_DAY, DATE_MILLI -> date(PgColumn.dateDays(v, row));
      case TIME -> time(timeMicros(v, row));
      case TIMESTAMP -> timestamp(PgColumn.micros(PgColumn.timestampValue(v, row), column.unit()));
      case TIMESTAMPTZ ->
          timestamptz(PgColumn.micros(PgColumn.timestampValue(v, row), column.unit()), zone);
      case INTERVAL -> {
        long[] i = interval(v, row);
        yield interval(i[0], i[1], i[2]);
      }
      default -> throw new IllegalStateException("Not temporal: " + column.kind());
    };
  }

  static long timeMicros(FieldVector v, int row) {
    if (v instanceof TimeMicroVector t) {
      return t.get(row);
    }
    if (v instanceof TimeNanoVector t) {
      return t.get(row) / 1000;
    }
    if (v instanceof TimeMilliVector t) {
      return t.get(row) * 1000L;
    }
    return ((TimeSecVector) v).get(row) * 1_000_000L;
  }

  /** Returns {months, days, micros} of an interval or duration value. */
  static long[] interval(FieldVector v, int row) {
    if (v instanceof IntervalMonthDayNanoVector m) {
      var holder = new org.apache.arrow.vector.holders.NullableIntervalMonthDayNanoHolder();
      m.get(row, holder);
      return new long[] {holder.months, holder.days, holder.nanoseconds / 1000};
    }
    if (v instanceof IntervalDayVector d) {
      var holder = new org.apache.arrow.vector.holders.NullableIntervalDayHolder();
      d.get(row, holder);
      return new long[] {0, holder.days, holder.milliseconds * 1000L};
    }
    if (v instanceof IntervalYearVector y) {
      return new long[] {y.get(row), 0, 0};
    }
    java.time.Duration d = ((DurationVector) v).getObject(row);
    return new long[] {0, 0, d.toNanos() / 1000};
  }

  /** An array in PostgreSQL's text form: {@code {1,2,NULL}}, {@code {"a b",c}}. */
  static String array(BaseListVector v, int row, ZoneId zone) {
    ListVector list = (ListVector) v;
    FieldVector data = list.getDataVector();
    PgColumn element = PgColumn.of(data.getField());
    int start = list.getElementStartIndex(row);
    int end = list.getElementEndIndex(row);
    StringBuilder sb = new StringBuilder("{");
    for (int i = start; i < end; i++) {
      if (i > start) {
        sb.append(',');
      }
      if (data.isNull(i)) {
        sb.append("NULL");
        continue;
      }
      String text = element.textOf(data, i, zone);
      sb.append(quoteArrayElement(text));
    }
    return sb.append('}').toString();
  }

  private static String quoteArrayElement(String text) {
    boolean quote = text.isEmpty() || text.equalsIgnoreCase("NULL");
    for (int i = 0; i < text.length() && !quote; i++) {
      char c = text.charAt(i);
      quote =
          c == '{' || c == '}' || c == ',' || c == '"' || c == '\\' || Character.isWhitespace(c);
    }
    if (!quote) {
      return text;
    }
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
