package dev.tracelake.lineage.replay;

import dev.tracelake.lineage.replay.ReplayComparison.ColumnComparison;
import dev.tracelake.lineage.replay.ReplayComparison.Kind;
import dev.tracelake.lineage.replay.ReplayComparison.ValuePair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Accumulates how one column differs over matched cases. Values arrive normalized: numbers as
 * {@link Double}, categorical values as {@link String}, anything else as a value with equals.
 */
final class ColumnStats {
  private record Pair(String production, String candidate) {}

  private static final Comparator<Map.Entry<Pair, long[]>> MOST_FIRST =
      Comparator.<Map.Entry<Pair, long[]>>comparingLong(e -> -e.getValue()[0])
          .thenComparing(e -> e.getKey().production(), Comparator.nullsFirst(String::compareTo))
          .thenComparing(e -> e.getKey().candidate(), Comparator.nullsFirst(String::compareTo));

  private final String column;
  private final Kind kind;
  private long compared;
  private long differing;
  private long deltas;
  private double sumAbs;
  private double maxAbs;
  private double sum;
  private final Map<Pair, long[]> confusion = new HashMap<>();

  ColumnStats(String column, Kind kind) {
    this.column = column;
    this.kind = kind;
  }

  void add(Object production, Object candidate) {
    compared++;
    switch (kind) {
      case NUMERIC -> {
        Double p = (Double) production;
        Double c = (Double) candidate;
        if (p == null || c == null) {
          if (p != c) {
            differing++;
          }
          return;
        }
        if (Double.compare(p, c) != 0) {
          differing++;
        }
        double delta = c - p;
        if (!Double.isNaN(delta)) {
          deltas++;
          sum += delta;
          sumAbs += Math.abs(delta);
          maxAbs = Math.max(maxAbs, Math.abs(delta));
        }
      }
      case CATEGORICAL -> {
        String p = (String) production;
        String c = (String) candidate;
        if (!Objects.equals(p, c)) {
          differing++;
        }
        confusion.computeIfAbsent(new Pair(p, c), k -> new long[1])[0]++;
      }
      case OTHER -> {
        if (!Objects.equals(production, candidate)) {
          differing++;
        }
      }
    }
  }

  ColumnComparison result(int maxPairs) {
    List<ValuePair> pairs = new ArrayList<>();
    if (kind == Kind.CATEGORICAL) {
      List<Map.Entry<Pair, long[]>> all = new ArrayList<>(confusion.entrySet());
      all.sort(MOST_FIRST);
      for (Map.Entry<Pair, long[]> e : all.subList(0, Math.min(maxPairs, all.size()))) {
        pairs.add(new ValuePair(e.getKey().production(), e.getKey().candidate(), e.getValue()[0]));
      }
    }
    boolean numeric = kind == Kind.NUMERIC && deltas > 0;
    return new ColumnComparison(
        column,
        kind,
        compared,
        differing,
        numeric ? sumAbs / deltas : null,
        numeric ? maxAbs : null,
        numeric ? sum / deltas : null,
        pairs,
        kind == Kind.CATEGORICAL ? confusion.size() : 0);
  }
}
