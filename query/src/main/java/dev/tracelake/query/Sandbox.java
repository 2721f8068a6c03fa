package dev.tracelake.query;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the DuckDB database one query runs in: in memory, fresh per query, and locked down before
 * any statement runs. It may read exactly the data files the query's pinned snapshots hold and no
 * other file; it spills only to the query's own directory, up to a size; it cannot load or install
 * extensions or change any setting; memory and threads are capped.
 *
 * <p>These settings confine where DuckDB reaches, not what it does there (COPY TO an allowed path
 * would succeed), which is why two more layers stand in front of the files: {@link StatementGuard}
 * admits only read-only SELECTs, and every database is created and used on {@link SandboxThreads},
 * which the kernel forbids to write anywhere but the spill directory.
 *
 * <p>Creating a database costs ~15 ms, so one is prepared ahead, off the query's path: a spare that
 * has its startup settings and time zone but has run nothing else. A query takes the spare, adds
 * its allowed files and spill directory and locks it; a new spare is prepared in the background.
 */
final class Sandbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);

  private final SqlEngineConfig config;
  private final SandboxThreads threads;
  // guarded by this; null when none is being prepared
  private Future<Connection> spare;
  // guarded by this
  private boolean closed;

  Sandbox(SqlEngineConfig config, SandboxThreads threads) {
    this.config = config;
    this.threads = threads;
    synchronized (this) {
      prepareSpare();
    }
  }

  /**
   * Returns a locked-down database that may read exactly {@code allowedFiles} and spill to {@code
   * spillDir}. Runs on a confined thread.
   */
  DuckDBConnection open(Collection<String> allowedFiles, Path spillDir) throws SQLException {
    Connection taken = takeSpare();
    return threads.call(
        () -> {
          Connection connection = taken != null ? taken : create(config);
          try {
            // allowed_paths cannot change once external access is off. The spare ran nothing else.
            if (!allowedFiles.isEmpty()) {
              execute(connection, "SET allowed_paths = " + SqlText.stringList(allowedFiles));
            }
            execute(connection, "SET temp_directory = " + SqlText.string(spillDir.toString()));
            execute(connection, "SET max_temp_directory_size = '" + config.maxSpillBytes() + "B'");
            execute(connection, "SET enable_external_access = false");
            execute(connection, "SET lock_configuration = true");
            return connection.unwrap(DuckDBConnection.class);
          } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
          }
        });
  }

  private Connection takeSpare() {
    Future<Connection> ready;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("SQL engine is closed");
      }
      ready = spare != null && spare.isDone() ? spare : null;
      if (ready != null) {
        spare = null;
      }
      if (spare == null) {
        prepareSpare();
      }
    }
    if (ready == null) {
      return null; // still being prepared (queries arriving faster than ~60/s): create inline
    }
    try {
      return ready.get();
    } catch (ExecutionException e) {
      LOG.warn("Preparing a spare DuckDB database failed; creating one inline", e.getCause());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  // guarded by this
  private void prepareSpare() {
    spare = threads.submit(() -> create(config));
  }

  /**
   * Creates a database with the startup settings; nothing locked yet. Call on a confined thread.
   */
  private static Connection create(SqlEngineConfig config) throws SQLException {
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
      // Set by SQL, not as startup properties: the property parser mangles quotes. TimeZone
      // needs the bundled icu extension, which loads only after startup.
      execute(connection, "SET TimeZone = 'UTC'");
      return connection;
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

  @Override
  public void close() {
    Future<Connection> left;
    synchronized (this) {
      closed = true;
      left = spare;
      spare = null;
    }
    if (left != null) {
      try {
        Connection connection = left.get();
        threads.call(
            () -> {
              connection.close();
              return null;
            });
      } catch (ExecutionException | SQLException | IllegalStateException e) {
        // nothing to release
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
