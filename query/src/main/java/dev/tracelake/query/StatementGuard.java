package dev.tracelake.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Admits exactly one read-only SELECT, as DuckDB's own parser sees it, by an allow-list over its
 * whole syntax tree ({@code json_serialize_sql}).
 *
 * <p>{@code json_serialize_sql} returns an error object for every statement that is not a SELECT
 * (COPY, ATTACH, SET, PRAGMA, INSTALL, CREATE, ...), but it calls a SELECT whatever its CTEs hold,
 * and DuckDB accepts COPY, INSERT, UPDATE and DELETE as CTE bodies. So every object of the tree is
 * checked, wherever it sits (CTEs at any depth, subqueries, set operations, laterals, function and
 * macro arguments): a query node must be a SELECT, set operation or recursive CTE; a table
 * reference, result modifier and expression must be of a kind a read-only query needs; a table
 * function must be on a short list. Anything else, including whatever a DuckDB upgrade adds, is
 * refused by name. Writes are PERMISSION_DENIED, other unknown constructs INVALID_ARGUMENT.
 *
 * <p>It also refuses calls whose result size comes from an argument ({@code repeat}, {@code lpad},
 * scalar {@code range}, ...) unless that argument is a small literal: DuckDB's memory limit covers
 * its buffer manager, not the strings and lists such functions build, so one call could take the
 * whole machine's memory.
 *
 * <p>This is one of three layers: DuckDB's file confinement ({@link Sandbox}) and the kernel's
 * write barrier on every thread that runs DuckDB ({@link FileWriteBarrier}) hold even if a write
 * got past this check.
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

  /** The largest literal a size argument of a growing function may have. */
  static final long MAX_GROWTH = 8192;

  /** The most characters a {@code repeat} may produce. */
  static final long MAX_REPEAT_BYTES = 1L << 16;

  private static final Set<String> QUERY_NODES =
      Set.of("SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE", "CTE_NODE");
  private static final Map<String, String> WRITE_NODES =
      Map.of(
          "COPY_QUERY_NODE", "COPY",
          "INSERT_QUERY_NODE", "INSERT",
          "UPDATE_QUERY_NODE", "UPDATE",
          "DELETE_QUERY_NODE", "DELETE",
          "MERGE_INTO_QUERY_NODE", "MERGE");
  private static final Set<String> TABLE_REFS =
      Set.of(
          "BASE_TABLE",
          "JOIN",
          "SUBQUERY",
          "TABLE_FUNCTION",
          "EXPRESSION_LIST",
          "EMPTY",
          "PIVOT",
          "SHOW_REF");
  private static final Set<String> MODIFIERS =
      Set.of("ORDER_MODIFIER", "LIMIT_MODIFIER", "LIMIT_PERCENT_MODIFIER", "DISTINCT_MODIFIER");
  private static final Set<String> ORDER_TYPES = Set.of("ORDER_DEFAULT", "ASCENDING", "DESCENDING");
  private static final Set<String> EXPRESSION_CLASSES =
      Set.of(
          "BETWEEN",
          "CASE",
          "CAST",
          "COLLATE",
          "COLUMN_REF",
          "COMPARISON",
          "CONJUNCTION",
          "CONSTANT",
          "FUNCTION",
          "LAMBDA",
          "LAMBDA_REF",
          "OPERATOR",
          "POSITIONAL_REFERENCE",
          "STAR",
          "SUBQUERY",
          "WINDOW",
          "TYPE");

  /** Scalar functions that change session state a warm database would carry to the next query. */
  private static final Set<String> DENIED_FUNCTIONS =
      Set.of("setseed", "nextval", "currval", "set_variable");

  /** Functions whose result grows with an argument, and the index of that argument. */
  private static final Map<String, Integer> GROWING =
      Map.of(
          "repeat", 1,
          "lpad", 1,
          "rpad", 1,
          "list_resize", 1,
          "array_resize", 1,
          "bar", 3,
          "to_base", 2);

  private static final Set<String> LIST_RANGES = Set.of("range", "generate_series");
  private static final Set<String> FORMATTERS = Set.of("printf", "format");

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
   * @throws QueryException PERMISSION_DENIED for anything but one SELECT, a write anywhere inside
   *     it or a refused table function; INVALID_ARGUMENT for a syntax error, an empty query or a
   *     construct the SQL endpoint does not support
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
    Walk walk = new Walk(true);
    walk.statement(statements.get(0));
    return walk.result();
  }

  /**
   * Lists what {@code sql} references without refusing anything: the seam that tests use to show
   * that the layers below the guard hold on their own. Never used outside tests.
   *
   * @return the relations of a SELECT; for anything else, a query that names every lake table
   */
  ParsedQuery inspectWithoutChecking(String sql) {
    JsonNode tree = parse(parser.serialize(sql));
    JsonNode statements = tree.path("statements");
    if (tree.path("error").asBoolean(false) || statements.size() != 1) {
      return ParsedQuery.allTables();
    }
    Walk walk = new Walk(false);
    walk.statement(statements.get(0));
    return walk.result();
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
      if (message.startsWith("A CTE body must be") || message.contains("cannot be used as a CTE")) {
        return QueryException.denied(
            "%s: the SQL endpoint runs a single read-only SELECT", message);
      }
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

  /** One pass over a statement's tree: checks every object and collects what it references. */
  private static final class Walk {
    private final boolean enforce;
    private final List<ParsedQuery.RelationName> relations = new ArrayList<>();
    private final Set<String> functions = new LinkedHashSet<>();
    private final Set<String> cteNames = new LinkedHashSet<>();
    // the CTEs around the node being checked, innermost last, for messages
    private final Deque<String> ctes = new ArrayDeque<>();
    // the call expressions of table functions: the size caps of scalar functions do not apply
    private final Set<JsonNode> tableFunctionCalls =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    Walk(boolean enforce) {
      this.enforce = enforce;
    }

    ParsedQuery result() {
      return new ParsedQuery(relations.stream().distinct().toList(), functions, cteNames);
    }

    void statement(JsonNode statement) {
      JsonNode node = statement.path("node");
      if (enforce && !QUERY_NODES.contains(node.path("type").asText(""))) {
        throw unsupported(node.path("type").asText("unknown"), "statement");
      }
      walk(statement);
    }

    private void walk(JsonNode node) {
      if (node.isArray()) {
        node.forEach(this::walk);
        return;
      }
      if (!node.isObject()) {
        return;
      }
      if (node.has("class")) {
        expression(node);
      } else if (node.path("type").isTextual()) {
        typed(node, node.path("type").asText());
      }
      if (node.has("info_type") && enforce) {
        throw unsupported(node.path("info_type").asText(), "part of a query");
      }
      if (node.has("cte_map")) {
        for (JsonNode entry : node.path("cte_map").path("map")) {
          String name = entry.path("key").asText("");
          cteNames.add(name.toLowerCase(Locale.ROOT));
          ctes.addLast(name);
          walk(entry.path("value"));
          ctes.removeLast();
        }
      }
      node.fields()
          .forEachRemaining(
              field -> {
                if (!field.getKey().equals("cte_map")) {
                  walk(field.getValue());
                }
              });
    }

    private void typed(JsonNode node, String type) {
      if (WRITE_NODES.containsKey(type)) {
        if (enforce) {
          throw QueryException.denied(
              "%s inside a query%s is not allowed: the SQL endpoint runs read-only SELECTs and"
                  + " never writes",
              WRITE_NODES.get(type), where());
        }
        return;
      }
      if (QUERY_NODES.contains(type) || MODIFIERS.contains(type) || ORDER_TYPES.contains(type)) {
        return;
      }
      if (!TABLE_REFS.contains(type)) {
        if (enforce) {
          throw unsupported(type, "construct");
        }
        return;
      }
      switch (type) {
        case "BASE_TABLE" -> baseTable(node);
        case "SHOW_REF" -> {
          String name = node.path("table_name").asText("");
          if (!name.isEmpty() && !(name.startsWith("\"") && enforce)) {
            relations.add(new ParsedQuery.RelationName("", name));
          } else if (!name.isEmpty()) {
            throw QueryException.invalid(
                "SHOW %s is not supported: list the lake's tables with 'tracelake tables' and a"
                    + " table's columns with DESCRIBE <table>",
                name.replace("\"", ""));
          }
        }
        case "TABLE_FUNCTION" -> {
          JsonNode function = node.path("function");
          tableFunctionCalls.add(function);
          String schema = function.path("schema").asText("");
          String name = function.path("function_name").asText("").toLowerCase(Locale.ROOT);
          String full = schema.isEmpty() ? name : schema.toLowerCase(Locale.ROOT) + "." + name;
          functions.add(full);
          if (enforce && !ALLOWED_TABLE_FUNCTIONS.contains(full)) {
            throw QueryException.denied(
                "Table function %s is not allowed: queries read lake tables by name; allowed table"
                    + " functions: %s",
                full, new TreeSet<>(ALLOWED_TABLE_FUNCTIONS));
          }
        }
        default -> {
          // JOIN, SUBQUERY, EXPRESSION_LIST, EMPTY, PIVOT: their parts are walked
        }
      }
    }

    private void baseTable(JsonNode node) {
      String table = node.path("table_name").asText();
      String schema = node.path("schema_name").asText("");
      String catalog = node.path("catalog_name").asText("");
      if (!node.path("at_clause").isNull() && !node.path("at_clause").isMissingNode()) {
        throw QueryException.invalid(
            "Time travel uses Trino's syntax: FROM %s FOR VERSION AS OF <snapshot id or"
                + " 'ref'> or FOR TIMESTAMP AS OF TIMESTAMP '...', not an AT clause",
            table);
      }
      if (!catalog.isEmpty() && enforce) {
        throw QueryException.invalid(
            "Table name '%s.%s.%s' has too many parts: use 'name' or 'namespace.name'",
            catalog, schema, table);
      }
      relations.add(new ParsedQuery.RelationName(schema, table));
    }

    private void expression(JsonNode node) {
      String expressionClass = node.path("class").asText("");
      if (!enforce) {
        return;
      }
      if (expressionClass.equals("PARAMETER")) {
        throw QueryException.invalid(
            "Query parameters ($1, ?) are not supported: write values as literals");
      }
      if (!EXPRESSION_CLASSES.contains(expressionClass)) {
        throw unsupported(expressionClass, "expression");
      }
      if (expressionClass.equals("FUNCTION") && !tableFunctionCalls.contains(node)) {
        function(node);
      }
    }

    private void function(JsonNode node) {
      String name = node.path("function_name").asText("").toLowerCase(Locale.ROOT);
      if (DENIED_FUNCTIONS.contains(name)) {
        throw QueryException.denied(
            "Function %s is not allowed: it changes the session's state", name);
      }
      List<JsonNode> args = arguments(node);
      if (GROWING.containsKey(name)) {
        int index = GROWING.get(name);
        if (args.size() > index) {
          long size = sizeLiteral(name, args.get(index));
          if (name.equals("repeat")) {
            // its result is the argument times the count: both must be known
            String text = stringLiteral(args.get(0));
            if (text == null) {
              throw growth(name, "a first argument that is not a string literal");
            }
            if ((long) text.length() * size > MAX_REPEAT_BYTES) {
              throw growth(name, "a result of " + text.length() + " x " + size + " characters");
            }
          }
        }
      } else if (LIST_RANGES.contains(name)) {
        long count = rangeCount(name, args);
        if (count > MAX_GROWTH) {
          throw growth(name, "its list of " + count + " elements");
        }
      } else if (FORMATTERS.contains(name) && args.size() > 0) {
        String format = stringLiteral(args.get(0));
        if (format == null) {
          throw growth(name, "a format that is not a string literal");
        }
        for (String digits : format.split("[^0-9]+")) {
          if (!digits.isEmpty() && (digits.length() > 6 || Long.parseLong(digits) > MAX_GROWTH)) {
            throw growth(name, "a width of " + digits + " in its format");
          }
        }
      }
    }

    private long sizeLiteral(String function, JsonNode arg) {
      Long value = integerLiteral(arg);
      if (value == null) {
        throw growth(function, "a size that is not an integer literal");
      }
      if (value > MAX_GROWTH) {
        throw growth(function, "a size of " + value);
      }
      return value;
    }

    private long rangeCount(String function, List<JsonNode> args) {
      if (args.isEmpty()) {
        return 0;
      }
      List<Long> values = new ArrayList<>();
      for (JsonNode arg : args) {
        Long v = integerLiteral(arg);
        if (v == null) {
          throw growth(
              function,
              "bounds that are not integer literals (the table function FROM "
                  + function
                  + "(...) streams rows instead)");
        }
        values.add(v);
      }
      long start = values.size() == 1 ? 0 : values.get(0);
      long stop = values.size() == 1 ? values.get(0) : values.get(1);
      long step = values.size() > 2 ? values.get(2) : 1;
      if (step == 0) {
        return 0;
      }
      double span = ((double) stop - start) / step;
      // range excludes its stop, generate_series includes it
      double count = function.equals("range") ? Math.ceil(span) : Math.floor(span) + 1;
      return count <= 0 ? 0 : (long) Math.min(Long.MAX_VALUE, count);
    }

    private QueryException growth(String function, String what) {
      return QueryException.invalid(
          "%s(...) with %s is refused: functions whose result grows with an argument need an"
              + " integer literal of at most %d there (DuckDB's memory limit does not cover the"
              + " strings and lists they build)",
          function, what, MAX_GROWTH);
    }

    private QueryException unsupported(String construct, String what) {
      return QueryException.invalid(
          "%s (a %s)%s is not supported by the SQL endpoint, which runs read-only SELECTs",
          construct, what, where());
    }

    private String where() {
      return ctes.isEmpty() ? "" : " (in WITH " + String.join(" > ", ctes) + ")";
    }
  }

  /** Returns an integer literal's value; null for anything else. Too large reads as MAX_VALUE. */
  private static Long integerLiteral(JsonNode node) {
    if (!node.path("class").asText("").equals("CONSTANT")) {
      return null;
    }
    JsonNode literal = node.path("literal");
    if (!literal.path("kind").asText("").equals("INTEGER")) {
      return null;
    }
    String text = literal.path("text").asText("");
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return text.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** Returns a string literal's value; null for anything else. */
  private static String stringLiteral(JsonNode node) {
    if (!node.path("class").asText("").equals("CONSTANT")) {
      return null;
    }
    JsonNode literal = node.path("literal");
    return literal.path("kind").asText("").equals("STRING") ? literal.path("text").asText() : null;
  }

  /** Returns a function call's arguments (their expressions). */
  private static List<JsonNode> arguments(JsonNode function) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode arg : function.path("arguments")) {
      out.add(arg.has("expression") ? arg.path("expression") : arg);
    }
    for (JsonNode child : function.path("children")) {
      out.add(child);
    }
    return out;
  }
}
