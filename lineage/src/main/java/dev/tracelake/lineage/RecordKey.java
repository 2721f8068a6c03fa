package dev.tracelake.lineage;

import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.TableName;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One record: its table, written {@code namespace.name}, and its {@code _record_id}. A bare table
 * name means the {@code default} namespace, as in lake-core.
 *
 * @param table the table, normalized to {@code namespace.name} when it is a valid table name
 * @param recordId the record's {@code _record_id}
 */
public record RecordKey(String table, String recordId) {
  private static final Map<String, String> NORMALIZED = new ConcurrentHashMap<>();

  public RecordKey {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(recordId, "recordId");
    if (table.isBlank() || recordId.isBlank()) {
      throw new IllegalArgumentException(
          "A record key needs a table and a record id, got table='"
              + table
              + "' record_id='"
              + recordId
              + "'");
    }
    table = normalizeTable(table);
  }

  /** Returns the key of record {@code recordId} in {@code table}. */
  public static RecordKey of(String table, String recordId) {
    return new RecordKey(table, recordId);
  }

  /** Returns the key of record {@code recordId} in {@code table}. */
  public static RecordKey of(TableName table, String recordId) {
    return new RecordKey(table.toString(), recordId);
  }

  /**
   * Returns {@code table} as {@code namespace.name}; a name that is not a valid table name (it can
   * come from a writer's {@code _lineage}) is kept as given so that it can still be reported.
   */
  static String normalizeTable(String table) {
    String cached = NORMALIZED.get(table);
    if (cached != null) {
      return cached;
    }
    String trimmed = table.strip();
    String normalized;
    try {
      normalized = TableName.parse(trimmed).toString();
    } catch (LakeException e) {
      normalized = trimmed;
    }
    // table names are few and keys are made by the million: remember them, within reason
    if (NORMALIZED.size() < 10_000) {
      NORMALIZED.put(table, normalized);
    }
    return normalized;
  }

  @Override
  public String toString() {
    return table + "/" + recordId;
  }
}
