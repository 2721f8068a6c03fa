package dev.tracelake.client;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Record ids in the server's format, UUIDv7 (RFC 9562) in canonical text form, made on the client
 * so a writer knows the ids of its rows even when an append's acknowledgement was lost and the
 * server answers its resend with {@code already_committed} and no ids. The first 48 bits are the
 * Unix time in milliseconds, a 12-bit counter keeps ids of one process increasing, and 62 random
 * bits keep ids of different processes apart.
 */
final class RecordIdGenerator {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final Object LOCK = new Object();

  // guarded by LOCK
  private static long lastMillis;
  // guarded by LOCK
  private static int counter;

  private RecordIdGenerator() {}

  /** Returns a fresh id. */
  static String next() {
    long msb;
    synchronized (LOCK) {
      long now = System.currentTimeMillis();
      if (now > lastMillis) {
        lastMillis = now;
        // start low in the 12-bit space so a busy millisecond rarely overflows it
        counter = ThreadLocalRandom.current().nextInt(1 << 10);
      } else if (++counter >= (1 << 12)) {
        lastMillis++;
        counter = ThreadLocalRandom.current().nextInt(1 << 10);
      }
      msb = (lastMillis << 16) | (0x7L << 12) | counter;
    }
    long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
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
    long v = value;
    for (int i = digits - 1; i >= 0; i--) {
      out[offset + i] = HEX[(int) (v & 0xF)];
      v >>>= 4;
    }
  }
}
