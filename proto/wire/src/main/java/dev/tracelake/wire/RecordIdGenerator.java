package dev.tracelake.wire;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes record ids: UUIDv7 (RFC 9562) in canonical text form. The first 48 bits are the Unix time
 * in milliseconds, so ids sort by creation time. Then comes a 30-bit counter (the 12 bits of {@code
 * rand_a} and the first 18 of {@code rand_b}, RFC 9562 section 6.2, method 1) that starts at a
 * random value in its lower half each millisecond, so ids from one process strictly increase. The
 * last 44 bits are random, drawn once per millisecond: ids from different processes collide only if
 * two of them draw the same 44 bits and overlapping counter ranges in the same millisecond.
 *
 * <p>Drawing the random bits per millisecond rather than per id makes consecutive ids differ in a
 * few counter digits only, which Parquet's compression takes advantage of: the id column is the
 * largest of an append's metadata columns. The server and the clients make ids with this one
 * generator, so a table's ids compress the same whoever named them.
 */
public final class RecordIdGenerator {
  /** The length of an id in its canonical text form, in bytes (and chars). */
  public static final int LENGTH = 36;

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final Object LOCK = new Object();
  private static final int COUNTER_BITS = 30;
  private static final int TAIL_BITS = 44;

  // guarded by LOCK
  private static long lastMillis;
  // guarded by LOCK
  private static long counter;
  // guarded by LOCK: the random bits of the current millisecond
  private static long tail;

  private RecordIdGenerator() {}

  /**
   * Fills {@code out} with {@code count} fresh, increasing ids as ASCII bytes, {@link #LENGTH}
   * bytes each, one after another.
   *
   * @throws IndexOutOfBoundsException when {@code out} holds fewer than {@code count} ids
   */
  public static void next(byte[] out, int count) {
    if ((long) count * LENGTH > out.length) {
      throw new IndexOutOfBoundsException(
          "Cannot write " + count + " ids into " + out.length + " bytes");
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    synchronized (LOCK) {
      for (int i = 0; i < count; i++) {
        long now = System.currentTimeMillis();
        if (now > lastMillis || ++counter >= (1L << COUNTER_BITS)) {
          // a new millisecond, or (a billion ids into one) the next: never step back in time
          lastMillis = Math.max(now, lastMillis + 1);
          counter = random.nextLong(1L << (COUNTER_BITS - 1));
          tail = random.nextLong(1L << TAIL_BITS);
        }
        long msb = (lastMillis << 16) | (0x7L << 12) | (counter >>> (COUNTER_BITS - 12));
        long lsb =
            0x8000000000000000L
                | ((counter & ((1L << (COUNTER_BITS - 12)) - 1)) << TAIL_BITS)
                | tail;
        format(out, i * LENGTH, msb, lsb);
      }
    }
  }

  /** Returns {@code count} fresh, increasing ids. */
  public static String[] next(int count) {
    byte[] bytes = new byte[Math.multiplyExact(count, LENGTH)];
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
}
