package dev.tracelake.lake;

import java.util.List;
import java.util.Set;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

/**
 * The record metadata columns every Tracelake table carries after its own columns. Tracelake fills
 * them at write time; a writer may give only {@link #RECORD_ID} (kept when present) and {@link
 * #LINEAGE}.
 *
 * <ul>
 *   <li>{@code _record_id} string, required: unique, stable and time-ordered (a UUIDv7 in its
 *       canonical text form), assigned at write time unless the writer gives one.
 *   <li>{@code _ingested_at} timestamptz, required: when the batch was written.
 *   <li>{@code _run_id}, {@code _code_commit}, {@code _model_name}, {@code _model_version} string,
 *       optional: the batch's {@link Provenance}. They hold one value per append, so tables are
 *       identity-partitioned by them ({@link #PARTITION_COLUMNS}) and the values live in each data
 *       file's partition tuple in the manifest, not in the file: Iceberg readers (lake-core, Spark,
 *       Trino) fill a column a file lacks from its identity-partition value, as the spec's column
 *       projection rules say, and filters on them prune whole files.
 *   <li>{@code _lineage} list of struct {@code <table string, record_id string, snapshot_id long>},
 *       optional: the input records this record was derived from, each at the snapshot it was read
 *       in. A record's lineage is part of the record, so both commit atomically.
 * </ul>
 */
public final class MetadataColumns {
  public static final String RECORD_ID = "_record_id";
  public static final String INGESTED_AT = "_ingested_at";
  public static final String RUN_ID = "_run_id";
  public static final String CODE_COMMIT = "_code_commit";
  public static final String MODEL_NAME = "_model_name";
  public static final String MODEL_VERSION = "_model_version";
  public static final String LINEAGE = "_lineage";
  public static final String LINEAGE_TABLE = "table";
  public static final String LINEAGE_RECORD_ID = "record_id";
  public static final String LINEAGE_SNAPSHOT_ID = "snapshot_id";

  /** All metadata column names, in table order. */
  public static final List<String> NAMES =
      List.of(RECORD_ID, INGESTED_AT, RUN_ID, CODE_COMMIT, MODEL_NAME, MODEL_VERSION, LINEAGE);

  /**
   * The metadata columns new tables are identity-partitioned by: constant within an append, so they
   * are kept once per data file (as its partition) instead of once per row.
   */
  public static final List<String> PARTITION_COLUMNS =
      List.of(RUN_ID, CODE_COMMIT, MODEL_NAME, MODEL_VERSION);

  /** The metadata columns a writer may supply itself. */
  public static final Set<String> WRITER_SUPPLIED = Set.of(RECORD_ID, LINEAGE);

  private MetadataColumns() {}

  /** Returns whether {@code column} is reserved for metadata (starts with an underscore). */
  public static boolean isReserved(String column) {
    return column.startsWith("_");
  }

  /** Returns the partition spec of a new table: identity on {@link #PARTITION_COLUMNS}. */
  static PartitionSpec provenanceSpec(Schema schema) {
    PartitionSpec.Builder spec = PartitionSpec.builderFor(schema);
    PARTITION_COLUMNS.forEach(spec::identity);
    return spec.build();
  }

  /** Appends the metadata columns to user columns; ids are placeholders the catalog reassigns. */
  static Schema withMetadataColumns(List<NestedField> userColumns, int nextId) {
    int id = nextId;
    List<NestedField> all = new java.util.ArrayList<>(userColumns);
    all.add(NestedField.required(id++, RECORD_ID, Types.StringType.get(), "Tracelake record id"));
    all.add(
        NestedField.required(
            id++, INGESTED_AT, Types.TimestampType.withZone(), "When Tracelake wrote the record"));
    all.add(NestedField.optional(id++, RUN_ID, Types.StringType.get(), "Run that wrote it"));
    all.add(
        NestedField.optional(id++, CODE_COMMIT, Types.StringType.get(), "Code commit of the run"));
    all.add(NestedField.optional(id++, MODEL_NAME, Types.StringType.get(), "Model name"));
    all.add(NestedField.optional(id++, MODEL_VERSION, Types.StringType.get(), "Model version"));
    int listId = id++;
    int elementId = id++;
    Types.StructType ref =
        Types.StructType.of(
            NestedField.required(id++, LINEAGE_TABLE, Types.StringType.get()),
            NestedField.required(id++, LINEAGE_RECORD_ID, Types.StringType.get()),
            NestedField.optional(id++, LINEAGE_SNAPSHOT_ID, Types.LongType.get()));
    all.add(
        NestedField.optional(
            listId,
            LINEAGE,
            Types.ListType.ofRequired(elementId, ref),
            "Input records (table, record id, snapshot id) this record was derived from"));
    return new Schema(all);
  }
}
