package dev.tracelake.query;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Properties;
import org.duckdb.DuckDBConnection;

/**
 * Opens the DuckDB database one query runs in: in memory, fresh per query, and locked down before
 * any statement runs. It may read exactly the data files the query's pinned snapshots hold and no
 * other file; it cannot load or install extensions, spill to disk or change any setting; memory and
 * threads are capped.
 *
 * <p>These settings confine where DuckDB reaches, not what it does there (COPY TO an allowed path
 * would succeed), so {@link StatementGuard} must admit the statement first.
 */
final class Sandbox {
  private Sandbox() {}

  static DuckDBConnection open(SqlEngineConfig config, Collection<String> allowedFiles)
      throws SQLException {
    Properties props = new Properties();
    props.setProperty("autoinstall_known_extensions", "false");
    props.setProperty("autoload_known_extensions", "false");
    props.setProperty("allow_community_extensions", "false");
    props.setProperty("threads", Integer.toString(config.threads()));
    props.setProperty("memory_limit", (config.memoryLimitBytes() >> 20) + "MiB");
    props.setProperty("temp_directory", "");
    props.setProperty("errors_as_json", "true");
    Connection connection = DriverManager.getConnection("jdbc:duckdb:", props);
    try {
      // Set by SQL, not as startup properties: the property parser mangles quotes in paths, and
      // allowed_paths cannot change once external access is off. Nothing else runs before these.
      if (!allowedFiles.isEmpty()) {
        execute(connection, "SET allowed_paths = " + SqlText.stringList(allowedFiles));
      }
      execute(connection, "SET enable_external_access = false");
      // TimeZone needs the bundled icu extension, which loads only after startup
      execute(connection, "SET TimeZone = 'UTC'");
      execute(connection, "SET lock_configuration = true");
      return connection.unwrap(DuckDBConnection.class);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }
}
