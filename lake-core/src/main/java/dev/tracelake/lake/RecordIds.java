package dev.tracelake.lake;

import dev.tracelake.wire.RecordIdGenerator;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.ArrowBuf;

/**
 * Record-id helpers of the write path. Fresh ids come from the {@link RecordIdGenerator} that
 * clients use too (UUIDv7 text, increasing within a process); this class judges ids that writers
 * give.
 */
final class RecordIds {
  private RecordIds() {}

  /** The length of an id in its canonical text form, in bytes (and chars). */
  static final int LENGTH = RecordIdGenerator.LENGTH;

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
