package dev.tracelake.lake;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.NonNullableStructVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Value checks of an Arrow batch that the column types alone do not make: strings are valid UTF-8
 * (an invalid one would make every SQL read of the table fail, and nothing committed can be
 * rewritten), dates and timestamps fall in the years 1 to 9999 (what SQL engines and Spark can
 * read), and record ids and lineage references are short, printable text. Strings are scanned eight
 * bytes at a time and decoded only when they are not ASCII, so the check costs a pass over the
 * bytes, not work per row.
 */
final class BatchValues {
  /** The longest record id, in UTF-8 bytes (a canonical id is 36). */
  static final int MAX_RECORD_ID_BYTES = 256;

  private static final long MIN_DAY = JsonBatches.MIN_DATE.toEpochDay();
  private static final long MAX_DAY = JsonBatches.MAX_DATE.toEpochDay();
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long ONES = 0x0101010101010101L;

  private BatchValues() {}

  /**
   * Checks every value of a batch as described above.
   *
   * @throws LakeException INVALID_ARGUMENT naming the column and the row
   */
  static void check(TableName table, VectorSchemaRoot batch) {
    for (var vector : batch.getFieldVectors()) {
      String column = vector.getName();
      if (column.equals(MetadataColumns.RECORD_ID)) {
        checkIds(table, column, vector, 0, vector.getValueCount());
      } else if (column.equals(MetadataColumns.LINEAGE) && vector instanceof ListVector list) {
        checkLineage(table, list);
      }
      checkVector(table, column, vector);
    }
  }

  private static void checkVector(TableName table, String column, ValueVector vector) {
    if (vector instanceof BaseVariableWidthVector v && isUtf8(v)) {
      int n = v.getValueCount();
      if (n > 0 && offsetsInBounds(v)) {
        checkUtf8(table, column, v.getDataBuffer(), v, v.getStartOffset(0), v.getStartOffset(n));
      }
    } else if (vector instanceof LargeVarCharVector v) {
      for (int i = 0; i < v.getValueCount(); i++) {
        if (!v.isNull(i)) {
          long start = v.getOffsetBuffer().getLong((long) i * 8);
          long end = v.getOffsetBuffer().getLong((long) (i + 1) * 8);
          if (!validUtf8(v.getDataBuffer(), start, end)) {
            throw notUtf8(table, column, i);
          }
        }
      }
    } else if (vector instanceof DateDayVector v) {
      for (int i = 0; i < v.getValueCount(); i++) {
        if (!v.isNull(i)) {
          long day = v.get(i);
          if (day < MIN_DAY || day > MAX_DAY) {
            throw outOfRange(table, column, i, "date", v.getObject(i).toString());
          }
        }
      }
    } else if (vector instanceof DateMilliVector v) {
      for (int i = 0; i < v.getValueCount(); i++) {
        if (!v.isNull(i)) {
          long day = Math.floorDiv(v.get(i), 86_400_000L);
          if (day < MIN_DAY || day > MAX_DAY) {
            throw outOfRange(table, column, i, "date", Long.toString(v.get(i)) + " ms");
          }
        }
      }
    } else if (vector instanceof TimeStampVector v
        && v.getField().getType() instanceof ArrowType.Timestamp ts) {
      long perDay =
          switch (ts.getUnit()) {
            case SECOND -> 86_400L;
            case MILLISECOND -> 86_400_000L;
            case MICROSECOND -> 86_400_000_000L;
            case NANOSECOND -> 86_400_000_000_000L;
          };
      for (int i = 0; i < v.getValueCount(); i++) {
        if (!v.isNull(i)) {
          long day = Math.floorDiv(v.get(i), perDay);
          if (day < MIN_DAY || day > MAX_DAY) {
            throw outOfRange(
                table, column, i, "timestamp", v.get(i) + " " + ts.getUnit().name().toLowerCase());
          }
        }
      }
    } else if (vector instanceof ListVector l) {
      checkVector(table, column + ".element", l.getDataVector());
    } else if (vector instanceof LargeListVector l) {
      checkVector(table, column + ".element", l.getDataVector());
    } else if (vector instanceof FixedSizeListVector l) {
      checkVector(table, column + ".element", l.getDataVector());
    } else if (vector instanceof NonNullableStructVector c) {
      // structs, and a map's entries (a map is a list of them)
      for (ValueVector child : c.getChildrenFromFields()) {
        checkVector(table, column + "." + child.getName(), child);
      }
    }
  }

  /**
   * Whether a string vector's offsets stay within its buffers; when they do not, the writer refuses
   * the batch with its own message, and these checks must not read outside.
   */
  private static boolean offsetsInBounds(BaseVariableWidthVector v) {
    int n = v.getValueCount();
    if (v.getOffsetBuffer().capacity() < (long) (n + 1) * 4) {
      return false;
    }
    long capacity = v.getDataBuffer().capacity();
    int previous = v.getStartOffset(0);
    if (previous < 0) {
      return false;
    }
    for (int i = 1; i <= n; i++) {
      int offset = v.getStartOffset(i);
      if (offset < previous || offset > capacity) {
        return false;
      }
      previous = offset;
    }
    return true;
  }

  private static boolean isUtf8(BaseVariableWidthVector v) {
    return v instanceof VarCharVector;
  }

