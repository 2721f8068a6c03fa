package dev.tracelake.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Admits exactly one read-only SELECT, as DuckDB's own parser sees it: {@code json_serialize_sql}
 * serializes SELECT statements only and returns an error object for every other statement (COPY,
 * ATTACH, SET, PRAGMA, INSTALL, CREATE, ...). DuckDB's file confinement alone is not enough: COPY
 * TO a path inside the allowed ones succeeds, so writes must never reach DuckDB.
 *
 * <p>It also refuses table functions outside a short allowlist, so files are read only through lake
 * table names even where the sandbox would permit the path, and reports the relations the query
 * names for resolution.
 */
final class StatementGuard {
  /** Table functions a query may call; anything reading files or DuckDB internals is refused. */
  static final Set<String> ALLOWED_TABLE_FUNCTIONS =
      Set.of(
          "range",
          "generate_series",
          "unnest",
          "json_each",
          "json_tree",
          LineageRelations.UPSTREAM_MACRO);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> SELECT_STARTS =
      Set.of("SELECT", "WITH", "FROM", "VALUES", "TABLE", "(", "DESCRIBE", "SUMMARIZE", "PIVOT");

  private final ParserDatabase parser;

  StatementGuard(ParserDatabase parser) {
    this.parser = parser;
  }

  /**
   * Checks {@code sql} and lists what it references.
   *
   * @throws QueryException PERMISSION_DENIED for anything but one SELECT or for a refused table
   *     function, INVALID_ARGUMENT for a syntax error or an empty query
   */
  ParsedQuery check(String sql) {
    JsonNode tree = parse(parser.serialize(sql));
    if (tree.path("error").asBoolean(false)) {
      throw refusal(sql, tree);
    }
    JsonNode statements = tree.path("statements");
    if (statements.isEmpty()) {
      throw QueryException.invalid("The query is empty; send one SELECT statement");
    }
    if (statements.size() > 1) {
      throw QueryException.denied(
          "Only one statement per query is allowed; got %d statements", statements.size());
    }
    List<ParsedQuery.RelationName> relations = new ArrayList<>();
    Set<String> functions = new LinkedHashSet<>();
    walk(statements.get(0), relations, functions);
    for (String function : functions) {
      if (!ALLOWED_TABLE_FUNCTIONS.contains(function)) {
        throw QueryException.denied(
            "Table function %s is not allowed: queries read lake tables by name; allowed table"
                + " functions: %s",
            function, new TreeSet<>(ALLOWED_TABLE_FUNCTIONS));
      }
    }
    return new ParsedQuery(relations.stream().distinct().toList(), functions);
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("DuckDB returned an unreadable syntax tree", e);
    }
  }

  private static QueryException refusal(String sql, JsonNode error) {
    String type = error.path("error_type").asText("");
    String message = error.path("error_message").asText("");
    if (type.equals("parser")) {
      return QueryException.invalid("Syntax error: %s", message);
    }
    List<String> kinds = statementKinds(sql);
    if (kinds.size() > 1) {
      return QueryException.denied(
          "Only one statement per query is allowed; got %d statements (%s)",
          kinds.size(), String.join(", ", kinds));
    }
    String kind = kinds.isEmpty() ? "This" : kinds.get(0);
    return QueryException.denied(
        "%s statements are not allowed: the SQL endpoint runs a single read-only SELECT", kind);
  }

  /** Returns the first keyword of each statement, for messages only. */
  private static List<String> statementKinds(String sql) {
    List<String> kinds = new ArrayList<>();
    boolean atStart = true;
    for (Token t : SqlTokenizer.tokenize(sql)) {
      if (t.isSymbol(';')) {
        atStart = true;
      } else if (atStart) {
        kinds.add(t.text().toUpperCase(Locale.ROOT));
        atStart = false;
      }
    }
    // name the offending statement first when a SELECT precedes it
    kinds.sort((a, b) -> Boolean.compare(SELECT_STARTS.contains(a), SELECT_STARTS.contains(b)));
    return kinds;
  }

  /** Collects relation names and table function names anywhere in the tree. */
  private static void walk(
      JsonNode node, List<ParsedQuery.RelationName> relations, Set<String> functions) {
    if (node.isArray()) {
      node.forEach(child -> walk(child, relations, functions));
      return;
    }
    if (!node.isObject()) {
      return;
    }
    String type = node.path("type").asText("");
    if (type.equals("BASE_TABLE") && node.has("table_name")) {
      if (!node.path("at_clause").isNull() && !node.path("at_clause").isMissingNode()) {
        throw QueryException.invalid(
            "Time travel uses Trino's syntax: FROM %s FOR VERSION AS OF <snapshot id or"
                + " 'ref'> or FOR TIMESTAMP AS OF TIMESTAMP '...', not an AT clause",
            node.path("table_name").asText());
      }
      relations.add(
          new ParsedQuery.RelationName(
              node.path("schema_name").asText(""), node.path("table_name").asText()));
    } else if (type.equals("SHOW_REF") && !node.path("table_name").asText("").isEmpty()) {
      relations.add(new ParsedQuery.RelationName("", node.path("table_name").asText()));
    } else if (type.equals("TABLE_FUNCTION")) {
      JsonNode function = node.path("function");
      String schema = function.path("schema").asText("");
      String name = function.path("function_name").asText("").toLowerCase(Locale.ROOT);
      functions.add(schema.isEmpty() ? name : schema.toLowerCase(Locale.ROOT) + "." + name);
    }
    node.forEach(child -> walk(child, relations, functions));
  }
}
