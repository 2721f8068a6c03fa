package dev.tracelake.lineage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Interns record keys (table id, record id) to dense node ids 0, 1, 2, ...
 *
 * <p>Record ids are UUIDs in canonical text form almost always (Tracelake assigns UUIDv7s), so they
 * are kept as two longs, side by side in one array: 16 bytes per node instead of a ~80-byte String,
 * and one cache line to compare. Any other id (a writer's own) is kept as a String on the side.
 *
 * <p>Lookups use open addressing over a long array whose slots hold the node and a tag (the table
 * id and 16 bits of the hash), so a probe touches the node's id only when the tag matches:
 * interning millions of random keys is bound by cache misses, and this keeps them to about two per
 * lookup.
 *
 * <p>Not thread-safe: the owning {@link LineageGraph} is guarded by its index's lock.
 */
final class RecordKeyTable {
  static final int MAX_TABLES = 1 << 16;

  // hi at 2n, lo at 2n + 1
  private long[] ids = new long[2048];
  private int[] tableOf = new int[1024];
  // nodes whose id is not a canonical UUID; their text lives in otherIds
  private final BitSet other = new BitSet();
  private final Map<Integer, String> otherIds = new HashMap<>();
  private int size;

  // 0 = empty, else tag << 32 | (node + 1)
  private long[] slots = new long[2048];
  private int mask = slots.length - 1;

  int size() {
    return size;
  }

  int tableOf(int node) {
    return tableOf[node];
  }

  String recordId(int node) {
    if (other.get(node)) {
      return otherIds.get(node);
    }
    return Uuids.format(ids[2 * node], ids[2 * node + 1]);
  }

  /** Reads a node's table and id; see {@link LineageGraph#touchInputs}. */
  int touch(int node) {
    return tableOf[node] + (int) ids[2 * node];
  }

  /** Returns the node of a key, or -1 when it was never seen. */
  int find(int tableId, String recordId) {
    byte[] bytes = recordId.getBytes(StandardCharsets.UTF_8);
    long[] parsed = new long[2];
    if (Uuids.parse(bytes, 0, bytes.length, parsed)) {
      return lookupUuid(tableId, parsed[0], parsed[1], false);
    }
    return lookupOther(tableId, recordId, false);
  }

  /** Returns the node of a UUID key, creating it when new. */
  int internUuid(int tableId, long h, long l) {
    return lookupUuid(tableId, h, l, true);
  }

  /** Returns the node of a key whose id is not a canonical UUID, creating it when new. */
  int internOther(int tableId, String recordId) {
    return lookupOther(tableId, recordId, true);
  }

  /** Returns the node of the id in {@code bytes[off, off + len)}, creating it when new. */
  int intern(int tableId, byte[] bytes, int off, int len, long[] scratch) {
    if (Uuids.parse(bytes, off, len, scratch)) {
      return internUuid(tableId, scratch[0], scratch[1]);
    }
    return internOther(tableId, new String(bytes, off, len, StandardCharsets.UTF_8));
  }

  long bytes() {
    return 8L * ids.length + 4L * tableOf.length + 8L * slots.length + 96L * otherIds.size();
  }

  private int lookupUuid(int tableId, long h, long l, boolean create) {
    long hash = hashUuid(tableId, h, l);
    long tag = tag(tableId, hash);
    int slot = (int) hash & mask;
    while (true) {
      long s = slots[slot];
      if (s == 0) {
        if (!create) {
          return -1;
        }
        int node = add(tableId, h, l, null);
        slots[slot] = (tag << 32) | (node + 1L);
        maybeRehash();
        return node;
      }
      if ((s >>> 32) == tag) {
        int n = (int) s - 1;
        if (ids[2 * n] == h && ids[2 * n + 1] == l && !other.get(n)) {
          return n;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  private int lookupOther(int tableId, String recordId, boolean create) {
    long hash = hashOther(tableId, recordId);
    long tag = tag(tableId, hash);
    int slot = (int) hash & mask;
    while (true) {
      long s = slots[slot];
      if (s == 0) {
        if (!create) {
          return -1;
        }
        int node = add(tableId, 0, 0, recordId);
        slots[slot] = (tag << 32) | (node + 1L);
        maybeRehash();
        return node;
      }
      if ((s >>> 32) == tag) {
        int n = (int) s - 1;
        if (other.get(n) && recordId.equals(otherIds.get(n))) {
          return n;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  private int add(int tableId, long h, long l, String otherId) {
    if (tableId < 0 || tableId >= MAX_TABLES) {
      throw new IllegalStateException(
          "The lineage index holds at most " + MAX_TABLES + " tables, got table id " + tableId);
    }
    if (size == tableOf.length) {
      int capacity = size + (size >> 1) + 1024;
      ids = Arrays.copyOf(ids, 2 * capacity);
      tableOf = Arrays.copyOf(tableOf, capacity);
    }
    int node = size++;
    ids[2 * node] = h;
    ids[2 * node + 1] = l;
    tableOf[node] = tableId;
    if (otherId != null) {
      other.set(node);
      otherIds.put(node, otherId);
    }
    return node;
  }

  private void maybeRehash() {
    // keep the load at most 1/2 so probes stay short
    if (size * 2L <= slots.length) {
      return;
    }
    long[] fresh = new long[slots.length * 2];
    int freshMask = fresh.length - 1;
    for (int n = 0; n < size; n++) {
      long hash =
          other.get(n)
              ? hashOther(tableOf[n], otherIds.get(n))
              : hashUuid(tableOf[n], ids[2 * n], ids[2 * n + 1]);
      int slot = (int) hash & freshMask;
      while (fresh[slot] != 0) {
        slot = (slot + 1) & freshMask;
      }
      fresh[slot] = (tag(tableOf[n], hash) << 32) | (n + 1L);
    }
    slots = fresh;
    mask = freshMask;
  }

  /** The table id and the top 16 bits of the hash (the slot index uses the low bits). */
  private static long tag(int tableId, long hash) {
    return ((long) tableId << 16) | (hash >>> 48);
  }

  private static long hashUuid(int tableId, long h, long l) {
    long k = h * 0x9E3779B97F4A7C15L ^ l * 0xC2B2AE3D27D4EB4FL ^ tableId * 0x165667B19E3779F9L;
    k ^= k >>> 29;
    k *= 0xBF58476D1CE4E5B9L;
    return k ^ (k >>> 32);
  }

  private static long hashOther(int tableId, String recordId) {
    return hashUuid(tableId, recordId.hashCode(), recordId.length() + 0x5bd1e995L);
  }
}
