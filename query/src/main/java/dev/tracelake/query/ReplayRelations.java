package dev.tracelake.query;

import dev.tracelake.lake.DataFileInfo;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.PlannedColumn;
import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.LineageException;
import dev.tracelake.lineage.replay.ReplayInfo;
import dev.tracelake.lineage.replay.ReplaySlice;
import dev.tracelake.lineage.replay.Replays;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code replay_pairs('<replay id>')}: a table macro pairing each production output of a replay
 * with the candidate output that cites the same inputs at the same snapshots, as {@code tracelake
 * replay compare} does, one row per case: {@code replay_id}, {@code pairing} ({@code matched},
 * {@code only_production}, {@code only_candidate}), {@code inputs} (the case's inputs as sorted
 * {@code table/record_id@snapshot} texts), both record ids, both outputs' model version and
 * ingestion time, then {@code production_<column>} and {@code candidate_<column>} for every column
 * of the table. Outputs citing no input are not cases; of several outputs of a case on one side,
 * the one with the smallest record id is paired (compare lists the others as duplicates).
 *
 * <p>Both sides are views over exactly the data files the replay pinned: production's at the
 * snapshot its slice was read at (the slice's filters applied), the candidate's added on its branch
 * after the branch was made, up to the branch head (or the head recorded when it was published or
 * dropped). The pairing runs in DuckDB, so it scales as a join does.
 */
final class ReplayRelations {
  static final String PAIRS_MACRO = "replay_pairs";
  static final String PAIRING_MATCHED = "matched";
  static final String PAIRING_ONLY_PRODUCTION = "only_production";
  static final String PAIRING_ONLY_CANDIDATE = "only_candidate";

  private static final String ALL_PAIRS = "__tl_replay_pairs";

  private ReplayRelations() {}

  /**
   * Defines {@code replay_pairs} for the replays a query names.
   *
   * @throws QueryException NOT_FOUND for an unknown replay, FAILED_PRECONDITION for a replay whose
   *     branch is gone without a recorded head
   */
  static void define(QueryScope scope, FileOrigins origins, SessionPlan session, Set<String> ids) {
    if (session.isDefined(LineageRelations.SCHEMA, ALL_PAIRS)) {
      return;
    }
    List<String> selects = new ArrayList<>();
    try (Replays replays = Replays.open(scope.lake())) {
      for (String id : ids.stream().sorted().toList()) {
        ReplayInfo replay;
        try {
          replay = replays.get(id);
        } catch (LineageException e) {
          throw translate(e);
        }
        selects.add(pairs(scope, origins, session, replay));
      }
    }
    session.view(
        LineageRelations.SCHEMA,
        ALL_PAIRS,
        selects.isEmpty()
            ? "SELECT CAST(NULL AS VARCHAR) AS replay_id WHERE false"
            : String.join(
                " UNION ALL BY NAME ", selects.stream().map(s -> "(" + s + ")").toList()));
    session.statement(
        "CREATE MACRO "
            + PAIRS_MACRO
            + "(rid) AS TABLE SELECT * FROM "
            + SqlText.qualified(LineageRelations.SCHEMA, ALL_PAIRS)
            + " WHERE replay_id = rid");
  }

  private static String pairs(
      QueryScope scope, FileOrigins origins, SessionPlan session, ReplayInfo replay) {
    ReplaySlice slice = replay.spec().slice();
    TableName table = slice.table();
    Long head = replay.candidateSnapshotId();
    if (head == null) {
      throw new QueryException(
          QueryErrorKind.FAILED_PRECONDITION,
          String.format(
              "Replay %s: its branch %s is gone and its head was not recorded; nothing to pair",
              replay.replayId(), replay.spec().branch()));
    }
    long source = replay.definition().sourceSnapshotId();
    ScanPlan production = scope.plan(table, new VersionSpec.AtSnapshot(source));
    ScanPlan candidate = scope.plan(table, new VersionSpec.AtSnapshot(head));
    String productionRows =
        rows(
            session,
            production,
            slice.afterSnapshotId() == null
                ? production.files()
                : added(scope, origins, table, slice.afterSnapshotId(), source));
    Long base = replay.definition().baseSnapshotId();
    String candidateRows =
        rows(
            session,
            candidate,
            base == null ? candidate.files() : added(scope, origins, table, base, head));
    session.reference(
        new TableReference(
            table, "replay " + replay.replayId() + " production", OptionalLong.of(source)));
    session.reference(
        new TableReference(
            table, "replay " + replay.replayId() + " candidate", OptionalLong.of(head)));

    // the columns compared: every column of the candidate's version, each side's by field id
    Map<Integer, String> productionNames = new HashMap<>();
    production.columns().forEach(c -> productionNames.put(c.fieldId(), c.name()));
    List<String> select = new ArrayList<>();
    select.add(SqlText.string(replay.replayId()) + " AS replay_id");
    select.add(
        "CASE WHEN p._case IS NULL THEN '"
            + PAIRING_ONLY_CANDIDATE
            + "' WHEN c._case IS NULL THEN '"
            + PAIRING_ONLY_PRODUCTION
            + "' ELSE '"
            + PAIRING_MATCHED
            + "' END AS pairing");
    select.add("coalesce(p._case, c._case) AS inputs");
    select.add("p." + id(MetadataColumns.RECORD_ID) + " AS production_record_id");
    select.add("c." + id(MetadataColumns.RECORD_ID) + " AS candidate_record_id");
    for (String meta : List.of(MetadataColumns.MODEL_VERSION, MetadataColumns.INGESTED_AT)) {
      String bare = meta.substring(1);
      select.add(side("p", production, meta) + " AS " + id("production_" + bare));
      select.add(side("c", candidate, meta) + " AS " + id("candidate_" + bare));
    }
    for (PlannedColumn c : candidate.columns()) {
      if (MetadataColumns.NAMES.contains(c.name())) {
        continue;
      }
      String atSource = productionNames.get(c.fieldId());
      select.add(
          (atSource == null ? "NULL" : "p." + id(atSource))
              + " AS "
              + id("production_" + c.name()));
      select.add("c." + id(c.name()) + " AS " + id("candidate_" + c.name()));
    }
    return "WITH p AS ("
        + firstOfEachCase(productionRows, productionFilter(slice))
        + "), c AS ("
        + firstOfEachCase(candidateRows, "")
        + ") SELECT "
        + String.join(", ", select)
        + " FROM p FULL OUTER JOIN c ON p._case = c._case";
  }

  /** The rows of one side, each with its case (null when it cites no input), first per case. */
  private static String firstOfEachCase(String rows, String where) {
    return "SELECT * FROM (SELECT "
        + caseKey()
        + " AS _case, * FROM ("
        + rows
        + ") r"
        + (where.isEmpty() ? "" : " WHERE " + where)
        + ") WHERE _case IS NOT NULL QUALIFY row_number() OVER (PARTITION BY _case ORDER BY "
        + id(MetadataColumns.RECORD_ID)
        + ") = 1";
  }

  /**
   * The case of an output: its cited inputs as sorted, distinct {@code table/record_id@snapshot}
   * texts (tables as {@code namespace.name}, '-' for no snapshot), as the replay's own case keys
   * are; null for an output citing none.
   */
  private static String caseKey() {
    String lineage = id(MetadataColumns.LINEAGE);
    String refs =
        "list_sort(list_distinct(list_transform(list_filter("
            + lineage
            + ", lambda x: x IS NOT NULL AND x.table IS NOT NULL AND x.record_id IS NOT NULL),"
            + " lambda x: (CASE WHEN contains(trim(x.table), '.') THEN trim(x.table) ELSE "
            + SqlText.string(TableName.DEFAULT_NAMESPACE + ".")
            + " || trim(x.table) END) || '/' || x.record_id || '@' ||"
            + " coalesce(CAST(x.snapshot_id AS VARCHAR), '-'))))";
    return "CASE WHEN len(coalesce(" + refs + ", [])) = 0 THEN NULL ELSE " + refs + " END";
  }

  private static String productionFilter(ReplaySlice slice) {
    List<String> where = new ArrayList<>();
    if (slice.from() != null) {
      where.add(id(MetadataColumns.INGESTED_AT) + " >= " + time(slice.from()));
    }
    if (slice.to() != null) {
      where.add(id(MetadataColumns.INGESTED_AT) + " < " + time(slice.to()));
    }
    if (slice.modelName() != null) {
      where.add(id(MetadataColumns.MODEL_NAME) + " = " + SqlText.string(slice.modelName()));
    }
    if (slice.modelVersion() != null) {
      where.add(id(MetadataColumns.MODEL_VERSION) + " = " + SqlText.string(slice.modelVersion()));
    }
    if (slice.runId() != null) {
      where.add(id(MetadataColumns.RUN_ID) + " = " + SqlText.string(slice.runId()));
    }
    return String.join(" AND ", where);
  }

  private static String rows(SessionPlan session, ScanPlan plan, List<DataFileInfo> files) {
    session.allowFiles(QueryScope.localFiles(plan.table(), files));
    return ParquetSql.select(plan.columns(), files, "");
  }

  private static List<DataFileInfo> added(
      QueryScope scope, FileOrigins origins, TableName table, long after, long upTo) {
    List<DataFileInfo> files = new ArrayList<>();
    for (FileOrigins.AddedFiles a : origins.addedBetween(scope, table, after, upTo)) {
      files.addAll(a.files());
    }
    return files;
  }

  private static String side(String alias, ScanPlan plan, String column) {
    return plan.columns().stream().anyMatch(c -> c.name().equals(column))
        ? alias + "." + id(column)
        : "NULL";
  }

  private static String time(Instant t) {
    return "CAST(" + SqlText.string(t.toString()) + " AS TIMESTAMPTZ)";
  }

  private static String id(String name) {
    return SqlText.identifier(name);
  }

  private static QueryException translate(LineageException e) {
    QueryErrorKind kind =
        switch (e.kind()) {
          case NOT_FOUND -> QueryErrorKind.NOT_FOUND;
          case INVALID_ARGUMENT -> QueryErrorKind.INVALID_ARGUMENT;
          case FAILED_PRECONDITION -> QueryErrorKind.FAILED_PRECONDITION;
          default -> QueryErrorKind.INTERNAL;
        };
    return new QueryException(kind, e.getMessage(), e);
  }
}
