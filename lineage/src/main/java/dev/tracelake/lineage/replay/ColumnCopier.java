package dev.tracelake.lineage.replay;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Copies values of one column from a vector read at one snapshot into a vector of the replay's
 * schema for that table: as they are when the types agree, widened when the column was widened
 * since (the only type changes Iceberg allows: int to long, float to double, a larger decimal
 * precision).
 */
interface ColumnCopier {
  void copy(int from, int to);

  static ColumnCopier of(FieldVector source, FieldVector target) {
    if (source.getField().getType().equals(target.getField().getType())) {
      TransferPair pair = source.makeTransferPair(target);
      return pair::copyValueSafe;
    }
    if (source instanceof IntVector in && target instanceof BigIntVector out) {
      return (from, to) -> {
        if (in.isNull(from)) {
          out.setNull(to);
        } else {
          out.setSafe(to, in.get(from));
        }
      };
    }
    if (source instanceof Float4Vector in && target instanceof Float8Vector out) {
      return (from, to) -> {
        if (in.isNull(from)) {
          out.setNull(to);
        } else {
          out.setSafe(to, in.get(from));
        }
      };
    }
    if (source instanceof DecimalVector in && target instanceof DecimalVector out) {
      return (from, to) -> {
        if (in.isNull(from)) {
          out.setNull(to);
        } else {
          BigDecimal v = in.getObject(from).setScale(out.getScale(), RoundingMode.UNNECESSARY);
          out.setSafe(to, v);
        }
      };
    }
    throw new IllegalStateException(
        "Column "
            + target.getField().getName()
            + " was read as "
            + source.getField().getType()
            + " but the replay reads it as "
            + target.getField().getType()
            + "; Iceberg allows no such change");
  }
}
