package dev.tracelake.pgwire;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;

/** PostgreSQL's binary formats (the {@code *_send} functions) for the values the door sends. */
final class PgBinary {
  /** Days and microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01. */
  static final long PG_EPOCH_DAYS = 10_957;

  static final long PG_EPOCH_MICROS = PG_EPOCH_DAYS * 86_400_000_000L;

  private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);

  private PgBinary() {}

  static void temporal(PgOutput out, PgColumn column, FieldVector v, int row) {
    switch (column.kind()) {
      case DATE_DAY, DATE_MILLI ->
          out.int32(4).int32((int) (PgColumn.dateDays(v, row) - PG_EPOCH_DAYS));
      case TIME -> out.int32(8).int64(PgText.timeMicros(v, row));
      case TIMESTAMP, TIMESTAMPTZ ->
          out.int32(8)
              .int64(
                  PgColumn.micros(PgColumn.timestampValue(v, row), column.unit())
                      - PG_EPOCH_MICROS);
      case INTERVAL -> {
        long[] i = PgText.interval(v, row);
        out.int32(16).int64(i[2]).int32((int) i[1]).int32((int) i[0]);
      }
      default -> throw new IllegalStateException("Not temporal: " + column.kind());
    }
  }

  /**
   * numeric_send: digit count, weight of the first base-10000 digit, sign, display scale, then the
   * base-10000 digits.
   */
  static void numeric(PgOutput out, BigDecimal value) {
    int scale = Math.max(value.scale(), 0);
    BigDecimal abs = value.abs().setScale(scale, RoundingMode.UNNECESSARY);
    // align the scale to a multiple of 4 digits so the fraction splits into base-10000 digits
    int alignedScale = (scale + 3) / 4 * 4;
    BigInteger unscaled = abs.setScale(alignedScale, RoundingMode.UNNECESSARY).unscaledValue();
    List<Integer> digits = new ArrayList<>();
    while (unscaled.signum() > 0) {
      BigInteger[] qr = unscaled.divideAndRemainder(TEN_THOUSAND);
      digits.add(0, qr[1].intValue());
      unscaled = qr[0];
    }
    int fractionDigits = alignedScale / 4;
    int weight = digits.size() - fractionDigits - 1;
    // drop trailing and leading zero digits; the weight keeps the value
    while (!digits.isEmpty() && digits.get(digits.size() - 1) == 0) {
      digits.remove(digits.size() - 1);
    }
    while (!digits.isEmpty() && digits.get(0) == 0) {
      digits.remove(0);
      weight--;
    }
    if (digits.isEmpty()) {
      weight = 0;
    }
    out.int32(8 + 2 * digits.size())
        .int16(digits.size())
        .int16(weight)
        .int16(value.signum() < 0 ? 0x4000 : 0)
        .int16(scale);
    for (int d : digits) {
      out.int16(d);
    }
  }

  /** array_send of a one-dimensional array with lower bound 1. */
  static void array(PgOutput out, PgColumn column, ListVector list, int row) {
    FieldVector data = list.getDataVector();
    PgColumn element = PgColumn.of(data.getField());
    int start = list.getElementStartIndex(row);
    int end = list.getElementEndIndex(row);
    boolean hasNull = false;
    for (int i = start; i < end; i++) {
      hasNull |= data.isNull(i);
    }
    int at = out.reserveLength();
    out.int32(1).int32(hasNull ? 1 : 0).int32(column.type().elementOid());
    out.int32(end - start).int32(1);
    for (int i = start; i < end; i++) {
      element.write(out, data, i, true, java.time.ZoneOffset.UTC);
    }
    out.patchLength(at);
  }
}
