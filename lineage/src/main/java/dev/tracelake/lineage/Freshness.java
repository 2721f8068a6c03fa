package dev.tracelake.lineage;

import java.time.Instant;
import java.util.List;

/**
 * How current the index was when it answered: the time the table heads were last checked and the
 * tables whose index lagged behind their head then.
 *
 * @param checkedAt when the index last compared itself with the table heads; null if never
 * @param lagging the tables not indexed up to their head at that time
 */
public record Freshness(Instant checkedAt, List<TableLag> lagging) {
  public Freshness {
    lagging = List.copyOf(lagging);
  }

  /** Returns whether every table was indexed up to its head when last checked. */
  public boolean isCurrent() {
    return checkedAt != null && lagging.isEmpty();
  }

  @Override
  public String toString() {
    if (checkedAt == null) {
      return "index not built yet";
    }
    if (lagging.isEmpty()) {
      return "index current as of " + checkedAt;
    }
    StringBuilder s = new StringBuilder("index lags as of ").append(checkedAt).append(':');
    for (TableLag lag : lagging) {
      s.append(' ')
          .append(lag.table())
          .append(" indexed to snapshot ")
          .append(lag.indexedSnapshotId())
          .append(", head ")
          .append(lag.headSnapshotId())
          .append(" (")
          .append(lag.snapshotsBehind())
          .append(" snapshot(s) behind);");
    }
    return s.substring(0, s.length() - 1);
  }
}
