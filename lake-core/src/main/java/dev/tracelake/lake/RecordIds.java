package dev.tracelake.lake;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Generates record ids: UUIDv7 (RFC 9562) in canonical text form. The first 48 bits are the Unix
 * time in milliseconds, so ids sort by creation time; a 12-bit counter that starts at a random
 * value each millisecond keeps ids from one process strictly increasing; 62 random bits make ids
 * from different processes collide with negligible probability.
 */
final class RecordIds {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final Object LOCK = new Object();

  // guarded by LOCK
  private static long lastMillis;
  // guarded by LOCK
  private static int counter;

  private RecordIds() {}

  /** The length of an id in its canonical text form, in bytes (and chars). */
  static final int LENGTH = 36;

  /**
   * Fills {@code out} with {@code count} fresh, increasing ids as ASCII bytes, {@link #LENGTH}
   * bytes each, one after another.
   */
  static void next(byte[] out, int count) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    synchronized (LOCK) {
      for (int i = 0; i < count; i++) {
        long now = System.currentTimeMillis();
        if (now > lastMillis) {
          lastMillis = now;
          // start low in the 12-bit space so a busy millisecond rarely overflows it
          counter = random.nextInt(1 << 10);
        } else if (++counter >= (1 << 12)) {
          lastMillis++;
          counter = random.nextInt(1 << 10);
        }
        long msb = (lastMillis << 16) | (0x7L << 12) | counter;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        format(out, i * LENGTH, msb, lsb);
      }
    }
  }

  /** Returns {@code count} fresh, increasing ids. */
  static String[] next(int count) {
    byte[] bytes = new byte[count * LENGTH];
    next(bytes, count);
    String[] ids = new String[count];
    for (int i = 0; i < count; i++) {
      ids[i] = new String(bytes, i * LENGTH, LENGTH, StandardCharsets.ISO_8859_1);
    }
    return ids;
  }

  private static void format(byte[] out, int at, long msb, long lsb) {
    hex(out, at, msb >>> 32, 8);
    out[at + 8] = '-';
    hex(out, at + 9, msb >>> 16, 4);
    out[at + 13] = '-';
    hex(out, at + 14, msb, 4);
    out[at + 18] = '-';
    hex(out, at + 19, lsb >>> 48, 4);
    out[at + 23] = '-';
    hex(out, at + 24, lsb, 12);
  }

  private static void hex(byte[] out, int offset, long value, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      out[offset + i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
  }

  /**
   * Returns whether the UTF-8 text in {@code bytes[0, length)} is blank as {@link String#isBlank()}
   * says: empty or only white space. ASCII text is judged on its bytes, anything else decoded.
   */
  static boolean isBlank(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      int b = bytes[i];
      if (b < 0) {
        return new String(bytes, 0, length, StandardCharsets.UTF_8).isBlank();
      }
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }
}
