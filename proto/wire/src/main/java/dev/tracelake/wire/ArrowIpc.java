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
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.apache.arrow.vector.util.ValueVectorUtility;

/**
 * Arrow IPC stream encoding and decoding for the payloads the protos carry as bytes: rows of an
 * append ({@code ArrowRows.ipc_stream}), table schemas ({@code TableInfo.arrow_schema}) and query
 * results. Shared by the server and every Java client, so both frame Arrow the same way.
 */
public final class ArrowIpc {
  private ArrowIpc() {}

  /** The deepest nesting of fields a schema may declare (lists, maps, structs). */
  public static final int MAX_DEPTH = 32;

  /** The most fields (with nested ones) a schema may declare. */
  public static final int MAX_FIELDS = 10_000;

  /**
   * A stream or schema that is well-formed Arrow but beyond one of the decoding limits ({@link
   * #MAX_DEPTH}, {@link #MAX_FIELDS}): refused before anything is allocated or recursed into.
   */
  public static final class LimitExceeded extends RuntimeException {
    LimitExceeded(String message) {
      super(message);
    }
  }

  /**
   * Decodes an Arrow IPC stream into batches the caller owns (and must close). Dictionary-encoded
   * columns (Arrow JS's and pyarrow's default for repeated strings) come back decoded, as plain
   * vectors of the dictionary's type. Every vector is validated (buffer sizes, offsets), so a
   * reader of the batches never reads outside them.
   *
   * @throws IllegalArgumentException when the bytes are not a valid Arrow IPC stream, or bytes
   *     follow its end-of-stream marker
   * @throws LimitExceeded when the schema is deeper or wider than the limits
   */
  public static List<VectorSchemaRoot> decode(byte[] stream, BufferAllocator allocator) {
    List<VectorSchemaRoot> out = new ArrayList<>();
    try {
      checkFraming(stream);
    } catch (LimitExceeded e) {
      throw e;
    } catch (RuntimeException e) {
      throw malformed("malformed Arrow IPC stream: ", e);
    }
    try (ArrowStreamReader reader =
        new ArrowStreamReader(new ByteArrayReadableSeekableByteChannel(stream), allocator)) {
      VectorSchemaRoot source = reader.getVectorSchemaRoot();
      Schema plain = withoutDictionaries(source.getSchema(), reader);
      while (reader.loadNextBatch()) {
        VectorSchemaRoot copy = VectorSchemaRoot.create(plain, allocator);
        out.add(copy);
        copyDecoded(source, copy, reader, allocator);
        ValueVectorUtility.validateFull(copy);
      }
      if (out.isEmpty()) {
        out.add(VectorSchemaRoot.create(plain, allocator));
      }
      return out;
    } catch (IOException | RuntimeException | StackOverflowError e) {
      out.forEach(VectorSchemaRoot::close);
      throw malformed("malformed Arrow IPC stream: ", e);
    }
  }

  private static IllegalArgumentException malformed(String prefix, Throwable e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (why.length() > 300) {
      why = why.substring(0, 300) + "...";
    }
    return new IllegalArgumentException(prefix + why, e);
  }

  /** The schema with each dictionary-encoded top-level field replaced by its value type. */
  private static Schema withoutDictionaries(Schema schema, DictionaryProvider dictionaries) {
    List<Field> fields = new ArrayList<>();
    for (Field field : schema.getFields()) {
      checkNoNestedDictionary(field.getName(), field.getChildren());
      if (field.getDictionary() == null) {
        fields.add(field);
      } else {
        // in memory a dictionary-encoded field holds the indices; its values are of the type of
        // the dictionary's vector
        Dictionary dictionary = dictionaries.lookup(field.getDictionary().getId());
        if (dictionary == null) {
          throw new IllegalArgumentException(
              "column " + field.getName() + " names a dictionary the schema does not declare");
        }
        Field values = dictionary.getVector().getField();
        checkNoNestedDictionary(field.getName(), values.getChildren());
        fields.add(
            new Field(
                field.getName(),
                new FieldType(field.isNullable(), values.getType(), null, field.getMetadata()),
                values.getChildren()));
      }
    }
    return new Schema(fields, schema.getCustomMetadata());
  }

  private static void checkNoNestedDictionary(String path, List<Field> children) {
    for (Field child : children) {
      String at = path + "." + child.getName();
      if (child.getDictionary() != null) {
        throw new IllegalArgumentException(
            "field "
                + at
                + " is dictionary-encoded inside a nested column; only top-level columns may be"
                + " dictionary-encoded, send nested values plain");
      }
      checkNoNestedDictionary(at, child.getChildren());
    }
  }

  /** Moves (or decodes) the loaded batch of {@code source} into {@code copy}. */
  private static void copyDecoded(
      VectorSchemaRoot source,
      VectorSchemaRoot copy,
      DictionaryProvider dictionaries,
      BufferAllocator allocator) {
    int rows = source.getRowCount();
    for (int i = 0; i < source.getFieldVectors().size(); i++) {
      FieldVector from = source.getVector(i);
      FieldVector to = copy.getVector(i);
      DictionaryEncoding encoding = from.getField().getDictionary();
      if (encoding == null) {
        from.makeTransferPair(to).transfer();
      } else {
        Dictionary dictionary = dictionaries.lookup(encoding.getId());
        if (dictionary == null) {
          throw new IllegalArgumentException(
              "column " + from.getName() + " uses dictionary " + encoding.getId() + ", never sent");
        }
        checkIndices(from, dictionary.getVector().getValueCount());
        try (ValueVector decoded = DictionaryEncoder.decode(from, dictionary, allocator)) {
          decoded.makeTransferPair(to).transfer();
        }
      }
    }
    copy.setRowCount(rows);
  }

