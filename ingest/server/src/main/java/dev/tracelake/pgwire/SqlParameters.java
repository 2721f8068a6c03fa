package dev.tracelake.pgwire;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Binds the values of a Bind message into the statement as SQL literals. Tracelake's SQL engine
 * takes statement text, so every value is first decoded by its declared type (text or binary
 * format) and checked, then written as a literal of that type: a value that does not fit its type
 * is refused with 22P02 here and never reaches the engine as text.
 */
final class SqlParameters {
  private static final DateTimeFormatter TIMESTAMP =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd[[ ]['T']HH:mm[:ss]]")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
          .toFormatter(Locale.ROOT);

  private SqlParameters() {}

  /**
   * Returns {@code sql} with each {@code $n} replaced by the literal of parameter n.
   *
   * @throws PgException 08P01 when a placeholder has no value, 22P02 when a value does not fit
   */
  static String bind(String sql, List<Integer> types, List<Integer> formats, List<byte[]> values) {
    String[] literals = new String[values.size()];
    for (int i = 0; i < values.size(); i++) {
      int type = i < types.size() ? types.get(i) : 0;
      int format = formats.isEmpty() ? 0 : formats.size() == 1 ? formats.get(0) : formats.get(i);
      literals[i] = literal(i + 1, type, format, values.get(i));
    }
    StringBuilder out = new StringBuilder(sql.length() + 16 * literals.length);
    int copied = 0;
    for (SqlLexer.Token t : SqlLexer.tokenize(sql)) {
      if (t.kind() != SqlLexer.Kind.PARAM) {
        continue;
      }
      int n;
      try {
        n = Integer.parseInt(t.text().substring(1));
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > literals.length) {
        throw new PgException(
            PgException.PROTOCOL_VIOLATION,
            "The statement refers to parameter "
                + t.text()
                + " but "
                + literals.length
                + " parameters were bound",
            t.start() + 1,
            false);
      }
      out.append(sql, copied, t.start()).append(literals[n - 1]);
      copied = t.end();
    }
    return out.append(sql.substring(copied)).toString();
  }

  /** Returns the highest {@code $n} the statement mentions. */
  static int count(String sql) {
    int max = 0;
    for (SqlLexer.Token t : SqlLexer.tokenize(sql)) {
      if (t.kind() == SqlLexer.Kind.PARAM) {
        try {
          max = Math.max(max, Integer.parseInt(t.text().substring(1)));
        } catch (NumberFormatException e) {
          // not a placeholder PostgreSQL would accept either; bind() reports it
        }
      }
    }
    return max;
  }

