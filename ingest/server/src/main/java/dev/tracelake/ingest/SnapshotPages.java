package dev.tracelake.ingest;

import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.SnapshotInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pages through a table's snapshots in commit order. A page token is the position of the last
 * snapshot returned (its commit time and id), not an index: snapshots committed between two pages
 * sort after every earlier position, so paging oldest first picks them up and paging newest first
 * never repeats or skips one.
 */
final class SnapshotPages {
  static final int DEFAULT_PAGE_SIZE = 100;
  static final int MAX_PAGE_SIZE = 1000;
  private static final int MAX_TOKEN_LENGTH = 100;
  private static final Pattern TOKEN = Pattern.compile("([ad]):(-?\\d{1,19}):(-?\\d{1,19})");
  private static final Comparator<SnapshotInfo> COMMIT_ORDER =
      Comparator.comparing(SnapshotInfo::committedAt).thenComparing(SnapshotInfo::snapshotId);

  /** One page and the token of the next; the token is empty on the last page. */
  record Page(List<SnapshotInfo> snapshots, String nextToken) {}

  private SnapshotPages() {}

  /**
   * Returns the page after {@code token} of {@code snapshots}.
   *
   * @throws IngestException INVALID_ARGUMENT for a page size out of range or a token that this
   *     listing did not hand out
   */
  static Page page(
      String table, List<SnapshotInfo> snapshots, int pageSize, String token, boolean newestFirst) {
    if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
      throw invalid(
          "Table %s: page_size %d is out of range; use 1 to %d (0 for %d)",
          table, pageSize, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
    }
    int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize;
    Comparator<SnapshotInfo> order = newestFirst ? COMMIT_ORDER.reversed() : COMMIT_ORDER;
    List<SnapshotInfo> sorted = new ArrayList<>(snapshots);
    sorted.sort(order);
    int from = 0;
    if (!token.isEmpty()) {
      long[] position = position(table, token, newestFirst);
      // the first snapshot after the token's position, in this order
      while (from < sorted.size() && !after(sorted.get(from), position, newestFirst)) {
        from++;
      }
    }
    int to = Math.min(sorted.size(), from + size);
    List<SnapshotInfo> page = List.copyOf(sorted.subList(from, to));
    String next = to < sorted.size() ? token(page.get(page.size() - 1), newestFirst) : "";
    return new Page(page, next);
  }

  private static boolean after(SnapshotInfo s, long[] position, boolean newestFirst) {
    long millis = s.committedAt().toEpochMilli();
    int c =
        millis != position[0]
            ? Long.compare(millis, position[0])
            : Long.compare(s.snapshotId(), position[1]);
    return newestFirst ? c < 0 : c > 0;
  }

  private static String token(SnapshotInfo last, boolean newestFirst) {
    String text =
        (newestFirst ? "d" : "a")
            + ":"
            + last.committedAt().toEpochMilli()
            + ":"
            + last.snapshotId();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static long[] position(String table, String token, boolean newestFirst) {
    Matcher m = null;
    if (token.length() <= MAX_TOKEN_LENGTH) {
      try {
        String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
        m = TOKEN.matcher(text);
      } catch (IllegalArgumentException e) {
        m = null;
      }
    }
    if (m == null || !m.matches()) {
      throw invalid(
          "Table %s: page_token '%s' is not a token this listing handed out",
          table, GrpcText.shorten(token));
    }
    if (m.group(1).equals("d") != newestFirst) {
      throw invalid(
          "Table %s: page_token '%s' belongs to a listing in the other order (newest_first=%s)",
          table, GrpcText.shorten(token), !newestFirst);
    }
    try {
      return new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    } catch (NumberFormatException e) {
      throw invalid(
          "Table %s: page_token '%s' is not a token this listing handed out",
          table, GrpcText.shorten(token));
    }
  }

  private static IngestException invalid(String format, Object... args) {
    return new IngestException(ErrorKind.INVALID_ARGUMENT, String.format(format, args));
  }
}
