package dev.tracelake.benchmarks.lineage;

import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.util.List;

/**
 * A deterministic record-level lineage graph of a fraud-scoring pipeline, chains of depth 3:
 *
 * <pre>
 * raw events (N)  <-  features (N, 1 input each)  <-  predictions (0.85 N, 10 features each)
 *                                                 <-  decisions (0.5 N, 1 prediction each)
 * </pre>
 *
 * which is N + 8.5 N + 0.5 N = 10 N edges. Every record id, every input and every provenance is a
 * function of (table, index), so the lake and PostgreSQL are loaded with the same graph without
 * keeping it in memory, and a test can compute the expected answer independently. Ids are canonical
 * UUID text, as lake-core's own ids are.
 */
final class FraudGraph {
  static final String NAMESPACE = "lineage_bench";
  static final int RAW = 0;
  static final int FEATURES = 1;
  static final int PREDICTIONS = 2;
  static final int DECISIONS = 3;
  static final List<TableName> TABLES =
      List.of(
          new TableName(NAMESPACE, "raw_events"),
          new TableName(NAMESPACE, "features"),
          new TableName(NAMESPACE, "predictions"),
          new TableName(NAMESPACE, "decisions"));
  static final int PREDICTION_INPUTS = 10;
  static final String MODEL = "fraud";
  static final String MODEL_VERSION = "v3";

  /** The model version of the predictions committed after the graph, to time the catch-up. */
  static final String LATE_MODEL_VERSION = "v4";

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  // 2026-01-02T00:00:00Z
  private static final long START_MILLIS = 1_767_312_000_000L;
  private static final int IDS_PER_MILLISECOND = 2_000;

  private final long features;
  private final int appendRows;

  /**
   * @param features N, the number of raw events and of features
   * @param appendRows records per append (snapshot)
   */
  FraudGraph(long features, int appendRows) {
    if (features < 100 || appendRows <= 0) {
      throw new IllegalArgumentException(
          "Need at least 100 features and positive append rows, got features="
              + features
              + ", appendRows="
              + appendRows);
    }
    this.features = features;
    this.appendRows = appendRows;
  }

  long features() {
    return features;
  }

  int appendRows() {
    return appendRows;
  }

  /** Returns how many records a table holds (without the late predictions). */
  long size(int table) {
    return switch (table) {
      case RAW, FEATURES -> features;
      case PREDICTIONS -> features * 85 / 100;
      case DECISIONS -> features / 2;
      default -> throw new IllegalArgumentException("No table " + table);
    };
  }

  long edges() {
    long total = 0;
    for (int t = 0; t < TABLES.size(); t++) {
      total += size(t) * inputCount(t);
    }
    return total;
  }

  /** Returns how many inputs each record of a table has. */
  static int inputCount(int table) {
    return switch (table) {
      case RAW -> 0;
      case FEATURES, DECISIONS -> 1;
      case PREDICTIONS -> PREDICTION_INPUTS;
      default -> throw new IllegalArgumentException("No table " + table);
    };
  }

  /** Returns the table the inputs of a table's records come from. */
  static int inputTable(int table) {
    return switch (table) {
      case FEATURES -> RAW;
      case PREDICTIONS -> FEATURES;
      case DECISIONS -> PREDICTIONS;
      default -> throw new IllegalArgumentException("Table " + table + " has no inputs");
    };
  }

  /** Returns the index (in its table) of input {@code k} of record {@code index}. */
  long input(int table, long index, int k) {
    return switch (table) {
      case FEATURES -> index;
      // 10 distinct features of different entities
      case PREDICTIONS -> Math.floorMod(index * 7_919 + k * (features / 10 + 1), features);
      case DECISIONS -> index;
      default -> throw new IllegalArgumentException("Table " + table + " has no inputs");
    };
  }

  /** Returns which append of its table wrote a record. */
  int appendOf(long index) {
    return (int) (index / appendRows);
  }

  /** Returns how many appends a table's records take. */
  int appends(int table) {
    return (int) ((size(table) + appendRows - 1) / appendRows);
  }

  /**
   * Returns the record id of record {@code index} of a table: canonical UUIDv7 text laid out as
   * lake-core's ids are (48 bits of milliseconds, version 7, a 12-bit counter, random low bits),
   * 2,000 ids per millisecond and each table written later than its inputs, so ids increase in
   * write order and each data file covers a narrow id range, as in a real lake. Unique per (table,
   * index).
   */
  static String id(int table, long index) {
    long millis = START_MILLIS + table * 10_000_000L + index / IDS_PER_MILLISECOND;
    long msb = (millis << 16) | 0x7000L | (index % IDS_PER_MILLISECOND);
    long lsb = 0x8000_0000_0000_0000L | (mix(((long) table << 48) | index) >>> 2);
    char[] c = new char[36];
    hex(c, 0, msb >>> 32, 8);
    c[8] = '-';
    hex(c, 9, msb >>> 16, 4);
    c[13] = '-';
    hex(c, 14, msb, 4);
    c[18] = '-';
    hex(c, 19, lsb >>> 48, 4);
    c[23] = '-';
    hex(c, 24, lsb, 12);
    return new String(c);
  }

  /** Returns the provenance of an append of a table. */
  static Provenance provenance(int table, int append) {
    Provenance.Builder b = Provenance.builder().producer("lineage-benchmark");
    return switch (table) {
      case RAW -> b.runId("ingest-" + append).build();
      case FEATURES -> b.runId("features-" + append).codeCommit("feat0c0ffee").build();
      case PREDICTIONS ->
          b.runId("score-" + append).codeCommit("score1234abc").model(MODEL, MODEL_VERSION).build();
      case DECISIONS -> b.runId("decide-" + append).codeCommit("rules99").build();
      default -> throw new IllegalArgumentException("No table " + table);
    };
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static void hex(char[] out, int offset, long value, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      out[offset + i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
  }
}
