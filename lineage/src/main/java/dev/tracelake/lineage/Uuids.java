package dev.tracelake.lineage;

/** Parses and formats UUIDs in canonical lower-case text form without allocating. */
final class Uuids {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Uuids() {}

  /**
   * Parses a canonical lower-case UUID ({@code 8-4-4-4-12} hex digits) into {@code out[0]} (most
   * significant bits) and {@code out[1]}; returns false for anything else, so that formatting a
   * parsed id always gives back the very same text.
   */
  static boolean parse(byte[] b, int off, int len, long[] out) {
    if (len != 36
        || b[off + 8] != '-'
        || b[off + 13] != '-'
        || b[off + 18] != '-'
        || b[off + 23] != '-') {
      return false;
    }
    long msb = 0;
    long lsb = 0;
    int digits = 0;
    for (int i = 0; i < 36; i++) {
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        continue;
      }
      int v = hexValue(b[off + i]);
      if (v < 0) {
        return false;
      }
      if (digits < 16) {
        msb = (msb << 4) | v;
      } else {
        lsb = (lsb << 4) | v;
      }
      digits++;
    }
    out[0] = msb;
    out[1] = lsb;
    return true;
  }

  static String format(long msb, long lsb) {
    char[] c = new char[36];
    hex(c, 0, msb >>> 32, 8);
    c[8] = '-';
    hex(c, 9, msb >>> 16, 4);
    c[13] = '-';
    hex(c, 14, msb, 4);
    c[18] = '-';
    hex(c, 19, lsb >>> 48, 4);
    c[23] = '-';
    hex(c, 24, lsb, 12);
    return new String(c);
  }

  private static void hex(char[] c, int at, long value, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      c[at + i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
  }

  private static int hexValue(byte ch) {
    if (ch >= '0' && ch <= '9') {
      return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
      return ch - 'a' + 10;
    }
    return -1;
  }
}
