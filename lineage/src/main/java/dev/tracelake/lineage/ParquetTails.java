package dev.tracelake.lineage;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.internal.hadoop.metadata.IndexReference;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * The ends of Parquet data files, kept in memory: each file's parsed footer and the bytes from its
 * first page index (column and offset indexes, written after the row groups) to its end. Data files
 * never change once committed, so an entry stays valid for as long as it is kept; the least
 * recently used entries go once the cache holds more than its byte budget. Thread-safe.
 */
final class ParquetTails {
  // one read of a file's last 64 KiB holds the footer and page indexes of most data files
  private static final int FIRST_READ = 64 << 10;
  // page indexes larger than this are read from the file each time instead
  private static final int MAX_TAIL = 16 << 20;
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  /**
   * A file's footer, its bytes from {@code start} to the end, and its page indexes as parsed so far
   * (parsing a column's offset index on every read cost more than reading its pages).
   */
  static final class Tail {
    private final ParquetMetadata footer;
    private final long start;
    private final byte[] bytes;
    // keyed by the footer's own column chunks: identity
    private final Map<ColumnChunkMetaData, Optional<OffsetIndex>> offsetIndexes =
        new ConcurrentHashMap<>();
    private final Map<ColumnChunkMetaData, Optional<ColumnIndex>> columnIndexes =
        new ConcurrentHashMap<>();

    Tail(ParquetMetadata footer, long start, byte[] bytes) {
      this.footer = footer;
      this.start = start;
      this.bytes = bytes;
    }

    ParquetMetadata footer() {
      return footer;
    }

    long start() {
      return start;
    }

    byte[] bytes() {
      return bytes;
    }

    long weight() {
      // parsed footers and page indexes are a few times their encoded size
      return 3L * bytes.length + 512;
    }

    /** Returns a column's offset index, parsing it with {@code reader} the first time. */
    OffsetIndex offsetIndex(ColumnChunkMetaData column, IndexReader<OffsetIndex> reader)
        throws IOException {
      return cached(offsetIndexes, column, reader);
    }

    /** Returns a column's column index, parsing it with {@code reader} the first time. */
    ColumnIndex columnIndex(ColumnChunkMetaData column, IndexReader<ColumnIndex> reader)
        throws IOException {
      return cached(columnIndexes, column, reader);
    }

    private static <T> T cached(
        Map<ColumnChunkMetaData, Optional<T>> cache,
        ColumnChunkMetaData column,
        IndexReader<T> reader)
        throws IOException {
      Optional<T> index = cache.get(column);
      if (index == null) {
        index = Optional.ofNullable(reader.read(column));
        cache.put(column, index);
      }
      return index.orElse(null);
    }
  }

  /** Parses one page index of a column chunk; null when the file has none. */
  interface IndexReader<T> {
    T read(ColumnChunkMetaData column) throws IOException;
  }

  private final long maxBytes;
  // guarded by this
  private final LinkedHashMap<String, Tail> byLocation = new LinkedHashMap<>(64, 0.75f, true);
  // guarded by this
  private long bytes;

