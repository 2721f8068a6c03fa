package dev.tracelake.lake;

import org.apache.arrow.vector.types.pojo.Field;

/**
 * A top-level column of a planned scan: the Iceberg field id that data files carry, the name the
 * reader sees at the planned version, and its type.
 *
 * @param fieldId the Iceberg field id; data files written under older names carry the same id
 * @param name the column's name at the planned version
 * @param icebergType Iceberg's type name, e.g. {@code long}, {@code timestamptz}
 * @param required whether the column refuses nulls
 * @param arrowField the column as an Arrow field
 */
public record PlannedColumn(
    int fieldId, String name, String icebergType, boolean required, Field arrowField) {}
