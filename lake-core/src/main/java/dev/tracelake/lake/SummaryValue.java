package dev.tracelake.lake;

import java.util.Objects;

/**
 * The value of one snapshot-summary key, with the snapshot whose summary holds it.
 *
 * @param value the summary value
 * @param snapshotId the snapshot that committed it
 */
public record SummaryValue(String value, long snapshotId) {
  public SummaryValue {
    Objects.requireNonNull(value, "value");
  }
}
