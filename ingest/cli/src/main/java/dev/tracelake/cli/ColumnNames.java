package dev.tracelake.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Column names of a printed result, made unique the way DuckDB names the columns of a table created
 * from a query with repeated names ({@code SELECT _record_id, * ...}): the first keeps its name,
 * each later one gets the lowest free suffix {@code _1}, {@code _2}, ... Names compare without
 * case, as SQL identifiers do, so no JSON consumer or CSV reader drops a column silently.
 */
final class ColumnNames {
  private ColumnNames() {}

  /** Returns {@code names} with repeats renamed; the order and the first occurrences stay. */
  static List<String> unique(List<String> names) {
    Set<String> taken = new HashSet<>();
    for (String name : names) {
      taken.add(key(name));
    }
    Set<String> used = new HashSet<>();
    List<String> out = new ArrayList<>(names.size());
    for (String name : names) {
      String chosen = name;
      if (!used.add(key(name))) {
        for (int n = 1; ; n++) {
          chosen = name + "_" + n;
          if (!taken.contains(key(chosen)) && used.add(key(chosen))) {
            break;
          }
        }
      }
      out.add(chosen);
    }
    return out;
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
