package dev.tracelake.query;

import dev.tracelake.lake.DataFileInfo;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lake as one query sees it. Each table version is resolved to a snapshot once and remembered,
 * so every mention of {@code t} (or of {@code t} at one version) in a query reads the same snapshot
 * even while writers commit. Not thread-safe: one query resolves on one thread.
 */
final class QueryScope {
  private final Lake lake;
  private final ParserDatabase parser;
  private final TableGate gate;
  private final Map<Pin, ScanPlan> plans = new HashMap<>();
  private final Map<TableName, List<SnapshotInfo>> snapshots = new HashMap<>();
  private List<TableName> tables;

  private record Pin(TableName table, VersionSpec version) {}

  QueryScope(Lake lake, ParserDatabase parser) {
    this(lake, parser, TableGate.OPEN);
  }

  QueryScope(Lake lake, ParserDatabase parser, TableGate gate) {
    this.lake = lake;
    this.parser = parser;
    this.gate = gate;
  }

  /** The lake queried (for the lineage relations' run states). */
  Lake lake() {
    return lake;
  }

  /** Lists the lake's tables the asker may see, once per query. */
  List<TableName> tables() {
    if (tables == null) {
      tables = lake.tables().stream().filter(gate::sees).toList();
    }
    return tables;
  }

  /** Lists the tables whose rows the asker may read (what the lineage relations are built of). */
  List<TableName> readableTables() {
    return tables().stream().filter(gate::mayRead).toList();
  }

  /**
   * Checks that the asker may read {@code table}, before anything of it is planned or mounted.
   *
   * @throws QueryException NOT_FOUND for a table the asker may not see (as for a missing one),
   *     PERMISSION_DENIED naming the table for one it may see but not read
   */
  void checkRead(TableName table) {
    if (!gate.sees(table)) {
      throw QueryException.notFound("Table '%s' does not exist; tables: %s", table, tables());
    }
    if (!gate.mayRead(table)) {
      throw QueryException.denied(
          "Permission denied: principal '%s' lacks privilege 'read' on table %s; the statement"
              + " was not run",
          gate.asker(), table);
    }
  }

  /**
   * Finds the lake table a SQL name means: {@code name} in the default namespace, or {@code
   * schema.name}. SQL names match lake names ignoring case, as DuckDB's do. Where the lake holds
   * several tables whose names differ only in case (only catalogs written before lake-core refused
   * such creations can), the one spelled exactly as the query spells it is meant; a spelling that
   * matches several but none exactly is refused.
   *
   * @throws QueryException INVALID_ARGUMENT for an ambiguous spelling
   */
  Optional<TableName> find(String schema, String name) {
    String namespace = schema.isEmpty() ? TableName.DEFAULT_NAMESPACE : schema;
    TableName exact;
    try {
      exact = new TableName(namespace, name);
    } catch (LakeException e) {
      exact = null; // not a name lake-core accepts; a table of another engine may still match
    }
    if (exact != null && gate.sees(exact) && lake.exists(exact)) {
      return Optional.of(exact);
    }
    List<TableName> matches =
        tables().stream()
            .filter(
                t -> t.namespace().equalsIgnoreCase(namespace) && t.name().equalsIgnoreCase(name))
            .toList();
    if (matches.size() > 1) {
      throw QueryException.invalid(
          "Table name '%s' matches %s, whose names differ only in case; write the name exactly as"
              + " the table you mean is spelled",
          schema.isEmpty() ? name : schema + "." + name, matches);
    }
    return matches.isEmpty() ? Optional.empty() : Optional.of(matches.get(0));
  }

  /**
   * Returns the table a SQL name means.
   *
   * @throws QueryException NOT_FOUND naming the table and listing the lake's tables
   */
  TableName require(String schema, String name) {
    return find(schema, name)
        .orElseThrow(
            () ->
                QueryException.notFound(
                    "Table '%s' does not exist; tables: %s",
                    schema.isEmpty() ? name : schema + "." + name, tables()));
  }

  LakeTable table(TableName name) {
    checkRead(name);
    return lake.table(name);
  }

  /** Resolves a table version to its plan, once per query. */
  ScanPlan plan(TableName table, VersionSpec version) {
    checkRead(table);
    VersionSpec resolved = resolveTime(version);
    return plans.computeIfAbsent(
        new Pin(table, resolved),
        pin -> LakeErrors.call(() -> resolved.apply(table(table)).plan()));
  }

  /** Describes a version, with a timestamp literal read as DuckDB reads it. */
  String describe(VersionSpec version) {
    return resolveTime(version).describe();
  }

  private VersionSpec resolveTime(VersionSpec version) {
    return version instanceof VersionSpec.AtTimestamp at
        ? new VersionSpec.AsOf(parser.timestamp(at.literal()))
        : version;
  }

  /** Lists a table's snapshots, once per query. */
  List<SnapshotInfo> snapshots(TableName table) {
    checkRead(table);
    return snapshots.computeIfAbsent(table, t -> LakeErrors.call(() -> table(t).snapshots()));
  }

  /**
   * Returns a snapshot of a table, also one committed after this query listed the snapshots.
   *
   * @return empty when the table has no such snapshot (any more)
   */
  Optional<SnapshotInfo> snapshot(TableName table, long snapshotId) {
    for (SnapshotInfo s : snapshots(table)) {
      if (s.snapshotId() == snapshotId) {
        return Optional.of(s);
      }
    }
    try {
      return Optional.of(table(table).snapshot(snapshotId));
    } catch (LakeException e) {
      return Optional.empty();
    }
  }

  /**
   * Returns the local paths of a plan's files. DuckDB reads Parquet by path; reading objects would
   * need its httpfs extension, which is not bundled with duckdb_jdbc and cannot be installed
   * offline, so SQL over an object-store warehouse is refused rather than half-working.
   *
   * @throws QueryException FAILED_PRECONDITION when a file is not on the local file system
   */
  static List<String> localFiles(ScanPlan plan) {
    return localFiles(plan.table(), plan.files());
  }

  static List<String> localFiles(TableName table, List<DataFileInfo> files) {
    return files.stream()
        .map(
            f -> {
              if (f.localPath() == null) {
                throw new QueryException(
                    QueryErrorKind.FAILED_PRECONDITION,
                    String.format(
                        "Table %s: data file %s is not on the local file system; SQL reads local"
                            + " warehouses only (DuckDB's httpfs extension is not available)."
                            + " Read object-store tables with the Scan API, Spark or Trino",
                        table, f.location()));
              }
              return f.localPath();
            })
        .toList();
  }
}
