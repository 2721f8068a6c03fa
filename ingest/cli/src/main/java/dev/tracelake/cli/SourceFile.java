package dev.tracelake.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBDriver;
import org.duckdb.DuckDBResultSet;

/**
 * One input file read through an embedded, in-memory DuckDB: its columns as DuckDB sees them, and
 * its rows as a stream of Arrow batches. DuckDB's errors come out as {@link CliException}s naming
 * the file and, for CSV and JSON Lines, the line.
 *
 * <p>Every query runs on a fresh {@link Statement}: after a failure DuckDB closes the statement.
 */
final class SourceFile implements AutoCloseable {
  /** Rows per Arrow batch exported from DuckDB. */
  static final int BATCH_ROWS = 8192;

  private static final Pattern GLOB = Pattern.compile("[*?\\[]");

  private final Path file;
  private final Path absolute;
  private final FileFormat format;
  private final long sizeBytes;
  private final Connection duckdb;
  private Connection diagnostics;

  private SourceFile(Path file, FileFormat format, long sizeBytes, Connection duckdb) {
    this.file = file;
    this.absolute = file.toAbsolutePath().normalize();
    this.format = format;
    this.sizeBytes = sizeBytes;
    this.duckdb = duckdb;
  }

  /**
   * Opens a file for reading.
   *
   * @throws CliException when the file is missing, empty or of an unknown format
   */
  static SourceFile open(Path file) {
    FileFormat format = FileFormat.of(file);
    if (!Files.exists(file)) {
      throw CliException.of("File %s does not exist", file);
    }
    if (!Files.isRegularFile(file)) {
      throw CliException.of("%s is not a file", file);
    }
    if (GLOB.matcher(file.toAbsolutePath().toString()).find()) {
      // DuckDB expands these even in the name of an existing file, and would read other files.
      throw CliException.of(
          "Cannot load %s: DuckDB reads a path holding *, ? or [ as a pattern of file names;"
              + " rename the file or copy it to a plain name",
          file);
    }
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    if (size == 0) {
      throw CliException.of("File %s is empty", file);
    }
    return new SourceFile(file, format, size, connect(true));
  }

  private static Connection connect(boolean streaming) {
    Properties properties = new Properties();
    // Stream results instead of materializing the whole file in memory.
    properties.setProperty(DuckDBDriver.JDBC_STREAM_RESULTS, Boolean.toString(streaming));
    // No network: parquet, json and icu are built in, and nothing else is needed.
    properties.setProperty("autoinstall_known_extensions", "false");
    properties.setProperty("autoload_known_extensions", "false");
    Connection connection = null;
    try {
      connection = DriverManager.getConnection("jdbc:duckdb:", properties);
      try (Statement statement = connection.createStatement()) {
        // Timestamps with a zone but no offset in the file are read as UTC, whatever the host.
        statement.execute("SET TimeZone = 'UTC'");
      }
      return connection;
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new IllegalStateException("Cannot start the embedded DuckDB: " + e.getMessage(), e);
    }
  }

  Path file() {
    return file;
  }

  FileFormat format() {
    return format;
  }

  long sizeBytes() {
    return sizeBytes;
  }

  /**
   * Returns the file's columns as DuckDB reads them (CSV and JSON types are sniffed from the first
   * rows), without reading the rest of the file.
   */
  Schema schema(BufferAllocator allocator) {
    String sql = "SELECT * FROM " + format.reader(absolute, Map.of()) + " LIMIT 0";
    try (Statement statement = duckdb.createStatement();
        DuckDBResultSet rows = (DuckDBResultSet) statement.executeQuery(sql);
        ArrowReader reader = (ArrowReader) rows.arrowExportStream(allocator, 1)) {
      return reader.getVectorSchemaRoot().getSchema();
    } catch (SQLException e) {
      throw failed(e, sql);
    } catch (IOException e) {
      throw translate(e);
    }
  }

  /** Returns the number of rows when it is cheap to know (Parquet keeps it in its footer). */
  OptionalLong rowCount() {
    if (format != FileFormat.PARQUET) {
      return OptionalLong.empty();
    }
    String sql = "SELECT count(*) FROM " + format.reader(absolute, Map.of());
    try (Statement statement = duckdb.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return OptionalLong.of(rows.getLong(1));
    } catch (SQLException e) {
      throw failed(e, sql);
    }
  }

