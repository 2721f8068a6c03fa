package dev.tracelake.lake;

import java.time.Instant;

/**
 * Whether a lake's two external parts answered when last checked.
 *
 * @param checkedAt when the check ran
 * @param catalogError why the catalog did not answer, or null when it did
 * @param warehouseError why a probe object could not be written to and deleted from the warehouse,
 *     or null when it could
 */
public record LakeHealth(Instant checkedAt, String catalogError, String warehouseError) {
  public boolean catalogReachable() {
    return catalogError == null;
  }

  public boolean warehouseReachable() {
    return warehouseError == null;
  }

  public boolean healthy() {
    return catalogReachable() && warehouseReachable();
  }

  /** Returns a one-line description, e.g. for a log line or a health message. */
  public String describe() {
    if (healthy()) {
      return "catalog and warehouse reachable";
    }
    StringBuilder b = new StringBuilder();
    if (!catalogReachable()) {
      b.append("catalog unreachable: ").append(catalogError);
    }
    if (!warehouseReachable()) {
      b.append(b.isEmpty() ? "" : "; ").append("warehouse unreachable: ").append(warehouseError);
    }
    return b.toString();
  }
}