  static String literal(int n, int type, int format, byte[] value) {
    if (value == null) {
      String cast = castType(type);
      return cast == null ? "NULL" : "CAST(NULL AS " + cast + ")";
    }
    if (format != 0 && format != 1) {
      throw new PgException(
          PgException.PROTOCOL_VIOLATION, "Parameter $" + n + " has invalid format code " + format);
    }
    try {
      return format == 1 ? binaryLiteral(type, value) : textLiteral(type, text(n, value));
    } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) {
      // NumberFormatException is an IllegalArgumentException, DateTimeParseException a
      // DateTimeException: every value that does not fit its declared type
      throw wrong(n, type, value, format);
    }
  }

  private static PgException wrong(int n, int type, byte[] value, int format) {
    PgType t = PgType.byOid(type);
    String shown =
        format == 0
            ? new String(value, StandardCharsets.UTF_8)
            : HexFormat.of().formatHex(value, 0, Math.min(value.length, 32));
    if (shown.length() > 64) {
      shown = shown.substring(0, 64) + "...";
    }
    return new PgException(
        PgException.INVALID_TEXT_REPRESENTATION,
        "invalid input for parameter $"
            + n
            + " of type "
            + (t == null ? type : t.name())
            + (format == 1 ? " (binary)" : "")
            + ": \""
            + shown
            + "\"");
  }

  private static String text(int n, byte[] value) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException e) {
      throw new PgException(
          "22021", "invalid byte sequence for encoding \"UTF8\" in parameter $" + n);
    }
  }

  private static String textLiteral(int type, String v) {
    if (v.indexOf('\0') >= 0) {
      throw new PgException("22021", "invalid byte sequence: a parameter holds a NUL character");
    }
    String s = v.strip();
    switch (type) {
      case 16:
        return bool(s) ? "TRUE" : "FALSE";
      case 21:
        return number(Short.parseShort(s));
      case 23:
        return number(Integer.parseInt(s));
      case 20:
      case 26:
        return number(Long.parseLong(s));
      case 700:
      case 701:
        return floating(Double.parseDouble(s));
      case 1700:
        return decimal(new BigDecimal(s));
      case 1082:
        return "DATE '" + LocalDate.parse(s) + "'";
      case 1083:
        return "TIME '" + LocalTime.parse(s) + "'";
      case 1114:
        return "TIMESTAMP '" + LocalDateTime.parse(s, TIMESTAMP) + "'";
      case 1184:
        return "TIMESTAMPTZ " + quote(parseTimestamptz(s));
      case 2950:
        return "UUID '" + java.util.UUID.fromString(s) + "'";
      case 17:
        return blob(
            s.startsWith("\\x")
                ? HexFormat.of().parseHex(s.substring(2))
                : v.getBytes(StandardCharsets.UTF_8));
      default:
        // text, varchar, unknown (0) and everything else: a string literal, which DuckDB casts
        // where the context needs another type
        return quote(v);
    }
  }

  private static String parseTimestamptz(String s) {
    try {
      return OffsetDateTime.parse(s.replace(' ', 'T')).toString();
    } catch (DateTimeParseException e) {
      String normalized = s.replace(' ', 'T');
      if (normalized.matches(".*[+-]\\d\\d$")) {
        return OffsetDateTime.parse(normalized + ":00").toString();
      }
      return LocalDateTime.parse(s, TIMESTAMP).atOffset(ZoneOffset.UTC).toString();
    }
  }

  private static String binaryLiteral(int type, byte[] v) {
    ByteBuffer b = ByteBuffer.wrap(v);
    switch (type) {
      case 16:
        expect(v, 1);
        return v[0] != 0 ? "TRUE" : "FALSE";
      case 21:
        expect(v, 2);
        return number(b.getShort());
      case 23:
        expect(v, 4);
        return number(b.getInt());
      case 20:
        expect(v, 8);
        return number(b.getLong());
      case 26:
        expect(v, 4);
        return number(Integer.toUnsignedLong(b.getInt()));
      case 700:
        expect(v, 4);
        return floating(b.getFloat());
      case 701:
        expect(v, 8);
        return floating(b.getDouble());
      case 1082:
        expect(v, 4);
        return "DATE '" + LocalDate.ofEpochDay(b.getInt() + PgBinary.PG_EPOCH_DAYS) + "'";
      case 1083:
        expect(v, 8);
        return "TIME '" + LocalTime.ofNanoOfDay(b.getLong() * 1000) + "'";
      case 1114:
        expect(v, 8);
        return "TIMESTAMP '" + PgText.timestamp(b.getLong() + PgBinary.PG_EPOCH_MICROS) + "'";
      case 1184:
        expect(v, 8);
        return "TIMESTAMPTZ '"
            + PgText.timestamptz(b.getLong() + PgBinary.PG_EPOCH_MICROS, ZoneOffset.UTC)
            + "'";
      case 2950:
        expect(v, 16);
        return "UUID '" + PgText.uuid(v) + "'";
      case 1700:
        return decimal(numeric(b));
      case 17:
        return blob(v);
      case 0:
      case 25:
      case 1043:
      case 19:
      case 114:
      case 705:
        return quote(text(0, v));
      default:
        throw new PgException(
            PgException.FEATURE_NOT_SUPPORTED,
            "binary parameters of type " + type + " are not supported; send them as text");
    }
  }

  private static BigDecimal numeric(ByteBuffer b) {
    if (b.remaining() < 8) {
      throw new IllegalArgumentException("numeric too short");
    }
    int ndigits = b.getShort();
    int weight = b.getShort();
    int sign = b.getShort() & 0xffff;
    int dscale = b.getShort();
    if (ndigits < 0 || b.remaining() != 2 * ndigits || dscale < 0) {
      throw new IllegalArgumentException("numeric digits do not match");
    }
    if (sign == 0xC000) {
      throw new NumberFormatException("NaN");
    }
    BigInteger unscaled = BigInteger.ZERO;
    for (int i = 0; i < ndigits; i++) {
      int d = b.getShort();
      if (d < 0 || d > 9999) {
        throw new IllegalArgumentException("numeric digit out of range");
      }
      unscaled = unscaled.multiply(BigInteger.valueOf(10_000)).add(BigInteger.valueOf(d));
    }
    BigDecimal value = new BigDecimal(unscaled).scaleByPowerOfTen(4 * (weight - ndigits + 1));
    value = value.setScale(dscale, java.math.RoundingMode.DOWN);
    return sign == 0x4000 ? value.negate() : value;
  }

  private static void expect(byte[] v, int n) {
    if (v.length != n) {
      throw new IllegalArgumentException("expected " + n + " bytes, got " + v.length);
    }
  }

  private static boolean bool(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "t", "true", "yes", "y", "on", "1" -> true;
      case "f", "false", "no", "n", "off", "0" -> false;
      default -> throw new IllegalArgumentException("not a boolean");
    };
  }

  private static String number(long v) {
    return v < 0 ? "(" + v + ")" : Long.toString(v);
  }

  private static String floating(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return "CAST('" + d + "' AS DOUBLE)";
    }
    String s = Double.toString(d);
    return "CAST(" + (d < 0 ? "(" + s + ")" : s) + " AS DOUBLE)";
  }

  private static String decimal(BigDecimal d) {
    String s = d.toPlainString();
    return d.signum() < 0 ? "(" + s + ")" : s;
  }

  private static String blob(byte[] v) {
    StringBuilder sb = new StringBuilder("CAST('");
    for (byte x : v) {
      sb.append(String.format(Locale.ROOT, "\\x%02X", x & 0xff));
    }
    return sb.append("' AS BLOB)").toString();
  }

  static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static String castType(int type) {
    return switch (type) {
      case 16 -> "BOOLEAN";
      case 21 -> "SMALLINT";
      case 23 -> "INTEGER";
      case 20 -> "BIGINT";
      case 700 -> "FLOAT";
      case 701 -> "DOUBLE";
      case 1700 -> "DECIMAL(38,10)";
      case 25, 1043 -> "VARCHAR";
      case 1082 -> "DATE";
      case 1083 -> "TIME";
      case 1114 -> "TIMESTAMP";
      case 1184 -> "TIMESTAMPTZ";
      case 2950 -> "UUID";
      case 17 -> "BLOB";
      default -> null;
    };
  }
}
