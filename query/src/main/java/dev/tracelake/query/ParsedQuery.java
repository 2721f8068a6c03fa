package dev.tracelake.query;

import java.util.List;
import java.util.Set;

/**
 * What DuckDB's parser found in a checked query.
 *
 * @param relations every named relation the query mentions, in order of first mention (lake tables,
 *     metadata tables, lineage relations, placeholders, CTE names alike)
 * @param tableFunctions the lower-case names of the table functions it calls
 * @param cteNames the lower-case names of every CTE the query defines, at any depth
 * @param everyTable whether to resolve every lake table (only for the test seam that runs
 *     statements the guard would refuse, so that their files are within reach)
 */
record ParsedQuery(
    List<RelationName> relations,
    Set<String> tableFunctions,
    Set<String> cteNames,
    boolean everyTable) {
  ParsedQuery {
    relations = List.copyOf(relations);
    tableFunctions = Set.copyOf(tableFunctions);
    cteNames = Set.copyOf(cteNames);
  }

  ParsedQuery(List<RelationName> relations, Set<String> tableFunctions, Set<String> cteNames) {
    this(relations, tableFunctions, cteNames, false);
  }

  /** A statement that could not be inspected: every lake table is made available to it. */
  static ParsedQuery allTables() {
    return new ParsedQuery(List.of(), Set.of(), Set.of(), true);
  }

  /**
   * A relation name as written.
   *
   * @param schema the qualifying schema (a lake namespace), or empty
   * @param name the relation's name
   */
  record RelationName(String schema, String name) {}
}
