package dev.tracelake.query;

import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lake.TableName;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Turns every relation a query names into a relation of its own DuckDB database, pinned to one
 * snapshot before the query runs: a lake table becomes a view over exactly the data files of its
 * snapshot, a metadata table or {@code runs} a table of values, a time-travel reference or {@code
 * table_changes} call a view under its placeholder name.
 *
 * <p>Each relation is created where DuckDB will look for the name as written (an unqualified name
 * in {@code main}, {@code ns.t} in schema {@code ns}), so DuckDB's own scoping (CTEs, subqueries)
 * stays untouched. A name that is neither a lake table, a metadata or lineage relation nor a CTE of
 * the query is refused here as NOT_FOUND, so DuckDB never gets to read a file by its path (its
 * replacement scans) or to look in its own catalogs.
 */
final class RelationResolver {
  private final QueryScope scope;
  private final FileOrigins origins;
  private final SessionPlan session = new SessionPlan();

  private RelationResolver(QueryScope scope, FileOrigins origins) {
    this.scope = scope;
    this.origins = origins;
  }

  static SessionPlan resolve(
      QueryScope scope, FileOrigins origins, RewrittenQuery rewritten, ParsedQuery parsed) {
    return new RelationResolver(scope, origins).run(rewritten, parsed);
  }

  private SessionPlan run(RewrittenQuery rewritten, ParsedQuery parsed) {
    Set<String> placeholders = new HashSet<>();
    for (RewrittenQuery.VersionedTable v : rewritten.versioned()) {
      placeholders.add(v.placeholder());
      defineVersioned(v);
    }
    for (RewrittenQuery.ChangesCall c : rewritten.changes()) {
      placeholders.add(c.placeholder());
      TableChanges.define(scope, origins, session, c);
    }
    if (parsed.everyTable()) {
      for (TableName t : scope.readableTables()) {
        defineSnapshotView(t.namespace(), t.name(), t, new VersionSpec.Current());
        if (t.namespace().equals(TableName.DEFAULT_NAMESPACE)) {
          defineSnapshotView(SessionPlan.MAIN_SCHEMA, t.name(), t, new VersionSpec.Current());
        }
      }
    }
    for (ParsedQuery.RelationName r : parsed.relations()) {
      if (r.schema().isEmpty() && placeholders.contains(r.name())) {
        continue;
      }
      if (!defineNamed(r.schema(), r.name())
          && !(r.schema().isEmpty()
              && parsed.cteNames().contains(r.name().toLowerCase(Locale.ROOT)))) {
        throw QueryException.notFound(
            "Table '%s' does not exist; tables: %s",
            r.schema().isEmpty() ? r.name() : r.schema() + "." + r.name(), scope.tables());
      }
    }
    if (parsed.tableFunctions().contains(LineageRelations.UPSTREAM_MACRO)) {
      LineageRelations.defineUpstream(scope, origins, session);
    }
    if (parsed.tableFunctions().contains(ReplayRelations.PAIRS_MACRO)) {
      ReplayRelations.define(scope, origins, session, parsed.replayIds());
    }
    return session;
  }

  private void defineVersioned(RewrittenQuery.VersionedTable v) {
    List<String> parts = v.nameParts();
    if (parts.size() > 2) {
      throw QueryException.invalid(
          "Table name '%s' has too many parts: use 'name' or 'namespace.name'",
          String.join(".", parts));
    }
    String schema = parts.size() == 2 ? parts.get(0) : "";
    String name = parts.get(parts.size() - 1);
    if (name.contains("$")) {
      MetadataTables.define(
          scope, session, SessionPlan.MAIN_SCHEMA, v.placeholder(), schema, v.version(), name);
      return;
    }
    TableName table = scope.require(schema, name);
    defineSnapshotView(SessionPlan.MAIN_SCHEMA, v.placeholder(), table, v.version());
  }

  /** Defines the relation a name means; returns false when it means no relation of the lake. */
  private boolean defineNamed(String schema, String name) {
    String duckSchema = schema.isEmpty() ? SessionPlan.MAIN_SCHEMA : schema;
    if (name.contains("$")) {
      MetadataTables.define(
          scope, session, duckSchema, name, schema, new VersionSpec.Current(), name);
      return true;
    }
    if (LineageRelations.isLineageName(name)) {
      boolean qualified = schema.equalsIgnoreCase(LineageRelations.SCHEMA);
      if (qualified || (schema.isEmpty() && scope.find(schema, name).isEmpty())) {
        LineageRelations.define(scope, origins, session, name, qualified ? null : name);
        return true;
      }
    }
    Optional<TableName> table = scope.find(schema, name);
    if (table.isPresent()) {
      defineSnapshotView(duckSchema, name, table.get(), new VersionSpec.Current());
      return true;
    }
    return false;
  }

  private void defineSnapshotView(
      String duckSchema, String name, TableName table, VersionSpec version) {
    if (!session.claim(duckSchema, name, table + " at " + scope.describe(version))) {
      return;
    }
    ScanPlan plan = scope.plan(table, version);
    List<String> files = QueryScope.localFiles(plan);
    session.allowFiles(files);
    session.view(
        duckSchema, name, ParquetSql.select(plan.columns(), plan.files(), "", plan.singleSchema()));
    session.reference(
        new TableReference(
            table,
            scope.describe(version),
            plan.snapshot()
                .map(s -> OptionalLong.of(s.snapshotId()))
                .orElse(OptionalLong.empty())));
  }
}
