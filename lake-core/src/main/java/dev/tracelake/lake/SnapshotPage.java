package dev.tracelake.lake;

import java.util.List;
import java.util.Optional;

/**
 * One page of a table's snapshots, newest first (in commit order), live and archived alike.
 *
 * @param snapshots the snapshots of this page
 * @param nextPageToken the token that asks for the next page; empty on the last page
 */
public record SnapshotPage(List<SnapshotInfo> snapshots, Optional<String> nextPageToken) {
  private static final String PREFIX = "before-seq-";

  public SnapshotPage {
    snapshots = List.copyOf(snapshots);
  }

  static String token(long sequenceNumber) {
    return PREFIX + sequenceNumber;
  }

  /**
   * Reads a page token back into the sequence number the page ends before.
   *
   * @throws LakeException INVALID_ARGUMENT for a token this class did not make
   */
  static long beforeSequence(String token) {
    if (token == null || token.isEmpty()) {
      return Long.MAX_VALUE;
    }
    if (token.length() <= PREFIX.length() + 19 && token.startsWith(PREFIX)) {
      try {
        long seq = Long.parseLong(token.substring(PREFIX.length()));
        if (seq >= 0) {
          return seq;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    String shown = token.length() > 64 ? token.substring(0, 64) + "..." : token;
    shown = shown.replaceAll("[^\\x20-\\x7e]", "?");
    throw LakeException.invalid(
        "Invalid page token '%s': pass the next page token of the previous page", shown);
  }
}
