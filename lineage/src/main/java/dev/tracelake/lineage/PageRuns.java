package dev.tracelake.lineage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.filter2.columnindex.RowRanges;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;

/**
 * Splits the rows to read from one row group into runs that each lie within one page of every
 * column read, so that each filtered read of a run is exact.
 *
 * <p>Why: parquet-java up to 1.18.2 (apache/parquet-java#3747, fixed upstream after 1.18.2) reads
 * the wrong row when its column reader takes the last selected row from the row-index iterator
 * while still on an earlier page: it treats the empty iterator as the end and returns the value
 * after the previous selected row instead. Explain read record 3661 where 4210 was cited and
 * reported the cited record missing. Within one page of every column the last row is reached
 * without a page change, so the bug cannot occur; rows in different pages go to different reads.
 * Reads of runs that share a page decode that page again, which costs little next to a wrong
 * answer: explain reads a few rows, mostly in distinct pages.
 */
final class PageRuns {
  private PageRuns() {}

  /**
   * Returns the rows, ascending, as runs of rows that share their page in every column.
   *
   * @param rows row indexes within the row group, ascending
   * @param offsets the offset index of every column read, or null when one is unknown: then every
   *     row is a run of its own (a single selected row is always read right)
   */
  static List<RowRanges> split(LongList rows, List<OffsetIndex> offsets) {
    List<RowRanges> runs = new ArrayList<>();
    RowRanges.Builder run = null;
    int[] previous = null;
    for (int i = 0; i < rows.size(); i++) {
      long row = rows.get(i);
      int[] pages = offsets == null ? null : pagesOf(row, offsets);
      if (run != null && (pages == null || !Arrays.equals(pages, previous))) {
        runs.add(run.build());
        run = null;
      }
      if (run == null) {
        run = RowRanges.builder();
      }
      run.addSelectedRow(row);
      previous = pages;
    }
    if (run != null) {
      runs.add(run.build());
    }
    return runs;
  }

  /** The page of every column that holds {@code row}. */
  private static int[] pagesOf(long row, List<OffsetIndex> offsets) {
    int[] pages = new int[offsets.size()];
    for (int c = 0; c < pages.length; c++) {
      pages[c] = pageOf(row, offsets.get(c));
    }
    return pages;
  }

  /** The last page whose first row is at or before {@code row}. */
  static int pageOf(long row, OffsetIndex index) {
    int lo = 0;
    int hi = index.getPageCount() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (index.getFirstRowIndex(mid) <= row) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
