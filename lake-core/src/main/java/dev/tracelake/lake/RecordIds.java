package dev.tracelake.lake;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.arrow.memory.ArrowBuf;

/**
 * Generates record ids: UUIDv7 (RFC 9562) in canonical text form. The first 48 bits are the Unix
 * time in milliseconds, so ids sort by creation time. Then comes a 30-bit counter (the 12 bits of
 * {@code rand_a} and the first 18 of {@code rand_b}, RFC 9562 section 6.2, method 1) that starts at
 * a random value in its lower half each millisecond, so ids from one process strictly increase. The
 * last 44 bits are random, drawn once per millisecond: ids from different processes collide only if
 * two of them draw the same 44 bits and overlapping counter ranges in the same millisecond.
 *
 * <p>Drawing the random bits per millisecond rather than per id makes consecutive ids differ in a
 * few counter digits only, which Parquet's compression takes advantage of: the id column is the
 * largest of an append's metadata columns.
 */
final class RecordIds {
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
   * Returns whether the UTF-8 text of {@code length} bytes at {@code start} of {@code data} is
   * blank, as {@link #isBlank(byte[], int, int)} judges it, reading the bytes in place.
   */
  static boolean isBlank(ArrowBuf data, long start, int length) {
    for (long i = start; i < start + length; i++) {
      int b = data.getByte(i);
      if (b < 0) {
        byte[] utf8 = new byte[length];
        data.getBytes(start, utf8, 0, length);
        return isBlank(utf8, 0, length);
      }
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns whether the UTF-8 text in {@code bytes[offset, offset + length)} is blank as {@link
   * String#isBlank()} says: empty or only white space. ASCII text is judged on its bytes, anything
   * else decoded.
   */
  static boolean isBlank(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      int b = bytes[i];
      if (b < 0) {
        return new String(bytes, offset, length, StandardCharsets.UTF_8).isBlank();
      }
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }
}
