package dev.tracelake.query;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.RowSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * Reads explained records with DuckDB: {@code SELECT <planned columns> FROM read_parquet(<the
 * snapshot's files>, schema => <field ids>) WHERE _record_id IN (...)}. DuckDB skips row groups by
 * the ids' min/max and evaluates the filter on the id column before it decodes the others, where
 * lake-core's row reader decodes every row of every file it opens.
 *
 * <p>One long-lived database serves every read (a connection per read, so explains run in
 * parallel). Only SQL built here runs in it, from planned files, field ids and quoted ids; it is
 * still confined to the warehouse directory, with its settings locked.
 */
public final class DuckDbRowSource implements RowSource, AutoCloseable {
  private static final int BATCH_ROWS = 1024;

  private final Lake lake;
  private final SqlEngineConfig config;
  // opened on the first read: a server that is never asked to explain starts no DuckDB for it
  private DuckDBConnection database;
  private boolean closed;

  private DuckDbRowSource(Lake lake, SqlEngineConfig config) {
    this.lake = lake;
    this.config = config;
  }

  /**
   * Returns a reader for a lake whose warehouse is a local directory; its database opens on the
   * first read.
   *
   * @throws IllegalArgumentException for an object-store warehouse (DuckDB cannot read it here)
   */
  public static DuckDbRowSource open(Lake lake, SqlEngineConfig config) {
    if (!lake.config().isLocalWarehouse()) {
      throw new IllegalArgumentException(
          "Warehouse "
              + lake.config().warehouse()
              + " is not local; DuckDB reads local files only");
    }
    return new DuckDbRowSource(lake, config);
  }

  private synchronized DuckDBConnection database() throws SQLException {
    if (closed) {
      throw new IllegalStateException("The record reader is closed");
    }
    if (database == null) {
      Properties props = new Properties();
      props.setProperty("autoinstall_known_extensions", "false");
      props.setProperty("autoload_known_extensions", "false");
      props.setProperty("threads", Integer.toString(config.threads()));
      props.setProperty("memory_limit", (config.memoryLimitBytes() >> 20) + "MiB");
      props.setProperty("temp_directory", "");
      Connection connection = DriverManager.getConnection("jdbc:duckdb:", props);
      try (Statement s = connection.createStatement()) {
        s.execute(
            "SET allowed_directories = "
                + SqlText.stringList(List.of(lake.config().warehousePath().toString())));
        s.execute("SET enable_external_access = false");
        s.execute("SET TimeZone = 'UTC'");
        s.execute("SET lock_configuration = true");
      } catch (SQLException | RuntimeException e) {
        connection.close();
        throw e;
      }
      database = connection.unwrap(DuckDBConnection.class);
    }
    return database;
  }

  /**
   * Makes {@code lineage} read explained records through a new DuckDB reader when the lake's
   * warehouse is local; returns the reader to close after the lineage, or null for an object-store
   * warehouse (lake-core's scan reads those).
   */
  public static DuckDbRowSource attachTo(Lineage lineage, Lake lake) {
    if (!lake.config().isLocalWarehouse()) {
      return null;
    }
    DuckDbRowSource source = open(lake, SqlEngineConfig.defaults());
    lineage.readRowsWith(source);
    return source;
  }

  @Override
  public void read(
      ScanPlan plan,
      List<String> recordIds,
      BufferAllocator allocator,
      Consumer<VectorSchemaRoot> batches)
      throws IOException {
    if (plan.files().isEmpty() || recordIds.isEmpty()) {
      return;
    }
    QueryScope.localFiles(plan); // refuses files not on the local file system
    String sql =
        "SELECT * FROM ("
            + ParquetSql.select(plan.columns(), plan.files(), "")
            + ") WHERE "
            + SqlText.identifier(MetadataColumns.RECORD_ID)
            + " IN "
            + recordIds.stream().map(SqlText::string).collect(Collectors.joining(", ", "(", ")"));
    try (DuckDBConnection connection = (DuckDBConnection) database().duplicate();
        Statement statement = connection.createStatement();
        DuckDBResultSet rs = (DuckDBResultSet) statement.executeQuery(sql);
        ArrowReader reader = (ArrowReader) rs.arrowExportStream(allocator, BATCH_ROWS)) {
      while (reader.loadNextBatch()) {
        batches.accept(reader.getVectorSchemaRoot());
      }
    } catch (SQLException e) {
      throw new IOException(
          "Table " + plan.table() + ": cannot read records: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (database != null) {
      try {
        database.close();
      } catch (SQLException e) {
        // nothing left to release
      }
    }
  }
}
