package dev.tracelake.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracelake.lake.TableName;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Supplier;

/**
 * Translates DuckDB's errors into query exceptions. Query databases run with {@code
 * errors_as_json}, so an error arrives as a JSON object with its type, subtype and the name at
 * fault; the message keeps DuckDB's first lines and drops the caret diagrams and tuning advice.
 */
final class DuckDbErrors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DuckDbErrors() {}

  /** DuckDB's error as parsed from its JSON form (or its plain text). */
  private record DuckDbError(String type, String subtype, String name, String message) {}

  static QueryException translate(
      SQLException e, Supplier<List<TableName>> tables, SqlEngineConfig config) {
    DuckDbError error = parse(e);
    String message = error.message();
    switch (error.type()) {
      case "Parser", "Syntax":
        return QueryException.invalid("Syntax error: %s", message);
      case "Catalog":
        if ("MISSING_ENTRY".equals(error.subtype()) && message.startsWith("Table with name")) {
          return QueryException.notFound(
              "Table '%s' does not exist; tables: %s", error.name(), tables.get());
        }
        return QueryException.invalid("%s", message);
      case "Binder":
        return "COLUMN_NOT_FOUND".equals(error.subtype())
            ? QueryException.notFound("%s", message)
            : QueryException.invalid("%s", message);
      case "Permission":
        if (message.contains(".parquet/**/")) {
          // DuckDB globs a data file it cannot find as a directory, outside the allowed files:
          // the lake lost a committed file, which is no fault of the query
          return new QueryException(
              QueryErrorKind.INTERNAL,
              "A data file of the query's tables is missing: " + message,
              e);
        }
        return QueryException.denied("Not allowed in the SQL sandbox: %s", message);
      case "Out of Memory":
        return new QueryException(
            QueryErrorKind.RESOURCE_EXHAUSTED,
            String.format(
                "Query needs more than its limits of %d MiB of memory and %d MiB of spill space on"
                    + " disk (DuckDB: %s); %s",
                config.memoryLimitBytes() >> 20,
                config.maxSpillBytes() >> 20,
                withoutAdvice(firstLine(message)),
                SqlEngineConfig.howToRaise()));
      case "INTERRUPT":
        return new QueryException(QueryErrorKind.CANCELLED, "Query was interrupted");
      case "IO":
        // the kernel's write barrier answers EACCES: a write was attempted and stopped
        if (message.contains("Permission denied") || message.contains("Read-only file system")) {
          return QueryException.denied("Not allowed in the SQL sandbox: %s", message);
        }
        return new QueryException(QueryErrorKind.INTERNAL, message, e);
      case "FATAL", "INTERNAL", "Connection", "Serialization", "TransactionContext", "":
        return new QueryException(QueryErrorKind.INTERNAL, message, e);
      default:
        return QueryException.invalid("%s", message);
    }
  }

  /** Returns DuckDB's message without JSON, caret diagrams or advice. */
  static String plainMessage(SQLException e) {
    return parse(e).message();
  }

  private static DuckDbError parse(SQLException e) {
    String text = e.getMessage() == null ? "" : e.getMessage();
    int brace = text.indexOf('{');
    if (brace >= 0) {
      try {
        JsonNode node = JSON.readTree(text.substring(brace));
        if (node.has("exception_type")) {
          return new DuckDbError(
              node.path("exception_type").asText(""),
              node.path("error_subtype").asText(""),
              node.path("name").asText(""),
              clean(node.path("exception_message").asText("")));
        }
      } catch (java.io.IOException notJson) {
        // fall through to the plain text form
      }
    }
    int colon = text.indexOf(" Error: ");
    String type = colon > 0 && colon < 40 ? text.substring(0, colon) : "";
    return new DuckDbError(
        type, "", "", clean(colon > 0 && colon < 40 ? text.substring(colon + 8) : text));
  }

  /** Keeps DuckDB's own lines up to a caret diagram ("LINE 1: ...") or tuning advice. */
  private static String clean(String message) {
    String m = message;
    for (String cut : List.of("\n\nLINE ", "\nLINE ", "\nPossible solutions:", "\n\nSee also")) {
      int at = m.indexOf(cut);
      if (at >= 0) {
        m = m.substring(0, at);
      }
    }
    return m.strip().replace('\n', ' ');
  }

  /** Drops DuckDB's advice on settings the sandbox locks (temp_directory, PRAGMA ...). */
  private static String withoutAdvice(String message) {
    String m = message;
    for (String cut : List.of(" This limit was set", " Database is launched", " You can adjust")) {
      int at = m.indexOf(cut);
      if (at >= 0) {
        m = m.substring(0, at);
      }
    }
    return m.strip();
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
