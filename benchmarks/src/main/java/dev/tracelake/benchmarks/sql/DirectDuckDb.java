package dev.tracelake.benchmarks.sql;

import dev.tracelake.query.SqlEngineConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The baseline: a plain in-memory DuckDB with the memory limit and thread count Tracelake's engine
 * gives each query (no spilling either), reading Parquet files with {@code read_parquet} by column
 * name. No sandbox, no snapshot resolution, no field-id mapping.
 */
final class DirectDuckDb {
  private DirectDuckDb() {}

  /** Opens a connection with {@code config}'s memory limit and threads; the caller closes it. */
  static Connection open(SqlEngineConfig config) throws SQLException {
    Properties props = new Properties();
    props.setProperty("autoinstall_known_extensions", "false");
    props.setProperty("autoload_known_extensions", "false");
    props.setProperty("threads", Integer.toString(config.threads()));
    props.setProperty("memory_limit", (config.memoryLimitBytes() >> 20) + "MiB");
    props.setProperty("temp_directory", "");
    return DriverManager.getConnection("jdbc:duckdb:", props);
  }

  /** Returns {@code read_parquet([...])} over exactly these files. */
  static String readParquet(Collection<String> files) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("read_parquet needs at least one file");
    }
    return files.stream()
        .map(f -> "'" + f.replace("'", "''") + "'")
        .collect(Collectors.joining(", ", "read_parquet([", "])"));
  }
}
