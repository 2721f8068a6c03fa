package dev.tracelake.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The kinds of file {@code load} reads, told apart by their extension. */
enum FileFormat {
  PARQUET(List.of(".parquet")),
  CSV(List.of(".csv")),
  JSONL(List.of(".jsonl", ".ndjson"));

  /** RFC 4180 CSV with a header line; only the column types are sniffed. */
  private static final String CSV_DIALECT = "header=true, delim=',', quote='\"', escape='\"'";

  private final List<String> extensions;

  FileFormat(List<String> extensions) {
    this.extensions = extensions;
  }

  /**
   * Returns the format of a file from its name.
   *
   * @throws CliException when the extension is not one {@code load} reads
   */
  static FileFormat of(Path file) {
    Path fileName = file.getFileName();
    String name = fileName == null ? "" : fileName.toString().toLowerCase(Locale.ROOT);
    for (FileFormat format : values()) {
      if (format.extensions.stream().anyMatch(name::endsWith)) {
        return format;
      }
    }
    throw CliException.of(
        "Cannot tell the format of %s from its name: load reads .parquet, .csv and .jsonl files",
        file);
  }

  /**
   * Returns the DuckDB table function that reads {@code file}. CSV and JSON readers are given the
   * column types so that a value that does not fit is reported with its line.
   *
   * @param types DuckDB type names by column, possibly empty
   */
  String reader(Path file, Map<String, String> types) {
    String path = SqlText.literal(file.toString());
    return switch (this) {
      case PARQUET -> "read_parquet(" + path + ")";
      case CSV ->
          "read_csv("
              + path
              + ", "
              + CSV_DIALECT
              + (types.isEmpty() ? "" : ", types=" + SqlText.typeMap(types))
              + ")";
      case JSONL ->
          "read_json("
              + path
              + ", format='newline_delimited', records=true"
              + (types.isEmpty() ? "" : ", columns=" + SqlText.typeMap(types))
              + ")";
    };
  }

  /**
   * Returns a CSV reader that takes the given columns as text without sniffing anything, so a line
   * with the wrong shape is reported by number.
   */
  static String strictCsvReader(Path file, List<String> columns) {
    Map<String, String> types = new java.util.LinkedHashMap<>();
    columns.forEach(c -> types.put(c, "VARCHAR"));
    return "read_csv("
        + SqlText.literal(file.toString())
        + ", "
        + CSV_DIALECT
        + ", auto_detect=false, columns="
        + SqlText.typeMap(types)
        + ")";
  }

  /** Returns the lowercase name users know the format by. */
  String displayName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
