package dev.tracelake.lineage.evidence;

import java.util.Objects;

/**
 * One way an evidence bundle no longer matches the lake, or a change that is expected over time (a
 * note).
 *
 * @param kind what differs
 * @param subject what it concerns: a table and snapshot, a file location, a record, a run
 * @param message a sentence naming the record, snapshot, file or run and both values
 */
public record Difference(Kind kind, String subject, String message) {
  /** What differs. */
  public enum Kind {
    /** The bundle's content does not match its own digest: it was edited after export. */
    BUNDLE_EDITED(true),
    /** A table the bundle names is not in the lake. */
    TABLE_MISSING(true),
    /** A snapshot the bundle names is not in its table any more. */
    SNAPSHOT_MISSING(true),
    /** A snapshot's commit time, parent, operation or provenance differs. */
    SNAPSHOT_DIFFERS(true),
    /** The columns of a table at a snapshot differ. */
    SCHEMA_DIFFERS(true),
    /** A data file is not part of the snapshot the bundle read it at. */
    FILE_NOT_IN_SNAPSHOT(true),
    /** A data file cannot be read. */
    FILE_MISSING(true),
    /** A data file's bytes (SHA-256 or size) differ. */
    FILE_CHANGED(true),
    /** A data file's rows cannot be read any more (it is no longer valid Parquet). */
    ROWS_UNREADABLE(true),
    /** A record's row is no longer in its data file at its snapshot. */
    ROW_MISSING(true),
    /** A record's row reads differently now. */
    ROW_DIFFERS(true),
    /** The inputs the bundle lists for a record are not those its {@code _lineage} names. */
    LINEAGE_DIFFERS(true),
    /** A record the bundle says was missing is in its cited snapshot. */
    RECORD_PRESENT(true),
    /** A run the bundle names is not known. */
    RUN_MISSING(true),
    /** A run's code, model, job or final status differs. */
    RUN_DIFFERS(true),
    /** A run that was still running at export has moved on: expected, not a mismatch. */
    RUN_PROGRESSED(false),
    /** Part of the bundle could not be checked (e.g. values withheld at export). */
    NOT_CHECKED(false);

    private final boolean mismatch;

    Kind(boolean mismatch) {
      this.mismatch = mismatch;
    }

    /** Returns whether this kind means the evidence no longer matches (rather than a note). */
    public boolean isMismatch() {
      return mismatch;
    }
  }

  public Difference {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
  }
}
