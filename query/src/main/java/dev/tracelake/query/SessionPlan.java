package dev.tracelake.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything a query's DuckDB database must hold before the query runs: the relations (views over
 * exactly the pinned data files, tables of metadata), the files DuckDB may read, and the table
 * versions the query reads. Built by {@link RelationResolver}; {@link SqlEngine} runs its
 * statements in the query's {@link Sandbox} database before the query itself.
 */
final class SessionPlan {
  /** DuckDB's default schema, where unqualified names resolve. */
  static final String MAIN_SCHEMA = "main";

  private final Set<String> schemas = new LinkedHashSet<>();
  private final List<String> statements = new ArrayList<>();
  private final Set<String> defined = new HashSet<>();
  // what each relation name means, by its case-insensitive key: DuckDB's names ignore case
  private final Map<String, String> owners = new HashMap<>();
  private final Set<String> files = new LinkedHashSet<>();
  private final Set<TableReference> references = new LinkedHashSet<>();

  /** Returns whether a relation of that name exists in that schema (names are case-insensitive). */
  boolean isDefined(String schema, String name) {
    return defined.contains(key(schema, name));
  }

  /**
   * Reserves a relation name for {@code owner} (a lake table at a version, a metadata table).
   *
   * @return true when the name is new, false when the same owner has it already
   * @throws QueryException INVALID_ARGUMENT when another owner has the name, ignoring case: DuckDB
   *     would read the same relation for both, so the query is refused rather than answered wrong
   */
  boolean claim(String schema, String name, String owner) {
    String previous = owners.putIfAbsent(key(schema, name), owner);
    if (previous == null) {
      return true;
    }
    if (previous.equals(owner)) {
      return false;
    }
    throw QueryException.invalid(
        "The query names both %s and %s, whose names differ only in case; SQL names ignore case"
            + " here, so one query cannot read both by name",
        previous, owner);
  }

  /** Defines a view; does nothing when a relation of that name exists. */
  void view(String schema, String name, String select) {
    if (define(schema, name)) {
      statements.add("CREATE VIEW " + SqlText.qualified(schema, name) + " AS " + select);
    }
  }

  /** Defines a table of values; does nothing when a relation of that name exists. */
  void table(ValuesTable table) {
    if (define(table.schema(), table.name())) {
      statements.addAll(table.statements());
    }
  }

  /** Adds a statement that defines something other than a relation (a macro). */
  void statement(String sql) {
    statements.add(sql);
  }

  void allowFiles(Collection<String> paths) {
    files.addAll(paths);
  }

  void reference(TableReference reference) {
    references.add(reference);
  }

  /** Returns the statements that build the database, schemas first. */
  List<String> setupStatements() {
    List<String> all = new ArrayList<>();
    for (String schema : schemas) {
      all.add("CREATE SCHEMA IF NOT EXISTS " + SqlText.identifier(schema));
    }
    all.addAll(statements);
    return all;
  }

  /** Returns the local paths of every file the query may read. */
  Set<String> files() {
    return Set.copyOf(files);
  }

  List<TableReference> references() {
    return List.copyOf(references);
  }

  private boolean define(String schema, String name) {
    if (!defined.add(key(schema, name))) {
      return false;
    }
    if (!schema.equalsIgnoreCase(MAIN_SCHEMA)) {
      schemas.add(schema);
    }
    return true;
  }

  private static String key(String schema, String name) {
    return schema.toLowerCase(Locale.ROOT) + "\0" + name.toLowerCase(Locale.ROOT);
  }
}
