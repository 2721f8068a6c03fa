package dev.tracelake.benchmarks.sql;

import dev.tracelake.query.QueryResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * The answer of the benchmark's aggregate, {@code SELECT country, count(*), avg(amount) ... GROUP
 * BY country ORDER BY country NULLS LAST}: one group per country, the null country last.
 *
 * @param groups the groups in result order
 */
record CountryAggregate(List<Group> groups) {
  /** The select list and grouping, after {@code FROM <relation>}. */
  static final String SELECT = "SELECT country, count(*) AS n, avg(amount) AS avg_amount FROM ";

  static final String GROUP_BY = " GROUP BY country ORDER BY country NULLS LAST";

  // avg over millions of doubles may differ in the last bits with the summation order of threads
  private static final double AVG_TOLERANCE = 1e-9;

  /**
   * One group.
   *
   * @param country the country, or null
   * @param count rows of the group
   * @param avgAmount the mean amount
   */
  record Group(String country, long count, double avgAmount) {}

  CountryAggregate {
    groups = List.copyOf(groups);
  }

  /** Returns the query over {@code relation} (a table reference or a {@code read_parquet} call). */
  static String sql(String relation) {
    return SELECT + relation + GROUP_BY;
  }

  /** Reads the answer from a Tracelake query result, draining its batches. */
  static CountryAggregate of(QueryResult result) {
    List<Group> groups = new ArrayList<>();
    try {
      ArrowReader reader = result.reader();
      while (reader.loadNextBatch()) {
        VectorSchemaRoot batch = reader.getVectorSchemaRoot();
        for (int i = 0; i < batch.getRowCount(); i++) {
          Object country = batch.getVector(0).getObject(i);
          groups.add(
              new Group(
                  country == null ? null : country.toString(),
                  ((Number) batch.getVector(1).getObject(i)).longValue(),
                  ((Number) batch.getVector(2).getObject(i)).doubleValue()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the query result", e);
    }
    return new CountryAggregate(groups);
  }

  /** Reads the answer from a JDBC result set. */
  static CountryAggregate of(ResultSet rs) throws SQLException {
    List<Group> groups = new ArrayList<>();
    while (rs.next()) {
      groups.add(new Group(rs.getString(1), rs.getLong(2), rs.getDouble(3)));
    }
    return new CountryAggregate(groups);
  }

  long totalRows() {
    return groups.stream().mapToLong(Group::count).sum();
  }

  /**
   * Returns whether both answers have the same groups with the same counts, and means equal to a
   * relative 1e-9.
   */
  boolean agreesWith(CountryAggregate other) {
    if (groups.size() != other.groups.size()) {
      return false;
    }
    for (int i = 0; i < groups.size(); i++) {
      Group a = groups.get(i);
      Group b = other.groups.get(i);
      if (!Objects.equals(a.country(), b.country()) || a.count() != b.count()) {
        return false;
      }
      double scale = Math.max(Math.abs(a.avgAmount()), Math.abs(b.avgAmount()));
      if (Math.abs(a.avgAmount() - b.avgAmount()) > AVG_TOLERANCE * Math.max(1, scale)) {
        return false;
      }
    }
    return true;
  }
}
