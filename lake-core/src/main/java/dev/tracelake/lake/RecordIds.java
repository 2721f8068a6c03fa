package dev.tracelake.lake;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Generates record ids: UUIDv7 (RFC 9562) in canonical text form. The first 48 bits are the Unix
 * time in milliseconds, so ids sort by creation time; a 12-bit counter that starts at a random
 * value each millisecond keeps ids from one process strictly increasing; 62 random bits make ids
 * from different processes collide with negligible probability.
 */
final class RecordIds {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final Object LOCK = new Object();

  // guarded by LOCK
  private static long lastMillis;
  // guarded by LOCK
  private static int counter;

  private RecordIds() {}

  /** Fills {@code out} with fresh, increasing ids. */
  static void next(String[] out, int count) {
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
        out[i] = format(msb, lsb);
      }
    }
  }

  private static String format(long msb, long lsb) {
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

  private static void hex(char[] out, int offset, long value, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      out[offset + i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
  }
}
