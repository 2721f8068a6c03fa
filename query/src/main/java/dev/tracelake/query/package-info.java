/**
 * SQL over the lake's table history with embedded DuckDB: time travel with Trino's syntax,
 * Trino-style metadata tables, {@code table_changes}, lineage relations, each table reference
 * pinned to one snapshot, in a read-only sandbox. Start at {@link dev.tracelake.query.SqlEngine};
 * the module's README lists the SQL it accepts.
 */
package dev.tracelake.query;
