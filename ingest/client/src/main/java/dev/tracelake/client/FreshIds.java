package dev.tracelake.client;

import dev.tracelake.wire.RecordIdGenerator;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;
import org.apache.arrow.vector.VarCharVector;

/**
 * Fresh record ids for the rows of one request, made by the generator the server uses, kept as the
 * ASCII bytes written into the request's id column; a row's id becomes a {@link String} only when
 * the acknowledgement or the caller reads it.
 */
final class FreshIds extends AbstractList<String> implements RandomAccess {
  private static final int LENGTH = RecordIdGenerator.LENGTH;

  private final byte[] bytes;
  private final int size;

  private FreshIds(byte[] bytes, int size) {
    this.bytes = bytes;
    this.size = size;
  }

  /** Returns {@code count} fresh, increasing ids. */
  static FreshIds make(int count) {
    byte[] bytes = new byte[Math.multiplyExact(count, LENGTH)];
    RecordIdGenerator.next(bytes, count);
    return new FreshIds(bytes, count);
  }

  /** Writes the id of row {@code row} into {@code vector} at the same row, as bytes. */
  void copyTo(VarCharVector vector, int row) {
    vector.setSafe(row, bytes, row * LENGTH, LENGTH);
  }

  @Override
  public String get(int row) {
    Objects.checkIndex(row, size);
    return new String(bytes, row * LENGTH, LENGTH, StandardCharsets.US_ASCII);
  }

  @Override
  public int size() {
    return size;
  }
}
