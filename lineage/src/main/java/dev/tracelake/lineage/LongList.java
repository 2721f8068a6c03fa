package dev.tracelake.lineage;

import java.util.Arrays;

/** A growable list of primitive longs. */
final class LongList {
  private long[] values;
  private int size;

  LongList() {
    this(16);
  }

  LongList(int capacity) {
    values = new long[Math.max(4, capacity)];
  }

  int size() {
    return size;
  }

  long get(int i) {
    if (i >= size) {
      throw new IndexOutOfBoundsException("Index " + i + " out of bounds for size " + size);
    }
    return values[i];
  }

  void set(int i, long value) {
    if (i >= size) {
      throw new IndexOutOfBoundsException("Index " + i + " out of bounds for size " + size);
    }
    values[i] = value;
  }

  void add(long value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, Math.max(size + 1, values.length + (values.length >> 1) + 16));
    }
    values[size++] = value;
  }

  long bytes() {
    return 16L + 8L * values.length;
  }
}
