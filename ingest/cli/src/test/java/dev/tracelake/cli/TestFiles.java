package dev.tracelake.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Writes input files for tests: text as given, Parquet through DuckDB's COPY. */
final class TestFiles {
  /** Three rows of id (long), name (string) and score (double). */
  static final String PEOPLE_CSV = "id,name,score\n1,ann,1.5\n2,bob,2.5\n3,cy,3.5\n";

  static final String PEOPLE_JSONL =
      """
      {"id": 1, "name": "ann", "score": 1.5}
      {"id": 2, "name": "bob", "score": 2.5}
      {"id": 3, "name": "cy", "score": 3.5}
      """;

  static final String PEOPLE_SQL =
      "SELECT * FROM (VALUES (1::BIGINT, 'ann', 1.5::DOUBLE), (2, 'bob', 2.5), (3, 'cy', 3.5))"
          + " AS t(id, name, score)";

  private TestFiles() {}

  static Path text(Path dir, String name, String content) {
    try {
      return Files.writeString(dir.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the result of a DuckDB query as a Parquet file. */
  static Path parquet(Path dir, String name, String query) {
    Path file = dir.resolve(name);
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duckdb.createStatement()) {
      statement.execute(
          "COPY (" + query + ") TO " + SqlText.literal(file.toString()) + " (FORMAT parquet)");
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot write " + file + ": " + e.getMessage(), e);
    }
    return file;
  }

  /** Writes the three people rows in the given format. */
  static Path people(Path dir, FileFormat format) {
    return switch (format) {
      case CSV -> text(dir, "people.csv", PEOPLE_CSV);
      case JSONL -> text(dir, "people.jsonl", PEOPLE_JSONL);
      case PARQUET -> parquet(dir, "people.parquet", PEOPLE_SQL);
    };
  }

  /** Returns a CSV of the people columns with ids from {@code from}, {@code rows} rows long. */
  static String peopleCsv(int from, int rows) {
    StringBuilder csv = new StringBuilder("id,name,score\n");
    for (int i = from; i < from + rows; i++) {
      csv.append(i).append(",p").append(i).append(',').append(i * 0.5).append('\n');
    }
    return csv.toString();
  }
}
