package dev.tracelake.lineage;

import java.util.Arrays;

/** A growable list of primitive ints: the index keeps millions of them, so no boxing. */
final class IntList {
  private int[] values;
  private int size;

  IntList() {
    this(16);
  }

  IntList(int capacity) {
    values = new int[Math.max(4, capacity)];
  }

  int size() {
    return size;
  }

  int get(int i) {
    if (i >= size) {
      throw new IndexOutOfBoundsException("Index " + i + " out of bounds for size " + size);
    }
    return values[i];
  }

  /** Returns the backing array, valid until the next add; entries from size() on are junk. */
  int[] array() {
    return values;
  }

  void set(int i, int value) {
    if (i >= size) {
      throw new IndexOutOfBoundsException("Index " + i + " out of bounds for size " + size);
    }
    values[i] = value;
  }

  void add(int value) {
    if (size == values.length) {
      grow(size + 1);
    }
    values[size++] = value;
  }

  /** Makes room for {@code more} adds without growing in between. */
  void reserve(int more) {
    if (size + more > values.length) {
      grow(size + more);
    }
  }

  void clear() {
    size = 0;
  }

  long bytes() {
    return 16L + 4L * values.length;
  }

  private void grow(int min) {
    // grow by half rather than doubling: the edge lists are the bulk of the heap
    int capacity = Math.max(min, values.length + (values.length >> 1) + 16);
    values = Arrays.copyOf(values, capacity);
  }
}
