package dev.tracelake.pgwire;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads frontend messages from a socket. Every declared length is checked before anything is
 * allocated, so a client cannot make the server reserve more than {@code maxMessageBytes} for one
 * message, whatever it claims.
 */
final class PgInput {
  /** The largest startup packet PostgreSQL accepts (MAX_STARTUP_PACKET_LENGTH). */
  static final int MAX_STARTUP_BYTES = 10_000;

  private final DataInputStream in;
  private final int maxMessageBytes;

  PgInput(InputStream in, int maxMessageBytes) {
    this.in = new DataInputStream(in);
    this.maxMessageBytes = maxMessageBytes;
  }

  /** A message: its type byte and its body (without type and length). */
  record Message(char type, Body body) {}

  /** Reads the untyped startup packet: a length, then the body (protocol code and parameters). */
  Body readStartup() throws IOException {
    int length = in.readInt();
    if (length < 8 || length > MAX_STARTUP_BYTES) {
      throw PgException.protocol(
          "Invalid startup packet length %d: must be 8 to %d bytes", length, MAX_STARTUP_BYTES);
    }
    return new Body(readFully(length - 4));
  }

  /**
   * Reads one typed message.
   *
   * @throws EOFException when the client closed the connection between messages
   */
  Message read() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("Connection closed by the client");
    }
    int length = in.readInt();
    if (length < 4) {
      throw PgException.protocol(
          "Invalid length %d of message '%s': must be at least 4", length, printable(type));
    }
    if (length - 4 > maxMessageBytes) {
      throw PgException.fatal(
          PgException.PROGRAM_LIMIT,
          String.format(
              "Message '%s' of %d bytes is larger than the limit of %d bytes",
              printable(type), length, maxMessageBytes));
    }
    return new Message((char) type, new Body(readFully(length - 4)));
  }

  private byte[] readFully(int n) throws IOException {
    byte[] bytes = new byte[n];
    in.readFully(bytes);
    return bytes;
  }

  static String printable(int type) {
    return type >= 0x20 && type < 0x7f
        ? String.valueOf((char) type)
        : String.format("0x%02x", type);
  }

  /** A message body read field by field; every read is bounds-checked. */
  static final class Body {
    private final byte[] bytes;
    private int pos;

    Body(byte[] bytes) {
      this.bytes = bytes;
    }

    int remaining() {
      return bytes.length - pos;
    }

    int int32() {
      need(4, "an Int32");
      int v =
          ((bytes[pos] & 0xff) << 24)
              | ((bytes[pos + 1] & 0xff) << 16)
              | ((bytes[pos + 2] & 0xff) << 8)
              | (bytes[pos + 3] & 0xff);
      pos += 4;
      return v;
    }

    int int16() {
      need(2, "an Int16");
      int v = (short) (((bytes[pos] & 0xff) << 8) | (bytes[pos + 1] & 0xff));
      pos += 2;
      return v;
    }

    int byte1() {
      need(1, "a byte");
      return bytes[pos++] & 0xff;
    }

    /** Reads a NUL-terminated UTF-8 string. */
    String cstring() {
      for (int i = pos; i < bytes.length; i++) {
        if (bytes[i] == 0) {
          String s = new String(bytes, pos, i - pos, StandardCharsets.UTF_8);
          pos = i + 1;
          return s;
        }
      }
      throw PgException.protocol(
          "Invalid message: a string at byte %d has no terminating NUL", pos);
    }

    /** Reads {@code n} bytes; n must fit in what is left. */
    byte[] bytes(int n) {
      if (n < 0) {
        throw PgException.protocol("Invalid message: negative length %d at byte %d", n, pos);
      }
      need(n, n + " bytes");
      byte[] out = new byte[n];
      System.arraycopy(bytes, pos, out, 0, n);
      pos += n;
      return out;
    }

    byte[] rest() {
      return bytes(remaining());
    }

    private void need(int n, String what) {
      if (remaining() < n) {
        throw PgException.protocol(
            "Invalid message: expected %s at byte %d, but only %d bytes are left",
            what, pos, remaining());
      }
    }
  }
}
