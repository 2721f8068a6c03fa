package dev.tracelake.lineage;

import java.util.Objects;

/**
 * Something wrong found while answering a lineage question. Problems are reported in the answer,
 * never thrown: the rest of the answer stays useful.
 *
 * @param kind what went wrong
 * @param record the record it concerns, or null when it concerns no single record
 * @param message a sentence naming the record, table and snapshot at fault
 */
public record Problem(Kind kind, RecordKey record, String message) {
  /** What went wrong. */
  public enum Kind {
    /** The record asked about is not in the index (never ingested, or not yet indexed). */
    RECORD_NOT_FOUND,
    /** A record lists an input that was never ingested (or not as of the snapshot it cites). */
    MISSING_INPUT,
    /** A record cites a snapshot that its input table does not have. */
    SNAPSHOT_NOT_FOUND,
    /** Lineage loops back on itself; the walk stopped at the repeated record. */
    CYCLE,
    /** The answer may be incomplete because the index lags the table it needs. */
    NOT_INDEXED,
    /** A row could not be read from the lake (explain only). */
    READ_FAILED,
    /** No record of the run, model version or code commit an impact starts from is known. */
    NOTHING_MATCHED,
    /**
     * The record exists only on a branch (or tag) other than {@code main}; the answer says which.
     */
    ON_BRANCH
  }

  public Problem {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  static Problem of(Kind kind, RecordKey record, String format, Object... args) {
    return new Problem(kind, record, String.format(format, args));
  }
}
