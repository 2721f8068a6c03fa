package dev.tracelake.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.LakeTable;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/** pgjdbc, the PostgreSQL JDBC driver from Maven Central, against the endpoint. */
class JdbcClientTest extends PgTestBase {

  @Test
  void simpleQueryReturnsRowsAndSnapshots() throws Exception {
    LakeTable table = events();
    AppendResult first = appendEvents(table, 0, 10);
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), sum(event_id) FROM events")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(10);
      assertThat(rs.getLong(2)).isEqualTo(45);
      String snapshots = ((PGConnection) c).getParameterStatus("tracelake.snapshots");
      assertThat(snapshots)
          .isEqualTo(
              "[{\"table\":\"default.events\",\"version\":\"main\",\"snapshot_id\":"
                  + first.snapshotId()
                  + "}]");
    }
  }

  @Test
  void preparedStatementsBindParametersInTextAndBinary() throws Exception {
    appendEvents(events(), 0, 10);
    for (String threshold : List.of("0", "-1")) {
      Properties p = new Properties();
      p.setProperty("prepareThreshold", threshold); // -1: binary results from the first run
      try (Connection c = connect(p);
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT event_id, \"user\", amount FROM events WHERE event_id >= ? AND \"user\" = ?"
                      + " ORDER BY event_id")) {
        ps.setLong(1, 4);
        ps.setString(2, "u1");
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(rs.getLong(1) + "/" + rs.getString(2) + "/" + rs.getDouble(3));
          }
        }
        assertThat(rows).containsExactly("4/u1/6.0", "7/u1/10.5");
      }
    }
  }

  @Test
  void timeTravelReadsOlderSnapshots() throws Exception {
    LakeTable table = events();
    AppendResult first = appendEvents(table, 0, 3);
    appendEvents(table, 3, 4);
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM events FOR VERSION AS OF ?")) {
      ps.setLong(1, first.snapshotId());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(3);
      }
    }
  }

  @Test
  void writesAreRefusedByTheEngine() throws Exception {
    appendEvents(events(), 0, 3);
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("DELETE FROM events"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
      // the connection still answers
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(3);
      }
    }
  }

  @Test
  void metadataListsTablesAndColumns() throws Exception {
    appendEvents(events(), 0, 3);
    try (Connection c = connect()) {
      DatabaseMetaData md = c.getMetaData();
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = md.getTables(null, null, "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          tables.add(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME"));
        }
      }
      assertThat(tables).containsExactly("default.events");
      List<String> columns = new ArrayList<>();
      try (ResultSet rs = md.getColumns(null, "default", "events", "%")) {
        while (rs.next()) {
          columns.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME"));
        }
      }
      assertThat(columns).startsWith("event_id:int8", "user:text", "amount:float8");
    }
  }

  @Test
  void cancelStopsARunningStatementAndTheConnectionGoesOn() throws Exception {
    appendEvents(events(), 0, 3);
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      Thread canceller =
          new Thread(
              () -> {
                try {
                  Thread.sleep(1000);
                  s.cancel();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      canceller.start();
      assertThatThrownBy(
              () ->
                  s.executeQuery(
                      "SELECT count(*) FROM range(200000) a, range(200000) b"
                          + " WHERE (a.range * b.range) % 7 = 3"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("57014"));
      canceller.join();
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(3);
      }
    }
  }

  @Test
  void statementTimeoutIsASessionSetting() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("SET statement_timeout = '500ms'");
      try (ResultSet rs = s.executeQuery("SHOW statement_timeout")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("500ms");
      }
      assertThatThrownBy(
              () ->
                  s.executeQuery(
                      "SELECT count(*) FROM range(200000) a, range(200000) b"
                          + " WHERE (a.range * b.range) % 7 = 3"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("57014"));
      assertThatThrownBy(() -> s.execute("SET work_memory = '1GB'"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("unrecognized configuration parameter \"work_memory\"");
      assertThatThrownBy(() -> s.execute("SET client_encoding = 'LATIN1'"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("Tracelake speaks UTF8 only");
    }
  }

  @Test
  void timeZoneSettingShowsTimestamptzInThatZone() throws Exception {
    TypedTable.create(lake, allocator, PROV);
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("SET TIME ZONE 'Europe/Amsterdam'");
      try (ResultSet rs =
          s.executeQuery("SELECT \"at\"::VARCHAR AS utc, \"at\" FROM typed WHERE flag")) {
        rs.next();
        assertThat(rs.getString(2)).isEqualTo("2023-11-14 23:13:20.123456+01");
      }
    }
  }

  @Test
  void cursorsFetchLargeResultsInSlices() throws Exception {
    appendEvents(events(), 0, 20_000);
    try (Connection c = connect()) {
      c.setAutoCommit(false); // pgjdbc streams with a portal only inside a transaction
      try (Statement s = c.createStatement()) {
        s.setFetchSize(1000);
        long sum = 0;
        long rows = 0;
        try (ResultSet rs = s.executeQuery("SELECT event_id FROM events ORDER BY event_id")) {
          while (rs.next()) {
            sum += rs.getLong(1);
            rows++;
          }
        }
        assertThat(rows).isEqualTo(20_000);
        assertThat(sum).isEqualTo(20_000L * 19_999 / 2);
      }
      c.commit();
    }
  }

  @Test
  void hundredConcurrentConnectionsEachRunAQuery() throws Exception {
    appendEvents(events(), 0, 10);
    int clients = 100;
    java.util.concurrent.CyclicBarrier allOpen = new java.util.concurrent.CyclicBarrier(clients);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(clients);
    try {
      List<java.util.concurrent.Future<Long>> answers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        long lower = i % 10;
        answers.add(
            pool.submit(
                () -> {
                  try (Connection c = connect();
                      PreparedStatement ps =
                          c.prepareStatement("SELECT count(*) FROM events WHERE event_id >= ?")) {
                    allOpen.await(60, java.util.concurrent.TimeUnit.SECONDS);
                    ps.setLong(1, lower);
                    try (ResultSet rs = ps.executeQuery()) {
                      rs.next();
                      return rs.getLong(1);
                    }
                  }
                }));
      }
      for (int i = 0; i < clients; i++) {
        assertThat(answers.get(i).get(120, java.util.concurrent.TimeUnit.SECONDS))
            .isEqualTo(10 - i % 10);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void wrongTokenIsRefused() {
    Properties p = new Properties();
    p.setProperty("password", "tl_wrong-token-0123456789");
    assertThatThrownBy(() -> connect(p))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed")
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
  }
}
