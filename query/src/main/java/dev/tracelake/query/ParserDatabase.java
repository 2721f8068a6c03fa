package dev.tracelake.query;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Properties;

/**
 * A DuckDB database that runs no user SQL: it only serializes user SQL to its syntax tree ({@code
 * json_serialize_sql}) and reads timestamp literals, both passed as bound parameters. It is locked
 * down like a query sandbox with no files at all, and shared by all queries of an engine.
 */
final class ParserDatabase implements AutoCloseable {
  // guarded by this: a DuckDB connection runs one statement at a time
  private final Connection connection;

  private ParserDatabase(Connection connection) {
    this.connection = connection;
  }

  static ParserDatabase open() {
    Properties props = new Properties();
    props.setProperty("enable_external_access", "false");
    props.setProperty("autoinstall_known_extensions", "false");
    props.setProperty("autoload_known_extensions", "false");
    props.setProperty("threads", "1");
    props.setProperty("memory_limit", "64MB");
    props.setProperty("temp_directory", "");
    try {
      Connection connection = DriverManager.getConnection("jdbc:duckdb:", props);
      try (Statement s = connection.createStatement()) {
        s.execute("SET TimeZone = 'UTC'");
      }
      try (Statement s = connection.createStatement()) {
        s.execute("SET lock_configuration = true");
      }
      return new ParserDatabase(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot start DuckDB for parsing SQL: " + e.getMessage(), e);
    }
  }

  /** Returns DuckDB's JSON syntax tree of {@code sql}, or its JSON error object. */
  synchronized String serialize(String sql) {
    try (PreparedStatement ps = connection.prepareStatement("SELECT json_serialize_sql(?)")) {
      ps.setString(1, sql);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB could not serialize the query: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a timestamp literal the way DuckDB casts text to TIMESTAMPTZ; text without a zone is UTC.
   *
   * @throws QueryException INVALID_ARGUMENT when DuckDB cannot read it
   */
  synchronized Instant timestamp(String literal) {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT CASE WHEN isfinite(t) THEN epoch_us(t) END"
                + " FROM (SELECT CAST(CAST(? AS VARCHAR) AS TIMESTAMPTZ) AS t)")) {
      ps.setString(1, literal);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long micros = rs.getLong(1);
        if (rs.wasNull()) {
          throw QueryException.invalid(
              "Timestamp '%s' in FOR TIMESTAMP AS OF is not a point in time: name an instant such"
                  + " as TIMESTAMP '2026-11-01 00:00:00 UTC'",
              literal);
        }
        return Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
      }
    } catch (SQLException e) {
      throw QueryException.invalid(
          "Invalid timestamp '%s' in FOR TIMESTAMP AS OF: %s",
          literal, DuckDbErrors.plainMessage(e));
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot close DuckDB parser database", e);
    }
  }
}
