package dev.tracelake.query;

import java.util.List;
import java.util.Set;

/**
 * What DuckDB's parser found in a checked query.
 *
 * @param relations every named relation the query mentions, in order of first mention (lake tables,
 *     metadata tables, lineage relations, placeholders, CTE names alike)
 * @param tableFunctions the lower-case names of the table functions it calls
 */
record ParsedQuery(List<RelationName> relations, Set<String> tableFunctions) {
  ParsedQuery {
    relations = List.copyOf(relations);
    tableFunctions = Set.copyOf(tableFunctions);
  }

  /**
   * A relation name as written.
   *
   * @param schema the qualifying schema (a lake namespace), or empty
   * @param name the relation's name
   */
  record RelationName(String schema, String name) {}
}
