package dev.tracelake.lineage;

import java.util.List;

/**
 * What a record, run, model or code commit affected downstream.
 *
 * @param query the question
 * @param seeds the records the question starts from: the record itself, or every record the run,
 *     model or commit produced; per table, sorted by table
 * @param derived every other record derived from the seeds, transitively; per table
 * @param problems the record asked about not being found, index lag
 * @param freshness how current the index was
 */
public record ImpactResult(
    ImpactQuery query,
    List<TableRecords> seeds,
    List<TableRecords> derived,
    List<Problem> problems,
    Freshness freshness) {
  public ImpactResult {
    seeds = List.copyOf(seeds);
    derived = List.copyOf(derived);
    problems = List.copyOf(problems);
  }

  /** Returns how many records the question starts from. */
  public long seedCount() {
    return seeds.stream().mapToLong(TableRecords::count).sum();
  }

  /** Returns how many records were derived from them. */
  public long derivedCount() {
    return derived.stream().mapToLong(TableRecords::count).sum();
  }

  /** Returns the derived records of one table, if any. */
  public java.util.Optional<TableRecords> derivedIn(String table) {
    String normalized = RecordKey.normalizeTable(table);
    return derived.stream().filter(t -> t.table().equals(normalized)).findFirst();
  }

  /** Returns the seed records of one table, if any. */
  public java.util.Optional<TableRecords> seedsIn(String table) {
    String normalized = RecordKey.normalizeTable(table);
    return seeds.stream().filter(t -> t.table().equals(normalized)).findFirst();
  }
}
