package dev.tracelake.lake;

import dev.tracelake.wire.RecordIdGenerator;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.parquet.io.api.Binary;

/**
 * The record ids of one written batch, in row order. Ids of the canonical length ({@link
 * RecordIds#LENGTH} bytes: every fresh id, and the ids writers usually give) are kept side by side
 * in one array as the UTF-8 bytes written to the data file, and become a {@link String} only when
 * read; given ids of any other length are kept as strings. Fixed once the batch is written.
 */
final class BatchIds extends AbstractList<String> implements RecordIdList, RandomAccess {
  private static final int LENGTH = RecordIds.LENGTH;

  // LENGTH bytes per row: its fresh id (when made), replaced by a given id of that length
  private final byte[] bytes;
  private final int size;
  private final boolean fresh;
  // null until the writer gives an id of another length
  private String[] other;

  private BatchIds(byte[] bytes, int size, boolean fresh) {
    this.bytes = bytes;
    this.size = size;
    this.fresh = fresh;
  }

  /** Returns {@code count} fresh, increasing ids. */
  static BatchIds fresh(int count) {
    byte[] bytes = new byte[Math.multiplyExact(count, LENGTH)];
    RecordIdGenerator.next(bytes, count);
    return new BatchIds(bytes, count, true);
  }

  /**
   * Returns ids for {@code count} rows that all get an id from the writer: no fresh ids are made,
   * and every row must be {@linkplain #given given} one before it is read or written.
   */
  static BatchIds allGiven(int count) {
    return new BatchIds(new byte[Math.multiplyExact(count, LENGTH)], count, false);
  }

  /** Whether rows without a given id have a fresh one. */
  boolean hasFresh() {
    return fresh;
  }

  /** Replaces the id of row {@code row} with one the writer gave. */
  void given(int row, String id) {
    Objects.checkIndex(row, size);
    byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
    if (utf8.length == LENGTH) {
      System.arraycopy(utf8, 0, bytes, row * LENGTH, LENGTH);
      if (other != null) {
        other[row] = null;
      }
    } else {
      otherIds()[row] = id;
    }
  }

  /**
   * Replaces the id of row {@code row} with the writer's, {@code length} bytes of UTF-8 at {@code
   * start} of {@code data}, without decoding them when they are of the canonical length.
   *
   * @return false, keeping nothing, when the given id is blank ({@link String#isBlank()})
   */
  boolean given(int row, ArrowBuf data, long start, int length) {
    Objects.checkIndex(row, size);
    if (length == LENGTH) {
      int at = row * LENGTH;
      data.getBytes(start, bytes, at, LENGTH);
      if (RecordIds.isBlank(bytes, at, LENGTH)) {
        return false;
      }
      if (other != null) {
        other[row] = null;
      }
      return true;
    }
    byte[] utf8 = new byte[length];
    data.getBytes(start, utf8, 0, length);
    if (RecordIds.isBlank(utf8, 0, length)) {
      return false;
    }
    otherIds()[row] = new String(utf8, StandardCharsets.UTF_8);
    return true;
  }

  private String[] otherIds() {
    if (other == null) {
      other = new String[size];
    }
    return other;
  }

  /**
   * Returns the id of row {@code row} for the data file. The bytes behind it never change, so
   * Parquet's dictionary and statistics may keep it without a copy.
   */
  Binary binary(int row) {
    if (other != null && other[row] != null) {
      return Binary.fromString(other[row]);
    }
    return Binary.fromConstantByteArray(bytes, row * LENGTH, LENGTH);
  }

  @Override
  public String get(int row) {
    Objects.checkIndex(row, size);
    if (other != null && other[row] != null) {
      return other[row];
    }
    return new String(bytes, row * LENGTH, LENGTH, StandardCharsets.UTF_8);
  }

  @Override
  public void forEachUtf8(Utf8Sink sink) {
    for (int row = 0; row < size; row++) {
      if (other != null && other[row] != null) {
        byte[] utf8 = other[row].getBytes(StandardCharsets.UTF_8);
        sink.accept(utf8, 0, utf8.length);
      } else {
        sink.accept(bytes, row * LENGTH, LENGTH);
      }
    }
  }

  @Override
  public int size() {
    return size;
  }
}
