package dev.tracelake.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;

/**
 * Arrow IPC stream encoding and decoding for the payloads the protos carry as bytes: rows of an
 * append ({@code ArrowRows.ipc_stream}), table schemas ({@code TableInfo.arrow_schema}) and query
 * results. Shared by the server and every Java client, so both frame Arrow the same way.
 */
public final class ArrowIpc {
  private ArrowIpc() {}

  /**
   * Decodes an Arrow IPC stream into batches the caller owns (and must close).
   *
   * @throws IllegalArgumentException when the bytes are not a valid Arrow IPC stream
   */
  public static List<VectorSchemaRoot> decode(byte[] stream, BufferAllocator allocator) {
    List<VectorSchemaRoot> out = new ArrayList<>();
    try {
      checkFraming(stream);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "malformed Arrow IPC stream: "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
          e);
    }
    try (ArrowStreamReader reader =
        new ArrowStreamReader(new ByteArrayReadableSeekableByteChannel(stream), allocator)) {
      VectorSchemaRoot source = reader.getVectorSchemaRoot();
      while (reader.loadNextBatch()) {
        VectorSchemaRoot copy = VectorSchemaRoot.create(source.getSchema(), allocator);
        out.add(copy);
        try (ArrowRecordBatch batch = new VectorUnloader(source).getRecordBatch()) {
          new VectorLoader(copy).load(batch);
        }
      }
      if (out.isEmpty()) {
        out.add(VectorSchemaRoot.create(source.getSchema(), allocator));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      out.forEach(VectorSchemaRoot::close);
      throw new IllegalArgumentException(
          "malformed Arrow IPC stream: "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
          e);
    }
  }

  /**
   * Walks the stream's message framing (length-prefixed metadata, then a body of the length the
   * metadata declares) and checks every declared length against the bytes that are there. Arrow's
   * reader allocates a heap buffer of the declared metadata length before reading it, so without
   * this 20 bytes of garbage could make the server allocate gigabytes.
   *
   * @throws IllegalArgumentException naming the message's offset and the lengths at fault
   */
  public static void checkFraming(byte[] stream) {
    ByteBuffer bytes = ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN);
    int at = 0;
    while (at + 4 <= stream.length) {
      int message = at;
      int length = bytes.getInt(at);
      at += 4;
      if (length == -1) {
        // continuation marker, then the length
        if (at + 4 > stream.length) {
          throw new IllegalArgumentException(
              "message at byte " + message + " ends inside its length prefix");
        }
        length = bytes.getInt(at);
        at += 4;
      }
      if (length == 0) {
        return; // end of stream
      }
      if (length < 0 || length > stream.length - at) {
        throw new IllegalArgumentException(
            String.format(
                "message at byte %d declares %d bytes of metadata, but %d bytes remain",
                message, length, stream.length - at));
      }
      ByteBuffer metadata = bytes.duplicate().position(at).limit(at + length).slice();
      long body = Message.getRootAsMessage(metadata.order(ByteOrder.LITTLE_ENDIAN)).bodyLength();
      at += length;
      if (body < 0 || body > stream.length - at) {
        throw new IllegalArgumentException(
            String.format(
                "message at byte %d declares a body of %d bytes, but %d bytes remain",
                message, body, stream.length - at));
      }
      at += (int) body;
    }
  }

  /**
   * Encodes one batch as an Arrow IPC stream (schema, the batch, end of stream). The bytes are
   * written once, into an array sized for the batch; the result hands out that array without a
   * copy.
   */
  public static Encoded encode(VectorSchemaRoot batch) {
    Output out = write(batch);
    return new Encoded(out.buffer(), out.size());
  }

  /**
   * An encoded stream: the first {@code length} bytes of {@code buffer}, which may be longer.
   *
   * @param buffer the array written into; not copied, not to be modified
   * @param length the number of bytes of the stream
   */
  public record Encoded(byte[] buffer, int length) {
    /** Returns the stream as an array of exactly its length (a copy when the buffer is longer). */
    public byte[] toByteArray() {
      return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
    }
  }

  private static Output write(VectorSchemaRoot batch) {
    // the buffers, each padded to 8 bytes, plus the schema and batch messages
    long size = 4096;
    for (FieldVector vector : batch.getFieldVectors()) {
      size += vector.getBufferSize() + 8L * (vector.getFieldBuffers().size() + 1) + 256;
    }
    Output out = new Output((int) Math.min(size, Integer.MAX_VALUE - 8));
    try (ArrowStreamWriter writer = new ArrowStreamWriter(batch, null, Channels.newChannel(out))) {
      writer.start();
      writer.writeBatch();
      writer.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** A byte array output stream whose array can be read without a copy. */
  private static final class Output extends ByteArrayOutputStream {
    Output(int capacity) {
      super(capacity);
    }

    byte[] buffer() {
      return buf;
    }
  }

  /** Serializes a schema as an Arrow IPC schema message. */
  public static byte[] schemaBytes(Schema schema) {
    return schema.serializeAsMessage();
  }

  /** Reads a schema written by {@link #schemaBytes}. */
  public static Schema schema(byte[] bytes) {
    try {
      return Schema.deserializeMessage(ByteBuffer.wrap(bytes));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed Arrow schema message: " + e.getMessage(), e);
    }
  }
}