  /**
   * Starts streaming the file's rows, casting each column to the DuckDB type given for it.
   *
   * @param columnTypes every column of the file in order, mapped to a DuckDB type name, or to null
   *     to pass the column through as DuckDB read it
   */
  FileBatches read(Map<String, String> columnTypes, BufferAllocator allocator) {
    Map<String, String> typed =
        columnTypes.entrySet().stream()
            .filter(e -> e.getValue() != null)
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    String select =
        columnTypes.isEmpty()
            ? "*"
            : columnTypes.entrySet().stream()
                .map(e -> column(e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    String sql = "SELECT " + select + " FROM " + format.reader(absolute, typed);
    Statement statement = null;
    DuckDBResultSet rows = null;
    try {
      statement = duckdb.createStatement();
      rows = (DuckDBResultSet) statement.executeQuery(sql);
      ArrowReader reader = (ArrowReader) rows.arrowExportStream(allocator, BATCH_ROWS);
      return new FileBatches(this, statement, rows, reader);
    } catch (SQLException e) {
      closeQuietly(rows);
      closeQuietly(statement);
      throw failed(e, sql);
    } catch (RuntimeException e) {
      closeQuietly(rows);
      closeQuietly(statement);
      throw e;
    }
  }

  private static String column(String name, String type) {
    String id = SqlText.identifier(name);
    return type == null ? id : "CAST(" + id + " AS " + type + ") AS " + id;
  }

  /** Turns a DuckDB failure while reading this file into a message naming the file and line. */
  CliException translate(Exception e) {
    return translate(DuckDbErrors.message(e), e);
  }

  /**
   * Translates the failure of a query. DuckDB's JDBC driver loses the message when a streamed query
   * fails in its first rows ("Invalid result set"), so such a query is run again, materialized, to
   * get the message back.
   */
  private CliException failed(SQLException e, String sql) {
    String message = DuckDbErrors.message(e);
    if (DuckDbErrors.isLostStreamingError(message)) {
      message = errorOf(sql).orElse(message);
    }
    return translate(message, e);
  }

  private CliException translate(String message, Exception cause) {
    Optional<LineError> line = Optional.empty();
    if (format == FileFormat.CSV) {
      line = DuckDbErrors.csvLineError(message);
      if (line.isEmpty() && DuckDbErrors.isCsvSniffFailure(message)) {
        line = findBadCsvLine();
      }
    } else if (format == FileFormat.JSONL) {
      line = DuckDbErrors.jsonTransformError(message);
      if (line.isEmpty() && DuckDbErrors.isMalformedJson(message)) {
        line = JsonLinesCheck.firstBadLine(file);
      }
    }
    if (line.isPresent()) {
      CliException translated = line.get().toException(file);
      translated.initCause(cause);
      return translated;
    }
    return new CliException(
        "Cannot read "
            + file
            + " as "
            + format.displayName()
            + ": "
            + DuckDbErrors.summary(message),
        cause);
  }

  /**
   * Finds the malformed line when DuckDB could not even sniff the layout, by reading every line as
   * text against the header's column count.
   */
  private Optional<LineError> findBadCsvLine() {
    List<String> names = CsvHeader.names(file);
    if (names.isEmpty()) {
      return Optional.empty();
    }
    return errorOf("SELECT * FROM " + FileFormat.strictCsvReader(absolute, names))
        .flatMap(DuckDbErrors::csvLineError);
  }

  /**
   * Evaluates every value of a query on a separate, non-streaming connection and returns DuckDB's
   * error, if any. Hashing whole rows keeps DuckDB from skipping a column (and its casts) while
   * holding no rows in memory.
   */
  private Optional<String> errorOf(String query) {
    try {
      if (diagnostics == null) {
        diagnostics = connect(false);
      }
      try (Statement statement = diagnostics.createStatement();
          ResultSet rows =
              statement.executeQuery("SELECT max(hash(t)) FROM (" + query + ") AS t")) {
        rows.next();
      }
      return Optional.empty();
    } catch (SQLException e) {
      return Optional.of(DuckDbErrors.message(e));
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      // already failing; the first error is the one to report
    }
  }

  @Override
  public void close() {
    try (Connection ignored = diagnostics) {
      duckdb.close();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot close the embedded DuckDB: " + e.getMessage(), e);
    }
  }
}
