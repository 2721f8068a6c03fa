package dev.tracelake.lake;

import java.util.List;
import java.util.Objects;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

/**
 * A simple row filter on one column: comparisons, null checks and IN lists. Filters on a scan are
 * ANDed. Values are Java values (String, Long, Integer, Double, Boolean, BigDecimal) or ISO strings
 * for dates and timestamps.
 *
 * @param column the column
 * @param op the comparison
 * @param values the operand(s); empty for null checks
 */
public record Filter(String column, Op op, List<Object> values) {
  /** A comparison. */
  public enum Op {
    EQ("="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    IS_NULL("IS NULL"),
    NOT_NULL("IS NOT NULL"),
    IN("IN");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }

  public Filter {
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(op, "op");
    values = List.copyOf(values);
    int expected = op == Op.IS_NULL || op == Op.NOT_NULL ? 0 : 1;
    if (op == Op.IN ? values.isEmpty() : values.size() != expected) {
      throw new IllegalArgumentException(
          "Filter "
              + column
              + " "
              + op.symbol()
              + " takes "
              + (op == Op.IN ? "1 or more" : expected)
              + " value(s), got "
              + values);
    }
  }

  public static Filter eq(String column, Object value) {
    return new Filter(column, Op.EQ, List.of(value));
  }

  public static Filter ne(String column, Object value) {
    return new Filter(column, Op.NE, List.of(value));
  }

  public static Filter lt(String column, Object value) {
    return new Filter(column, Op.LT, List.of(value));
  }

  public static Filter le(String column, Object value) {
    return new Filter(column, Op.LE, List.of(value));
  }

  public static Filter gt(String column, Object value) {
    return new Filter(column, Op.GT, List.of(value));
  }

  public static Filter ge(String column, Object value) {
    return new Filter(column, Op.GE, List.of(value));
  }

  public static Filter isNull(String column) {
    return new Filter(column, Op.IS_NULL, List.of());
  }

  public static Filter notNull(String column) {
    return new Filter(column, Op.NOT_NULL, List.of());
  }

  public static Filter in(String column, List<?> values) {
    return new Filter(column, Op.IN, List.copyOf(values));
  }

  Expression toExpression() {
    Object v = values.isEmpty() ? null : values.get(0);
    return switch (op) {
      case EQ -> Expressions.equal(column, v);
      case NE -> Expressions.notEqual(column, v);
      case LT -> Expressions.lessThan(column, v);
      case LE -> Expressions.lessThanOrEqual(column, v);
      case GT -> Expressions.greaterThan(column, v);
      case GE -> Expressions.greaterThanOrEqual(column, v);
      case IS_NULL -> Expressions.isNull(column);
      case NOT_NULL -> Expressions.notNull(column);
      case IN -> Expressions.in(column, values.toArray());
    };
  }

  @Override
  public String toString() {
    return column
        + " "
        + op.symbol()
        + (values.isEmpty() ? "" : " " + (op == Op.IN ? values : values.get(0)));
  }
}