  /** Checks every index of a dictionary-encoded column against the dictionary's size. */
  private static void checkIndices(FieldVector indices, int size) {
    if (!(indices instanceof BaseIntVector ints)) {
      throw new IllegalArgumentException(
          "column " + indices.getName() + " has dictionary indices that are not integers");
    }
    for (int row = 0; row < indices.getValueCount(); row++) {
      if (!indices.isNull(row)) {
        long index = ints.getValueAsLong(row);
        if (index < 0 || index >= size) {
          throw new IllegalArgumentException(
              String.format(
                  "column %s: dictionary index %d at row %d is outside the dictionary of %d"
                      + " values",
                  indices.getName(), index, row, size));
        }
      }
    }
  }

  /**
   * Walks the stream's message framing (length-prefixed metadata, then a body of the length the
   * metadata declares) and checks every declared length against the bytes that are there, and the
   * schema's fields against {@link #MAX_DEPTH} and {@link #MAX_FIELDS}. Arrow's reader allocates a
   * heap buffer of the declared metadata length before reading it, and recurses into nested fields
   * without a bound, so without this 20 bytes of garbage could make the server allocate gigabytes
   * and a self-referencing flatbuffer could overflow the stack.
   *
   * @throws IllegalArgumentException naming the message's offset and the lengths at fault, or when
   *     bytes follow the end-of-stream marker
   * @throws LimitExceeded when the schema is deeper or wider than the limits
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
        if (at != stream.length) {
          throw new IllegalArgumentException(
              String.format(
                  "%d bytes follow the end-of-stream marker at byte %d",
                  stream.length - at, message));
        }
        return; // end of stream
      }
      if (length < 0 || length > stream.length - at) {
        throw new IllegalArgumentException(
            String.format(
                "message at byte %d declares %d bytes of metadata, but %d bytes remain",
                message, length, stream.length - at));
      }
      ByteBuffer metadata = bytes.duplicate().position(at).limit(at + length).slice();
      Message header = Message.getRootAsMessage(metadata.order(ByteOrder.LITTLE_ENDIAN));
      if (header.headerType() == MessageHeader.Schema) {
        checkSchema(
            (org.apache.arrow.flatbuf.Schema) header.header(new org.apache.arrow.flatbuf.Schema()));
      }
      long body = header.bodyLength();
      at += length;
      if (body < 0 || body > stream.length - at) {
        throw new IllegalArgumentException(
            String.format(
                "message at byte %d declares a body of %d bytes, but %d bytes remain",
                message, body, stream.length - at));
      }
      at += (int) body;
    }
    if (at != stream.length) {
      throw new IllegalArgumentException(
          String.format(
              "the stream ends with %d bytes that are not a whole message", stream.length - at));
    }
  }

  /** Walks a schema's fields without recursion, within the depth and count limits. */
  private static void checkSchema(org.apache.arrow.flatbuf.Schema schema) {
    if (schema == null) {
      throw new IllegalArgumentException("schema message without a schema");
    }
    record Pending(org.apache.arrow.flatbuf.Field field, int depth) {}
    java.util.ArrayDeque<Pending> todo = new java.util.ArrayDeque<>();
    int count = schema.fieldsLength();
    if (count > MAX_FIELDS) {
      throw tooWide();
    }
    for (int i = 0; i < schema.fieldsLength(); i++) {
      todo.push(new Pending(schema.fields(i), 1));
    }
    while (!todo.isEmpty()) {
      Pending p = todo.pop();
      if (p.depth() > MAX_DEPTH) {
        throw new LimitExceeded("the schema nests fields more than " + MAX_DEPTH + " levels deep");
      }
      int children = p.field().childrenLength();
      count += children;
      if (children < 0 || count > MAX_FIELDS) {
        throw tooWide();
      }
      for (int i = 0; i < children; i++) {
        todo.push(new Pending(p.field().children(i), p.depth() + 1));
      }
    }
  }

  private static LimitExceeded tooWide() {
    return new LimitExceeded("the schema declares more than " + MAX_FIELDS + " fields");
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

  /**
   * Reads a schema written by {@link #schemaBytes}, after checking its framing and its fields
   * against the limits.
   *
   * @throws IllegalArgumentException when the bytes are not one Arrow schema message
   * @throws LimitExceeded when the schema is deeper or wider than the limits
   */
  public static Schema schema(byte[] bytes) {
    try {
      checkFraming(bytes);
      Schema schema = Schema.deserializeMessage(ByteBuffer.wrap(bytes));
      if (schema == null) {
        throw new IllegalArgumentException("no schema message");
      }
      return schema;
    } catch (LimitExceeded e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      throw malformed("malformed Arrow schema message: ", e);
    }
  }
}
