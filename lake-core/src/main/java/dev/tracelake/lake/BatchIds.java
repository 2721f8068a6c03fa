package dev.tracelake.lake;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;
import org.apache.avro.util.Utf8;

/**
 * The record ids of one written batch, in row order: fresh ids are kept as the ASCII bytes that
 * were written to the data file and become a {@link String} only when read; ids the writer gave are
 * kept as given. Fixed once the batch is written.
 */
final class BatchIds extends AbstractList<String> implements RecordIdList, RandomAccess {
  private final byte[] fresh;
  private final int size;
  // null until the writer gives an id
  private String[] given;

  private BatchIds(byte[] fresh, int size) {
    this.fresh = fresh;
    this.size = size;
  }

  /** Returns {@code count} fresh, increasing ids. */
  static BatchIds fresh(int count) {
    byte[] bytes = new byte[count * RecordIds.LENGTH];
    RecordIds.next(bytes, count);
    return new BatchIds(bytes, count);
  }

  /** Replaces the fresh id of row {@code row} with one the writer gave. */
  void given(int row, String id) {
    Objects.checkIndex(row, size);
    if (given == null) {
      given = new String[size];
    }
    given[row] = id;
  }

  /** Sets {@code into} to the UTF-8 bytes of the fresh id of row {@code row}. */
  void copyFresh(int row, Utf8 into) {
    into.setByteLength(RecordIds.LENGTH);
    System.arraycopy(fresh, row * RecordIds.LENGTH, into.getBytes(), 0, RecordIds.LENGTH);
  }

  @Override
  public String get(int row) {
    Objects.checkIndex(row, size);
    if (given != null && given[row] != null) {
      return given[row];
    }
    return new String(fresh, row * RecordIds.LENGTH, RecordIds.LENGTH, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void forEachUtf8(Utf8Sink sink) {
    for (int row = 0; row < size; row++) {
      if (given != null && given[row] != null) {
        byte[] bytes = given[row].getBytes(StandardCharsets.UTF_8);
        sink.accept(bytes, 0, bytes.length);
      } else {
        sink.accept(fresh, row * RecordIds.LENGTH, RecordIds.LENGTH);
      }
    }
  }

  @Override
  public int size() {
    return size;
  }
}
