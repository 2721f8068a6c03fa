package dev.tracelake.lineage;

import java.util.Arrays;

/** An open-addressing set of longs, for deduplicating packed pairs without boxing. */
final class LongHashSet {
  private static final long EMPTY = Long.MIN_VALUE;

  private long[] values = new long[64];
  private int size;

  LongHashSet() {
    Arrays.fill(values, EMPTY);
  }

  /**
   * Adds a value ({@link Long#MIN_VALUE} is reserved).
   *
   * @return whether it was new
   */
  boolean add(long value) {
    if ((size + 1) * 2 > values.length) {
      grow();
    }
    int mask = values.length - 1;
    int slot = mix(value) & mask;
    while (true) {
      long v = values[slot];
      if (v == value) {
        return false;
      }
      if (v == EMPTY) {
        values[slot] = value;
        size++;
        return true;
      }
      slot = (slot + 1) & mask;
    }
  }

  int size() {
    return size;
  }

  /** Returns the values in no particular order. */
  long[] toArray() {
    long[] out = new long[size];
    int i = 0;
    for (long v : values) {
      if (v != EMPTY) {
        out[i++] = v;
      }
    }
    return out;
  }

  private void grow() {
    long[] old = values;
    values = new long[old.length * 2];
    Arrays.fill(values, EMPTY);
    size = 0;
    for (long v : old) {
      if (v != EMPTY) {
        add(v);
      }
    }
  }

  private static int mix(long value) {
    long k = value * 0x9E3779B97F4A7C15L;
    return (int) (k ^ (k >>> 32));
  }
}