  ParquetTails(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Returns the tail of the file at {@code location}, reading it on first use. */
  Tail get(String location, org.apache.iceberg.io.InputFile file, long length) throws IOException {
    synchronized (this) {
      Tail cached = byLocation.get(location);
      if (cached != null) {
        return cached;
      }
    }
    // read outside the lock: two threads may read the same tail once each, which is harmless
    Tail tail = read(location, file, length);
    synchronized (this) {
      Tail raced = byLocation.putIfAbsent(location, tail);
      if (raced != null) {
        return raced;
      }
      bytes += tail.weight();
      Iterator<Map.Entry<String, Tail>> oldest = byLocation.entrySet().iterator();
      while (bytes > maxBytes && byLocation.size() > 1 && oldest.hasNext()) {
        Map.Entry<String, Tail> e = oldest.next();
        if (e.getKey().equals(location)) {
          continue;
        }
        bytes -= e.getValue().weight();
        oldest.remove();
      }
      return tail;
    }
  }

  /** How many files' tails are held. */
  synchronized int size() {
    return byLocation.size();
  }

  private static Tail read(String location, org.apache.iceberg.io.InputFile file, long length)
      throws IOException {
    if (length < 12) {
      throw new IOException(
          "Data file " + location + " is not a Parquet file: it has only " + length + " bytes");
    }
    long start = Math.max(0, length - FIRST_READ);
    byte[] end = readRange(file, start, (int) (length - start));
    int n = end.length;
    if (!Arrays.equals(end, n - 4, n, MAGIC, 0, 4)) {
      throw new IOException(
          "Data file " + location + " is not a Parquet file: it does not end in PAR1");
    }
    long footerLength =
        Integer.toUnsignedLong(
            ByteBuffer.wrap(end, n - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
    long footerStart = length - 8 - footerLength;
    if (footerStart < 4) {
      throw new IOException(
          "Data file " + location + " is corrupt: footer length " + footerLength + " of " + length);
    }
    if (footerStart < start) {
      start = footerStart;
      end = readRange(file, start, (int) (length - start));
    }
    ParquetMetadata footer =
        new ParquetMetadataConverter()
            .readParquetMetadata(
                new ByteArrayInputStream(end, (int) (footerStart - start), (int) footerLength),
                ParquetMetadataConverter.NO_FILTER);
    long indexStart = footerStart;
    for (BlockMetaData block : footer.getBlocks()) {
      for (ColumnChunkMetaData column : block.getColumns()) {
        indexStart = Math.min(indexStart, offset(column.getColumnIndexReference()));
        indexStart = Math.min(indexStart, offset(column.getOffsetIndexReference()));
      }
    }
    if (indexStart < start && length - indexStart <= MAX_TAIL) {
      end = readRange(file, indexStart, (int) (length - indexStart));
      start = indexStart;
    }
    return new Tail(footer, start, end);
  }

  private static long offset(IndexReference reference) {
    return reference == null ? Long.MAX_VALUE : reference.getOffset();
  }

  private static byte[] readRange(org.apache.iceberg.io.InputFile file, long from, int count)
      throws IOException {
    byte[] out = new byte[count];
    try (org.apache.iceberg.io.SeekableInputStream in = file.newStream()) {
      in.seek(from);
      int done = 0;
      while (done < count) {
        int read = in.read(out, done, count - done);
        if (read < 0) {
          throw new EOFException(
              "Data file " + file.location() + " ended at " + (from + done) + " of " + count);
        }
        done += read;
      }
    }
    return out;
  }

  /**
   * A Parquet view of an Iceberg input file whose streams answer reads of the cached tail from
   * memory and open the file itself only when a page below the tail is read.
   */
  static InputFile inputFile(org.apache.iceberg.io.InputFile file, long length, Tail tail) {
    return new InputFile() {
      @Override
      public long getLength() {
        return length;
      }

      @Override
      public SeekableInputStream newStream() {
        return new TailStream(file, tail);
      }

      @Override
      public String toString() {
        return file.location();
      }
    };
  }

  /** Reads below the tail from the file (opened on first such read), the rest from memory. */
  private static final class TailStream extends SeekableInputStream {
    private final org.apache.iceberg.io.InputFile file;
    private final Tail tail;
    private org.apache.iceberg.io.SeekableInputStream in;
    private long pos;

    TailStream(org.apache.iceberg.io.InputFile file, Tail tail) {
      this.file = file;
      this.tail = tail;
    }

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void seek(long newPos) {
      pos = newPos;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= tail.start()) {
        int at = (int) (pos - tail.start());
        if (at >= tail.bytes().length) {
          return -1;
        }
        int n = Math.min(len, tail.bytes().length - at);
        System.arraycopy(tail.bytes(), at, b, off, n);
        pos += n;
        return n;
      }
      if (in == null) {
        in = file.newStream();
      }
      in.seek(pos);
      int n = in.read(b, off, (int) Math.min(len, tail.start() - pos));
      if (n > 0) {
        pos += n;
      }
      return n;
    }

    @Override
    public void readFully(byte[] bytes) throws IOException {
      readFully(bytes, 0, bytes.length);
    }

    @Override
    public void readFully(byte[] bytes, int start, int len) throws IOException {
      int done = 0;
      while (done < len) {
        int n = read(bytes, start + done, len - done);
        if (n < 0) {
          throw new EOFException(
              "Data file " + file.location() + " ended at " + pos + " reading " + len + " bytes");
        }
        done += n;
      }
    }

    @Override
    public int read(ByteBuffer buf) throws IOException {
      if (!buf.hasRemaining()) {
        return 0;
      }
      if (buf.hasArray()) {
        int n = read(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
        if (n > 0) {
          buf.position(buf.position() + n);
        }
        return n;
      }
      byte[] chunk = new byte[Math.min(buf.remaining(), 1 << 16)];
      int n = read(chunk, 0, chunk.length);
      if (n > 0) {
        buf.put(chunk, 0, n);
      }
      return n;
    }

    @Override
    public void readFully(ByteBuffer buf) throws IOException {
      while (buf.hasRemaining()) {
        if (read(buf) < 0) {
          throw new EOFException(
              "Data file " + file.location() + " ended at " + pos + " reading into a buffer");
        }
      }
    }

    @Override
    public void close() throws IOException {
      if (in != null) {
        in.close();
        in = null;
      }
    }
  }
}
