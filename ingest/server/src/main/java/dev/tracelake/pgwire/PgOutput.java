package dev.tracelake.pgwire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes backend messages. Messages are assembled in one growing buffer and written to the socket
 * when it passes {@value #FLUSH_BYTES} bytes or on {@link #flush()}, so a large result holds at
 * most about that much per connection: a slow client blocks the writer, not the server's memory.
 */
final class PgOutput {
  private static final int FLUSH_BYTES = 64 * 1024;

  private final OutputStream out;
  private byte[] buf = new byte[FLUSH_BYTES * 2];
  private int size;
  private int messageStart = -1;

  PgOutput(OutputStream out) {
    this.out = out;
  }

  /** Starts a message of {@code type}; its length is filled in by {@link #end()}. */
  PgOutput begin(char type) {
    ensure(5);
    buf[size++] = (byte) type;
    messageStart = size;
    size += 4;
    return this;
  }

  /** Finishes the message begun last and writes the buffer out once it is large. */
  void end() throws IOException {
    int length = size - messageStart;
    putInt(messageStart, length);
    messageStart = -1;
    if (size >= FLUSH_BYTES) {
      drain();
    }
  }

  PgOutput int32(int v) {
    ensure(4);
    putInt(size, v);
    size += 4;
    return this;
  }

  PgOutput int16(int v) {
    ensure(2);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
    return this;
  }

  PgOutput int64(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >>> shift);
    }
    return this;
  }

  PgOutput byte1(int v) {
    ensure(1);
    buf[size++] = (byte) v;
    return this;
  }

  PgOutput bytes(byte[] b) {
    return bytes(b, 0, b.length);
  }

  PgOutput bytes(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
    return this;
  }

  /** Writes a string NUL-terminated; a NUL inside it would end it early, so it is dropped. */
  PgOutput cstring(String s) {
    byte[] b = s.replace("\0", "").getBytes(StandardCharsets.UTF_8);
    bytes(b);
    return byte1(0);
  }

  /** Reserves a 4-byte length to be patched by {@link #patchLength(int)}; returns its offset. */
  int reserveLength() {
    ensure(4);
    int at = size;
    size += 4;
    return at;
  }

  /** Writes the number of bytes written since {@code at + 4} into the reserved length. */
  void patchLength(int at) {
    putInt(at, size - at - 4);
  }

  /** Writes an ASCII string of digits or similar without allocating a byte array. */
  PgOutput ascii(CharSequence s) {
    ensure(s.length());
    for (int i = 0; i < s.length(); i++) {
      buf[size++] = (byte) s.charAt(i);
    }
    return this;
  }

  /** Writes the buffer to the socket and flushes it. */
  void flush() throws IOException {
    drain();
    out.flush();
  }

  private void drain() throws IOException {
    if (messageStart >= 0) {
      // a message is half-built: write what precedes it and keep it
      int keepFrom = messageStart - 1;
      out.write(buf, 0, keepFrom);
      System.arraycopy(buf, keepFrom, buf, 0, size - keepFrom);
      size -= keepFrom;
      messageStart -= keepFrom;
      return;
    }
    out.write(buf, 0, size);
    size = 0;
    if (buf.length > FLUSH_BYTES * 4) {
      buf = new byte[FLUSH_BYTES * 2]; // give back the memory of one huge row
    }
  }

  private void putInt(int at, int v) {
    buf[at] = (byte) (v >>> 24);
    buf[at + 1] = (byte) (v >>> 16);
    buf[at + 2] = (byte) (v >>> 8);
    buf[at + 3] = (byte) v;
  }

  private void ensure(int n) {
    if (size + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
    }
  }
}
