package dev.tracelake.lineage;

import java.util.Arrays;

/**
 * An open-addressing map from non-negative int keys to int values, for per-query bookkeeping over
 * node ids without boxing.
 */
final class IntIntMap {
  private static final int EMPTY = -1;

  private int[] keys;
  private int[] values;
  private int size;
  private int mask;

  IntIntMap() {
    this(16);
  }

  IntIntMap(int expected) {
    int capacity = Integer.highestOneBit(Math.max(8, expected * 2 - 1)) << 1;
    keys = new int[capacity];
    values = new int[capacity];
    Arrays.fill(keys, EMPTY);
    mask = capacity - 1;
  }

  int size() {
    return size;
  }

  /** Returns the value of {@code key}, or {@code missing} when absent. */
  int get(int key, int missing) {
    int slot = mix(key) & mask;
    while (true) {
      int k = keys[slot];
      if (k == key) {
        return values[slot];
      }
      if (k == EMPTY) {
        return missing;
      }
      slot = (slot + 1) & mask;
    }
  }

  boolean containsKey(int key) {
    int slot = mix(key) & mask;
    while (true) {
      int k = keys[slot];
      if (k == key) {
        return true;
      }
      if (k == EMPTY) {
        return false;
      }
      slot = (slot + 1) & mask;
    }
  }

  void put(int key, int value) {
    if (key < 0) {
      throw new IllegalArgumentException("Keys must be non-negative, got " + key);
    }
    if ((size + 1) * 2 > keys.length) {
      rehash();
    }
    int slot = mix(key) & mask;
    while (true) {
      int k = keys[slot];
      if (k == key) {
        values[slot] = value;
        return;
      }
      if (k == EMPTY) {
        keys[slot] = key;
        values[slot] = value;
        size++;
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  private void rehash() {
    int[] oldKeys = keys;
    int[] oldValues = values;
    keys = new int[oldKeys.length * 2];
    values = new int[oldKeys.length * 2];
    Arrays.fill(keys, EMPTY);
    mask = keys.length - 1;
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY) {
        put(oldKeys[i], oldValues[i]);
      }
    }
  }

  static int mix(int key) {
    int h = key * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
