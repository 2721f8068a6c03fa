package dev.tracelake.lineage;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.parquet.io.api.Binary;

/**
 * The record ids an explain looks for, checked against every id of the pages read. Hashing each
 * page value whole cost more than decoding it, so a value is first looked up by a fingerprint of
 * its length and last 16 bytes (a UUIDv7's counter and random digits) in an open-addressing table,
 * and only compared whole on a hit.
 */
final class WantedIds {
  private final Set<Binary> ids = new HashSet<>();
  private final long[] fingerprints;
  private final boolean[] used;
  private final int mask;

  WantedIds(List<String> recordIds) {
    for (String id : recordIds) {
      ids.add(Binary.fromString(id));
    }
    int capacity = Integer.highestOneBit(Math.max(4, ids.size() * 4) - 1) << 1;
    fingerprints = new long[capacity];
    used = new boolean[capacity];
    mask = capacity - 1;
    for (Binary id : ids) {
      long f = fingerprint(id.toByteBuffer());
      int slot = slot(f);
      while (used[slot] && fingerprints[slot] != f) {
        slot = (slot + 1) & mask;
      }
      used[slot] = true;
      fingerprints[slot] = f;
    }
  }

  /** The ids, as Parquet binaries. */
  Set<Binary> binaries() {
    return ids;
  }

  boolean contains(Binary value) {
    long f = fingerprint(value.toByteBuffer());
    for (int slot = slot(f); used[slot]; slot = (slot + 1) & mask) {
      if (fingerprints[slot] == f) {
        return ids.contains(value);
      }
    }
    return false;
  }

  private static long fingerprint(ByteBuffer bytes) {
    int length = bytes.remaining();
    int start = bytes.position();
    long tail = 0;
    if (length >= 16) {
      // a UUIDv7 id's counter digits end 12 bytes from its end, its random digits follow
      tail =
          bytes.getLong(start + length - 8)
              ^ Long.rotateLeft(bytes.getLong(start + length - 16), 29);
    } else if (length >= 8) {
      tail = bytes.getLong(start + length - 8);
    } else {
      for (int i = 0; i < length; i++) {
        tail = tail << 8 | (bytes.get(start + i) & 0xff);
      }
    }
    return tail * 31 + length;
  }

  private int slot(long fingerprint) {
    long h = fingerprint * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
