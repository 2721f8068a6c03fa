package dev.tracelake.query;

import dev.tracelake.lake.LakeScan;
import dev.tracelake.lake.LakeTable;
import java.time.Instant;
import java.util.Objects;

/** Which version of a table a reference reads, as the query wrote it. */
sealed interface VersionSpec {
  /** Applies this version to a scan; {@link AtTimestamp} must be resolved to {@link AsOf} first. */
  LakeScan apply(LakeTable table);

  /** Describes the version for {@link TableReference#version()} and messages. */
  String describe();

  /** No version given: the head of {@code main}. */
  record Current() implements VersionSpec {
    @Override
    public LakeScan apply(LakeTable table) {
      return table.scan();
    }

    @Override
    public String describe() {
      return LakeTable.MAIN;
    }
  }

  /** {@code FOR VERSION AS OF 8712356}. */
  record AtSnapshot(long snapshotId) implements VersionSpec {
    @Override
    public LakeScan apply(LakeTable table) {
      return table.scan().atSnapshot(snapshotId);
    }

    @Override
    public String describe() {
      return "snapshot " + snapshotId;
    }
  }

  /** {@code FOR VERSION AS OF 'tag-or-branch'}. */
  record AtRef(String ref) implements VersionSpec {
    public AtRef {
      Objects.requireNonNull(ref, "ref");
    }

    @Override
    public LakeScan apply(LakeTable table) {
      return table.scan().atRef(ref);
    }

    @Override
    public String describe() {
      return "ref '" + ref + "'";
    }
  }

  /** {@code FOR TIMESTAMP AS OF <literal>} before DuckDB has read the literal. */
  record AtTimestamp(String literal) implements VersionSpec {
    public AtTimestamp {
      Objects.requireNonNull(literal, "literal");
    }

    @Override
    public LakeScan apply(LakeTable table) {
      throw new IllegalStateException("Timestamp '" + literal + "' was not resolved");
    }

    @Override
    public String describe() {
      return "timestamp '" + literal + "'";
    }
  }

  /** A resolved {@code FOR TIMESTAMP AS OF}: the {@code main} snapshot current at that instant. */
  record AsOf(Instant time) implements VersionSpec {
    public AsOf {
      Objects.requireNonNull(time, "time");
    }

    @Override
    public LakeScan apply(LakeTable table) {
      return table.scan().asOf(time);
    }

    @Override
    public String describe() {
      return "timestamp " + time;
    }
  }
}