  /**
   * Checks the UTF-8 of the values {@code [from, to)} of a string vector's data: one pass for
   * ASCII, a decode of each value otherwise.
   */
  private static void checkUtf8(
      TableName table,
      String column,
      ArrowBuf data,
      BaseVariableWidthVector v,
      long from,
      long to) {
    if (isAscii(data, from, to)) {
      return;
    }
    for (int i = 0; i < v.getValueCount(); i++) {
      if (!v.isNull(i) && !validUtf8(data, v.getStartOffset(i), v.getStartOffset(i + 1))) {
        throw notUtf8(table, column, i);
      }
    }
  }

  private static boolean isAscii(ArrowBuf data, long from, long to) {
    long i = from;
    long high = 0;
    for (; i + 8 <= to; i += 8) {
      high |= data.getLong(i);
    }
    for (; i < to; i++) {
      high |= data.getByte(i);
    }
    return (high & HIGH_BITS) == 0;
  }

  private static boolean validUtf8(ArrowBuf data, long start, long end) {
    if (isAscii(data, start, end)) {
      return true;
    }
    byte[] bytes = new byte[Math.toIntExact(end - start)];
    data.getBytes(start, bytes, 0, bytes.length);
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Record ids given by the writer: at most {@value #MAX_RECORD_ID_BYTES} bytes, printable. */
  private static void checkIds(
      TableName table, String column, ValueVector vector, int from, int to) {
    if (!(vector instanceof VarCharVector v)) {
      return; // the binding refuses other types, naming them
    }
    ArrowBuf data = v.getDataBuffer();
    for (int i = from; i < to; i++) {
      if (v.isNull(i)) {
        continue;
      }
      long start = v.getStartOffset(i);
      int length = v.getEndOffset(i) - (int) start;
      if (length > MAX_RECORD_ID_BYTES) {
        throw LakeException.invalid(
                "Table %s: column '%s' at row %d of the batch is %d bytes long; at most %d are"
                    + " allowed",
                table, column, i, length, MAX_RECORD_ID_BYTES)
            .with("table", table)
            .with("column", column)
            .with("row", i);
      }
      if (hasControlByte(data, start, length) && !RecordIds.isBlank(data, start, length)) {
        String id = new String(v.get(i), StandardCharsets.UTF_8);
        throw LakeException.invalid(
                "Table %s: column '%s' at row %d of the batch, %s, holds a control character",
                table, column, i, InputText.shown(id))
            .with("table", table)
            .with("column", column)
            .with("row", i);
      }
    }
  }

  /** Whether any byte is below 0x20 or is 0x7F (C1 controls are found by decoding, below). */
  private static boolean hasControlByte(ArrowBuf data, long start, int length) {
    long i = start;
    long end = start + length;
    for (; i + 8 <= end; i += 8) {
      long w = data.getLong(i);
      // a byte below 0x20 (SWAR "has less than"), or a 0x7F byte (SWAR "has zero" of w ^ 0x7F..)
      long del = w ^ 0x7F7F7F7F7F7F7F7FL;
      if (((((w - 0x2020202020202020L) & ~w) | ((del - ONES) & ~del)) & HIGH_BITS) != 0) {
        return true;
      }
    }
    for (; i < end; i++) {
      int b = data.getByte(i) & 0xFF;
      if (b < 0x20 || b == 0x7F) {
        return true;
      }
    }
    if (!isAscii(data, start, end)) {
      byte[] bytes = new byte[length];
      data.getBytes(start, bytes, 0, length);
      String text = new String(bytes, StandardCharsets.UTF_8);
      return text.chars().anyMatch(Character::isISOControl);
    }
    return false;
  }

  /** Lineage references: table and record id printable, the table a valid name. */
  private static void checkLineage(TableName table, ListVector lineage) {
    if (!(lineage.getDataVector() instanceof StructVector refs)) {
      return;
    }
    ValueVector tables = refs.getChild(MetadataColumns.LINEAGE_TABLE);
    ValueVector ids = refs.getChild(MetadataColumns.LINEAGE_RECORD_ID);
    if (ids != null) {
      checkIds(table, MetadataColumns.LINEAGE + ".record_id", ids, 0, ids.getValueCount());
    }
    if (tables instanceof VarCharVector t && offsetsInBounds(t)) {
      String last = null;
      for (int i = 0; i < t.getValueCount(); i++) {
        if (t.isNull(i)) {
          continue;
        }
        String name = new String(t.get(i), StandardCharsets.UTF_8);
        if (name.equals(last)) {
          continue;
        }
        if (name.isBlank()) {
          throw LakeException.invalid(
                  "Table %s: _lineage entry %d names no table (%s)",
                  table, i, InputText.shown(name))
              .with("table", table)
              .with("column", MetadataColumns.LINEAGE + ".table");
        }
        try {
          TableName.parse(name);
        } catch (LakeException e) {
          throw LakeException.invalid(
                  "Table %s: column '_lineage' names input table %s at entry %d: %s",
                  table, InputText.shown(name), i, e.getMessage())
              .with("table", table)
              .with("column", MetadataColumns.LINEAGE + ".table");
        }
        last = name;
      }
    }
  }

  private static LakeException notUtf8(TableName table, String column, int row) {
    return LakeException.invalid(
            "Table %s: column '%s' at row %d of the batch is not valid UTF-8", table, column, row)
        .with("table", table)
        .with("column", column)
        .with("row", row);
  }

  private static LakeException outOfRange(
      TableName table, String column, int row, String kind, String value) {
    return LakeException.invalid(
            "Table %s: column '%s' at row %d of the batch: %s %s is outside the years 1 to 9999",
            table, column, row, kind, value)
        .with("table", table)
        .with("column", column)
        .with("row", row);
  }
}
