package dev.tracelake.client;

import java.util.List;

/**
 * What a record, run, model (version) or code commit affected downstream.
 *
 * @param query the question as the server read it, e.g. {@code model fraud v3}
 * @param startCount records the question starts from
 * @param derivedCount records derived from them, transitively
 * @param tables per table: the records started from, then the records derived
 * @param problems unknown start, cycles, missing records and index lag, one each
 * @param freshness how current the server's index was
 */
public record Impact(
    String query,
    long startCount,
    long derivedCount,
    List<Tables> tables,
    List<Problem> problems,
    String freshness) {
  public Impact {
    tables = List.copyOf(tables);
    problems = List.copyOf(problems);
  }

  /**
   * Records of one table.
   *
   * @param start whether these are records the question starts from (else: derived)
   * @param count how many (complete)
   * @param recordIds their ids, up to the requested limit
   */
  public record Tables(String table, boolean start, long count, List<String> recordIds) {
    public Tables {
      recordIds = List.copyOf(recordIds);
    }
  }

  /**
   * A problem in an answer.
   *
   * @param kind e.g. {@code NOTHING_MATCHED}, {@code CYCLE}, {@code RECORD_NOT_FOUND}
   * @param message a sentence naming what is at fault
   */
  public record Problem(String kind, String message) {}

  /** Whether the start was not found at all (unknown run, model, commit or record). */
  public boolean startUnknown() {
    return startCount == 0
        && problems.stream()
            .anyMatch(
                p -> p.kind().equals("NOTHING_MATCHED") || p.kind().equals("RECORD_NOT_FOUND"));
  }
}
