package dev.tracelake.ingest;

import dev.tracelake.access.Caller;
import dev.tracelake.access.Grants;
import dev.tracelake.access.Privilege;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.LineageException;
import dev.tracelake.lineage.replay.ReplayInfo;
import dev.tracelake.lineage.replay.Replays;
import dev.tracelake.query.QueryErrorKind;
import dev.tracelake.query.QueryException;
import java.util.List;
import java.util.Optional;

/**
 * Per-table checks of ReplayService calls, which name a replay rather than tables (so the
 * interceptor cannot check them): a replay is about its output table and streams the values of
 * every input table its outputs cite.
 *
 * <ul>
 *   <li>creating one reads the output table's production outputs and makes a branch of it: {@code
 *       read} and {@code write} on the output table, and {@code read} on every input table, checked
 *       before anything is recorded or branched;
 *   <li>streaming its inputs: {@code read} on the output table and on every input table;
 *   <li>comparing: {@code read} on the output table; publishing and committing an empty batch:
 *       {@code write} on it (as PublishBranch and appends); seeing or listing it: any privilege on
 *       it. A replay of a table the caller may not see answers as an unknown replay does.
 * </ul>
 *
 * Without access control there is no caller and everything is allowed.
 */
final class ReplayAccess {
  private ReplayAccess() {}

  /** Returns whether the current caller may see replays of {@code table}. */
  static boolean sees(TableName table) {
    return Caller.currentSees(table);
  }

  /**
   * Checks that the current caller holds {@code privilege} on {@code table}, whether or not the
   * table exists (so a denial tells nothing about it).
   *
   * @throws QueryException PERMISSION_DENIED naming the principal, the privilege and the table
   */
  static void require(Privilege privilege, TableName table, String why) {
    Optional<Caller> caller = Caller.current();
    if (caller.isEmpty()) {
      return;
    }
    Grants grants = caller.get().grants();
    if (!grants.holds(privilege, table)) {
      throw new QueryException(
          QueryErrorKind.PERMISSION_DENIED,
          "Permission denied: principal '"
              + grants.principal()
              + "' lacks privilege '"
              + privilege.label()
              + "' on table "
              + table
              + " ("
              + why
              + ")");
    }
  }

  /** Checks {@code read} on each input table ({@code namespace.name}) a replay cites. */
  static void requireInputs(List<String> inputTables, String why) {
    if (Caller.current().isEmpty()) {
      return;
    }
    for (String t : inputTables) {
      TableName table;
      try {
        table = TableName.parse(t);
      } catch (RuntimeException e) {
        // cited by an output but not a table name: nobody may read values from it
        throw new QueryException(
            QueryErrorKind.PERMISSION_DENIED,
            "Permission denied: the replay cites inputs in '" + t + "', which is not a table");
      }
      require(Privilege.READ, table, why);
    }
  }

  /**
   * Returns the replay if the current caller may see its output table; otherwise answers exactly as
   * for an id no replay has, listing only the replays the caller may see.
   *
   * @throws LineageException NOT_FOUND
   */
  static ReplayInfo visible(Replays replays, String replayId) {
    if (Caller.current().isEmpty()) {
      return replays.get(replayId);
    }
    ReplayInfo info;
    try {
      info = replays.get(replayId);
    } catch (LineageException e) {
      if (e.kind() != LineageException.Kind.NOT_FOUND) {
        throw e;
      }
      throw unknown(replays, replayId);
    }
    if (!sees(info.spec().slice().table())) {
      throw unknown(replays, replayId);
    }
    return info;
  }

  private static LineageException unknown(Replays replays, String replayId) {
    List<String> ids =
        replays.list(null).stream()
            .filter(r -> sees(r.spec().slice().table()))
            .map(ReplayInfo::replayId)
            .sorted()
            .toList();
    String shown = ids.size() <= 20 ? ids.toString() : ids.subList(0, 20) + " and more";
    return new LineageException(
        LineageException.Kind.NOT_FOUND,
        String.format("No replay has the id '%s'; replays: %s", replayId, shown));
  }
}
