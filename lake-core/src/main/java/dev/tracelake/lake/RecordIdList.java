package dev.tracelake.lake;

import java.util.List;

/**
 * The record ids of a written batch, in row order, as {@link PendingAppend#write} returns them.
 * Unmodifiable and fixed once the batch is written. Ids Tracelake assigned are kept as the bytes
 * written to the data file; {@link #forEachUtf8} hands those bytes on without making a {@link
 * String} of each, for callers that only pass the ids on (an acknowledgement on the wire).
 */
public interface RecordIdList extends List<String> {

  /** Receives one id as UTF-8 bytes; the array must not be modified or kept beyond the ids. */
  @FunctionalInterface
  interface Utf8Sink {
    void accept(byte[] bytes, int offset, int length);
  }

  /** Calls {@code sink} with the UTF-8 bytes of every id, in row order. */
  void forEachUtf8(Utf8Sink sink);

  /**
   * Returns {@code count} fresh record ids, made as Tracelake makes the ids of rows that come
   * without one: UUIDv7 text, increasing within this process. For writers that name their rows' ids
   * before appending them, so that they know the ids even when an acknowledgement is lost.
   */
  static RecordIdList fresh(int count) {
    return BatchIds.fresh(count);
  }
}
