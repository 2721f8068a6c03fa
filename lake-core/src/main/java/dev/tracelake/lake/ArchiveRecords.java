package dev.tracelake.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/** The rows of an archive table: its schema and properties, and snapshots to and from records. */
final class ArchiveRecords {
  private ArchiveRecords() {}

  static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "table_uuid", Types.StringType.get()),
          Types.NestedField.required(2, "snapshot_id", Types.LongType.get()),
          Types.NestedField.optional(3, "parent_id", Types.LongType.get()),
          Types.NestedField.required(4, "sequence_number", Types.LongType.get()),
          Types.NestedField.required(5, "committed_at", Types.TimestampType.withZone()),
          Types.NestedField.optional(6, "operation", Types.StringType.get()),
          Types.NestedField.optional(
              7,
              "summary",
              Types.MapType.ofRequired(14, 15, Types.StringType.get(), Types.StringType.get())),
          Types.NestedField.required(8, "manifest_list", Types.StringType.get()),
          Types.NestedField.optional(9, "schema_id", Types.IntegerType.get()),
          Types.NestedField.required(10, "main_ancestor", Types.BooleanType.get()),
          Types.NestedField.optional(
              11,
              "carried",
              Types.MapType.ofRequired(
                  16,
                  17,
                  Types.StringType.get(),
                  Types.StructType.of(
                      Types.NestedField.required(18, "value", Types.StringType.get()),
                      Types.NestedField.required(19, "snapshot_id", Types.LongType.get())))),
          Types.NestedField.optional(12, "first_row_id", Types.LongType.get()),
          Types.NestedField.optional(13, "added_rows", Types.LongType.get()),
          Types.NestedField.optional(20, "key_id", Types.StringType.get()),
          Types.NestedField.required(21, "archived_at", Types.TimestampType.withZone()));

  /** The properties of an archive table: immutable, bloom filters sized per file. */
  static Map<String, String> properties(TableName source) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put(TableProperties.FORMAT_VERSION, "2");
    props.put(TableProperties.PARQUET_COMPRESSION, "zstd");
    props.put(TableProperties.GC_ENABLED, "false");
    props.put(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
    props.put(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "10");
    props.put(TableProperties.COMMIT_NUM_RETRIES, "0");
    props.put(TableProperties.PARQUET_BLOOM_FILTER_COLUMN_ENABLED_PREFIX + "snapshot_id", "true");
    // sized to the rows of each file: a fixed 1 MiB filter would dwarf a file of a few hundred
    props.put(TableProperties.PARQUET_BLOOM_FILTER_ADAPTIVE_ENABLED, "true");
    props.put("tracelake.archive-of", source.toString());
    return props;
  }

  static Record toRecord(
      Schema schema, String uuid, ArchivedSnapshot row, OffsetDateTime archivedAt) {
    GenericRecord r = GenericRecord.create(schema);
    r.setField("table_uuid", uuid);
    r.setField("snapshot_id", row.snapshotId());
    r.setField("parent_id", row.parentId());
    r.setField("sequence_number", row.sequenceNumber());
    r.setField(
        "committed_at",
        OffsetDateTime.ofInstant(Instant.ofEpochMilli(row.timestampMillis()), ZoneOffset.UTC));
    r.setField("operation", row.operation());
    r.setField("summary", new java.util.TreeMap<>(row.summary())); // sorted: stable for readers
    r.setField("manifest_list", row.manifestList());
    r.setField("schema_id", row.schemaId());
    r.setField("main_ancestor", row.mainAncestor());
    if (row.carried() != null) {
      Types.StructType valueType =
          schema.findType("carried").asMapType().valueType().asStructType();
      Map<String, Record> carried = new LinkedHashMap<>();
      row.carried()
          .forEach(
              (k, v) -> {
                GenericRecord value = GenericRecord.create(valueType);
                value.setField("value", v.value());
                value.setField("snapshot_id", v.snapshotId());
                carried.put(k, value);
              });
      r.setField("carried", carried);
    }
    r.setField("first_row_id", row.firstRowId());
    r.setField("added_rows", row.addedRows());
    r.setField("key_id", row.keyId());
    r.setField("archived_at", archivedAt);
    return r;
  }

  static ArchivedSnapshot fromRecord(Record r) {
    Map<String, String> summary = new LinkedHashMap<>();
    if (r.getField("summary") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> summary.put(String.valueOf(k), String.valueOf(v)));
    }
    Map<String, SummaryValue> carried = null;
    if (r.getField("carried") instanceof Map<?, ?> m) {
      carried = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Record v = (Record) e.getValue();
        carried.put(
            String.valueOf(e.getKey()),
            new SummaryValue(
                String.valueOf(v.getField("value")), (Long) v.getField("snapshot_id")));
      }
    }
    OffsetDateTime committed = (OffsetDateTime) r.getField("committed_at");
    return new ArchivedSnapshot(
        (Long) r.getField("snapshot_id"),
        (Long) r.getField("parent_id"),
        (Long) r.getField("sequence_number"),
        committed.toInstant().toEpochMilli(),
        r.getField("operation") == null ? null : String.valueOf(r.getField("operation")),
        summary,
        String.valueOf(r.getField("manifest_list")),
        (Integer) r.getField("schema_id"),
        (Long) r.getField("first_row_id"),
        (Long) r.getField("added_rows"),
        r.getField("key_id") == null ? null : String.valueOf(r.getField("key_id")),
        Boolean.TRUE.equals(r.getField("main_ancestor")),
        carried);
  }

  /** Reads the rows of one table (by uuid) in one archive file, newest first. */
  static List<ArchivedSnapshot> read(
      Table archive, String location, Expression filter, String uuid) {
    Schema schema = archive.schema();
    List<ArchivedSnapshot> rows = new ArrayList<>();
    try (CloseableIterable<Record> records =
        Parquet.read(archive.io().newInputFile(location))
            .project(schema)
            .filter(filter)
            .createReaderFunc(message -> GenericParquetReaders.buildReader(schema, message))
            .build()) {
      for (Record r : records) {
        if (uuid.equals(String.valueOf(r.getField("table_uuid")))) {
          rows.add(fromRecord(r));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read archive file " + location, e);
    }
    rows.sort(Comparator.comparingLong(ArchivedSnapshot::sequenceNumber).reversed());
    return rows;
  }
}
