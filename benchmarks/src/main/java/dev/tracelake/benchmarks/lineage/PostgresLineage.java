package dev.tracelake.benchmarks.lineage;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The baseline: the same graph in PostgreSQL, one row per edge and one per record, loaded with
 * {@code COPY}, indexed both ways, queried with recursive CTEs: upstream trace, explain (the trace
 * with every reached record's row and provenance) and downstream impact of a model version.
 */
final class PostgresLineage implements AutoCloseable {
  static final String TRACE =
      """
      WITH RECURSIVE walk(output_table, output_id, input_table, input_id, input_snapshot_id, depth)
      AS (
        SELECT output_table, output_id, input_table, input_id, input_snapshot_id, 1
        FROM lineage_edges WHERE output_table = ? AND output_id = ?::uuid
        UNION
        SELECT e.output_table, e.output_id, e.input_table, e.input_id, e.input_snapshot_id,
               w.depth + 1
        FROM lineage_edges e
        JOIN walk w ON e.output_table = w.input_table AND e.output_id = w.input_id
        WHERE w.depth < 100)
      """;

  private static final String TRACE_SELECT =
      TRACE + "SELECT output_table, output_id, input_table, input_id, input_snapshot_id FROM walk";

  private static final String EXPLAIN_SELECT =
      TRACE
          + """
          , nodes(parent_table, parent_id, table_name, record_id) AS (
            SELECT NULL::text, NULL::uuid, ?::text, ?::uuid
            UNION ALL
            SELECT output_table, output_id, input_table, input_id FROM walk)
          SELECT n.parent_table, n.parent_id, n.table_name, n.record_id, r.snapshot_id, r.run_id,
                 r.code_commit, r.model_name, r.model_version, r.payload
          FROM nodes n
          LEFT JOIN lineage_records r
            ON r.table_name = n.table_name AND r.record_id = n.record_id
          """;

  private static final String IMPACT_SELECT =
      """
      WITH RECURSIVE down(table_name, record_id, depth) AS (
        SELECT table_name, record_id, 0 FROM lineage_records
        WHERE model_name = ? AND model_version = ?
        UNION
        SELECT e.output_table, e.output_id, d.depth + 1
        FROM lineage_edges e
        JOIN down d ON e.input_table = d.table_name AND e.input_id = d.record_id
        WHERE d.depth < 100)
      SELECT table_name, min(depth) = 0 AS seed, count(*)
      FROM (SELECT table_name, record_id, min(depth) AS depth FROM down GROUP BY 1, 2) reached
      GROUP BY table_name, depth = 0
      """;

  private static final int COPY_BUFFER = 1 << 20;

  private final Connection connection;

  private PostgresLineage(Connection connection) {
    this.connection = connection;
  }

  /**
   * Connects and works in {@code schema} (created when missing), so that runs and tests sharing a
   * database never load each other's tables; the caller closes.
   */
  static PostgresLineage connect(String url, String user, String password, String schema)
      throws SQLException {
    if (!schema.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException(
          "PostgreSQL schema must be a lower-case SQL identifier, got '" + schema + "'");
    }
    Connection connection = DriverManager.getConnection(url, user, password);
    PostgresLineage pg = new PostgresLineage(connection);
    try {
      pg.execute("CREATE SCHEMA IF NOT EXISTS " + schema, "SET search_path = " + schema);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
    return pg;
  }

  /** Drops a schema and everything in it. */
  void dropSchema(String schema) throws SQLException {
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  /** Returns the server's version string. */
  String version() throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /**
   * Drops and reloads both tables with the graph, then builds the indexes and analyzes.
   *
   * @param snapshots the snapshot id of each record, as the lake committed it
   * @return seconds spent in COPY and in building indexes
   */
  double[] load(FraudGraph graph, GraphLoader snapshots, PrintStream out)
      throws SQLException, IOException {
    execute(
        "DROP TABLE IF EXISTS lineage_edges, lineage_records",
        "CREATE TABLE lineage_records (table_name text NOT NULL, record_id uuid NOT NULL,"
            + " snapshot_id bigint NOT NULL, run_id text, code_commit text, model_name text,"
            + " model_version text, payload text)",
        "CREATE TABLE lineage_edges (output_table text NOT NULL, output_id uuid NOT NULL,"
            + " input_table text NOT NULL, input_id uuid NOT NULL, input_snapshot_id bigint)");
    long start = System.nanoTime();
    CopyIn records =
        ((PGConnection) connection.unwrap(PGConnection.class))
            .getCopyAPI()
            .copyIn("COPY lineage_records FROM STDIN");
    try (CopyWriter w = new CopyWriter(records)) {
      for (int t = 0; t < FraudGraph.TABLES.size(); t++) {
        String table = FraudGraph.TABLES.get(t).toString();
        for (long i = 0; i < graph.size(t); i++) {
          var p = FraudGraph.provenance(t, graph.appendOf(i));
          w.line(
              table,
              FraudGraph.id(t, i),
              Long.toString(snapshots.snapshotOf(t, i)),
              nullable(p.runId()),
              nullable(p.codeCommit()),
              nullable(p.modelName()),
              nullable(p.modelVersion()),
              "row " + i);
        }
      }
    }
    CopyIn edges =
        ((PGConnection) connection.unwrap(PGConnection.class))
            .getCopyAPI()
            .copyIn("COPY lineage_edges FROM STDIN");
    try (CopyWriter w = new CopyWriter(edges)) {
      for (int t = 0; t < FraudGraph.TABLES.size(); t++) {
        if (FraudGraph.inputCount(t) == 0) {
          continue;
        }
        String table = FraudGraph.TABLES.get(t).toString();
        int inputTable = FraudGraph.inputTable(t);
        String inputName = FraudGraph.TABLES.get(inputTable).toString();
        for (long i = 0; i < graph.size(t); i++) {
          String id = FraudGraph.id(t, i);
          for (int k = 0; k < FraudGraph.inputCount(t); k++) {
            long input = graph.input(t, i, k);
            w.line(
                table,
                id,
                inputName,
                FraudGraph.id(inputTable, input),
                Long.toString(snapshots.snapshotOf(inputTable, input)));
          }
        }
      }
    }
    double copySeconds = (System.nanoTime() - start) / 1e9;
    out.printf(Locale.ROOT, "  PostgreSQL COPY: %.1f s%n", copySeconds);
    start = System.nanoTime();
    execute(
        "CREATE INDEX lineage_edges_output ON lineage_edges (output_table, output_id)",
        "CREATE INDEX lineage_edges_input ON lineage_edges (input_table, input_id)",
        "CREATE UNIQUE INDEX lineage_records_key ON lineage_records (table_name, record_id)",
        "CREATE INDEX lineage_records_model ON lineage_records (model_name, model_version)",
        "ANALYZE lineage_edges",
        "ANALYZE lineage_records");
    double indexSeconds = (System.nanoTime() - start) / 1e9;
    out.printf(Locale.ROOT, "  PostgreSQL indexes + ANALYZE: %.1f s%n", indexSeconds);
    return new double[] {copySeconds, indexSeconds};
  }

  /** Returns the edges upstream of a record, as {@link Edges#key} strings. */
  Set<String> trace(String table, String recordId) throws SQLException {
    Set<String> edges = new HashSet<>();
    try (PreparedStatement ps = connection.prepareStatement(TRACE_SELECT)) {
      ps.setString(1, table);
      ps.setString(2, recordId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          edges.add(
              Edges.key(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  (Long) rs.getObject(5)));
        }
      }
    }
    return edges;
  }

  /** Returns how many records the explanation holds (the record and every reached input). */
  int explain(String table, String recordId) throws SQLException {
    int rows = 0;
    try (PreparedStatement ps = connection.prepareStatement(EXPLAIN_SELECT)) {
      ps.setString(1, table);
      ps.setString(2, recordId);
      ps.setString(3, table);
      ps.setString(4, recordId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows++;
        }
      }
    }
    return rows;
  }

  /** Returns, per table, how many records a model version produced (seeds) or led to (derived). */
  Map<String, Long> impact(String model, String version) throws SQLException {
    Map<String, Long> counts = new HashMap<>();
    try (PreparedStatement ps = connection.prepareStatement(IMPACT_SELECT)) {
      ps.setString(1, model);
      ps.setString(2, version);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put((rs.getBoolean(2) ? "seed " : "derived ") + rs.getString(1), rs.getLong(3));
        }
      }
    }
    return counts;
  }

  private void execute(String... statements) throws SQLException {
    for (String sql : statements) {
      try (Statement s = connection.createStatement()) {
        s.execute(sql);
      }
    }
  }

  private static String nullable(String value) {
    return value == null ? "\\N" : value;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }

  /** Buffers COPY text lines (tab-separated; values here never hold tabs or backslashes). */
  private static final class CopyWriter implements AutoCloseable {
    private final CopyIn copy;
    private final StringBuilder buffer = new StringBuilder(COPY_BUFFER + 4096);

    CopyWriter(CopyIn copy) {
      this.copy = copy;
    }

    void line(String... values) throws SQLException {
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          buffer.append('\t');
        }
        buffer.append(values[i]);
      }
      buffer.append('\n');
      if (buffer.length() >= COPY_BUFFER) {
        flush();
      }
    }

    private void flush() throws SQLException {
      byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
      copy.writeToCopy(bytes, 0, bytes.length);
      buffer.setLength(0);
    }

    @Override
    public void close() throws SQLException {
      flush();
      copy.endCopy();
    }
  }
}
