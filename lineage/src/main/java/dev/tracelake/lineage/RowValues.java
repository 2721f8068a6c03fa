package dev.tracelake.lineage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.util.Text;

/**
 * Turns Arrow row values into plain Java values for explanations (and evidence bundles, which must
 * read rows exactly as explain shows them).
 */
public final class RowValues {
  private RowValues() {}

  /** Returns row {@code row} of every vector, by column name, in order. */
  public static Map<String, Object> row(List<FieldVector> vectors, int row) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (FieldVector v : vectors) {
      values.put(v.getName(), value(v, row));
    }
    return values;
  }

  /** Returns the value of one row of a vector as a plain Java value, or null. */
  public static Object value(ValueVector v, int row) {
    if (v.isNull(row)) {
      return null;
    }
    if (v instanceof VarCharVector s) {
      return s.getObject(row).toString();
    }
    if (v instanceof TimeStampVector ts) {
      long raw = ts.get(row);
      ArrowType.Timestamp type = (ArrowType.Timestamp) ts.getField().getType();
      if (type.getTimezone() != null) {
        return instant(raw, type.getUnit());
      }
      return ts.getObject(row);
    }
    if (v instanceof DateDayVector d) {
      return LocalDate.ofEpochDay(d.get(row));
    }
    if (v instanceof TimeMicroVector t) {
      return LocalTime.ofNanoOfDay(t.get(row) * 1_000L);
    }
    if (v instanceof MapVector m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      StructVector entries = (StructVector) m.getDataVector();
      ValueVector keys = entries.getChildByOrdinal(0);
      ValueVector values = entries.getChildByOrdinal(1);
      for (int i = m.getElementStartIndex(row); i < m.getElementEndIndex(row); i++) {
        out.put(value(keys, i), value(values, i));
      }
      return out;
    }
    if (v instanceof ListVector l) {
      List<Object> out = new ArrayList<>();
      ValueVector items = l.getDataVector();
      for (int i = l.getElementStartIndex(row); i < l.getElementEndIndex(row); i++) {
        out.add(value(items, i));
      }
      return out;
    }
    if (v instanceof StructVector s) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (String child : s.getChildFieldNames()) {
        out.put(child, value(s.getChild(child), row));
      }
      return out;
    }
    Object o = v.getObject(row);
    return o instanceof Text t ? t.toString() : o;
  }

  private static Instant instant(long value, org.apache.arrow.vector.types.TimeUnit unit) {
    return switch (unit) {
      case SECOND -> Instant.ofEpochSecond(value);
      case MILLISECOND -> Instant.ofEpochMilli(value);
      case MICROSECOND ->
          Instant.ofEpochSecond(
              Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1_000L);
      case NANOSECOND ->
          Instant.ofEpochSecond(
              Math.floorDiv(value, 1_000_000_000L), Math.floorMod(value, 1_000_000_000L));
    };
  }
}
