package dev.tracelake.ingest;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh database on the PostgreSQL that {@code .ci/run} starts ({@code
 * benchmarks/scripts/start-postgres.sh}): the shared catalog of a multi-replica deployment. Fails,
 * rather than skips, when PostgreSQL does not answer.
 */
final class TestPostgres implements AutoCloseable {
  static final String HOST_URL =
      System.getenv()
          .getOrDefault("TRACELAKE_TEST_PG_HOST_URL", "jdbc:postgresql://localhost:5432");
  static final String USER = System.getenv().getOrDefault("PGUSER", "postgres");
  static final String PASSWORD = System.getenv().getOrDefault("PGPASSWORD", "bench");
  private static final String ADMIN_DB = "postgres";

  private final String database;

  private TestPostgres(String database) {
    this.database = database;
  }

  static TestPostgres createDatabase() throws SQLException {
    String name = "tl_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return new TestPostgres(name);
  }

  private static Connection admin() throws SQLException {
    try {
      return DriverManager.getConnection(HOST_URL + "/" + ADMIN_DB, USER, PASSWORD);
    } catch (SQLException e) {
      throw new SQLException(
          "PostgreSQL does not answer at "
              + HOST_URL
              + " as "
              + USER
              + " ("
              + e.getMessage()
              + "); start it with: bash benchmarks/scripts/start-postgres.sh",
          e);
    }
  }

  String jdbcUrl() {
    return HOST_URL + "/" + database;
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }
}
