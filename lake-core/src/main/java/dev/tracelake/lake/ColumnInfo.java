package dev.tracelake.lake;

/**
 * One top-level column of a table.
 *
 * @param fieldId the Iceberg field id, stable across renames
 * @param name the current name
 * @param type Iceberg's name of the type, e.g. {@code long}, {@code list<string>}
 * @param required whether nulls are refused
 * @param metadata whether Tracelake fills this column (see {@link MetadataColumns})
 * @param doc the column's documentation, or null
 */
public record ColumnInfo(
    int fieldId, String name, String type, boolean required, boolean metadata, String doc) {}
