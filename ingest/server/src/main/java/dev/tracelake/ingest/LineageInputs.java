package dev.tracelake.ingest;

import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.InputText;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.TableName;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;

/**
 * Checks a request's {@code _lineage} entries against the lake before they are committed, as far as
 * that is cheap: every entry names a table and a record id that are not blank, every input table
 * exists, and every cited snapshot is one of that table's. Record ids are not looked up: that would
 * read the input tables' data on every append. A record id that names no record is kept as written;
 * explain reports such an input as not found.
 *
 * <p>Verified (table, snapshot) pairs are remembered (bounded), so a producer citing the same
 * snapshots request after request pays one catalog look-up per pair.
 */
final class LineageInputs {
  private static final int MAX_REMEMBERED = 100_000;

  private final Lake lake;
  // "table\0snapshot" (or "table\0") of entries found valid
  private final Set<String> verified = ConcurrentHashMap.newKeySet();

  LineageInputs(Lake lake) {
    this.lake = lake;
  }

  /**
   * Checks the lineage entries of every batch.
   *
   * @throws LakeException INVALID_ARGUMENT naming the entry, the input table and the snapshot
   */
  void check(TableName table, Iterable<VectorSchemaRoot> batches) {
    Map<String, Set<Long>> cited = new LinkedHashMap<>();
    for (VectorSchemaRoot batch : batches) {
      if (!(batch.getVector(MetadataColumns.LINEAGE) instanceof ListVector list)
          || !(list.getDataVector() instanceof StructVector refs)) {
        continue;
      }
      collect(table, refs, cited);
    }
    for (Map.Entry<String, Set<Long>> e : cited.entrySet()) {
      String inputName = e.getKey();
      boolean tableKnown = verified.contains(inputName + '\0');
      LakeTable input = null;
      if (!tableKnown) {
        input = inputTable(table, inputName);
        remember(inputName + '\0');
      }
      for (Long snapshot : e.getValue()) {
        String key = inputName + '\0' + snapshot;
        if (verified.contains(key)) {
          continue;
        }
        if (input == null) {
          input = inputTable(table, inputName);
        }
        try {
          input.snapshot(snapshot);
        } catch (LakeException notFound) {
          throw invalid(
              table,
              String.format(
                  "Table %s: a _lineage entry cites snapshot %d of table %s, which is not one of"
                      + " its snapshots",
                  table, snapshot, inputName));
        }
        remember(key);
      }
    }
  }

  private void collect(TableName table, StructVector refs, Map<String, Set<Long>> cited) {
    ValueVector tables = refs.getChild(MetadataColumns.LINEAGE_TABLE);
    ValueVector ids = refs.getChild(MetadataColumns.LINEAGE_RECORD_ID);
    ValueVector snapshots = refs.getChild(MetadataColumns.LINEAGE_SNAPSHOT_ID);
    if (!(tables instanceof VarCharVector t) || !(ids instanceof VarCharVector r)) {
      return; // the batch checker has refused other shapes, naming them
    }
    BaseIntVector s = snapshots instanceof BaseIntVector b ? b : null;
    for (int i = 0; i < refs.getValueCount(); i++) {
      if (refs.isNull(i)) {
        continue;
      }
      String name = t.isNull(i) ? "" : new String(t.get(i), StandardCharsets.UTF_8);
      if (name.isBlank()) {
        throw invalid(table, "Table " + table + ": _lineage entry " + i + " names no table");
      }
      if (r.isNull(i) || new String(r.get(i), StandardCharsets.UTF_8).isBlank()) {
        throw invalid(
            table,
            "Table "
                + table
                + ": _lineage entry "
                + i
                + " (table "
                + InputText.shown(name)
                + ") names no record id");
      }
      Set<Long> bySnapshot = cited.computeIfAbsent(name, n -> new LinkedHashSet<>());
      if (s != null && !snapshots.isNull(i)) {
        bySnapshot.add(s.getValueAsLong(i));
      }
    }
  }

  private LakeTable inputTable(TableName table, String name) {
    TableName input;
    try {
      input = TableName.parse(name);
    } catch (LakeException e) {
      throw invalid(table, "Table " + table + ": a _lineage entry names " + e.getMessage());
    }
    try {
      return lake.table(input);
    } catch (LakeException e) {
      if (e.kind() != ErrorKind.NOT_FOUND) {
        throw e;
      }
      throw invalid(
          table,
          String.format(
              "Table %s: a _lineage entry names input table %s, which does not exist",
              table, input));
    }
  }

  private void remember(String key) {
    if (verified.size() >= MAX_REMEMBERED) {
      verified.clear();
    }
    verified.add(key);
  }

  private static LakeException invalid(TableName table, String message) {
    return new IngestException(ErrorKind.INVALID_ARGUMENT, message)
        .with("table", table)
        .with("column", MetadataColumns.LINEAGE);
  }
}
