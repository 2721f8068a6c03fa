package dev.tracelake.lineage.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The replays table ({@code tracelake.replays}): an ordinary lake table holding one row per event
 * of a replay (created, published, dropped). Replays are folded from it, so every server sharing
 * the catalog sees the same replays; the first creation of an id wins.
 */
final class ReplayRegistry {
  /** The replays table. */
  static final TableName TABLE = new TableName("tracelake", "replays");

  static final Provenance PROVENANCE = Provenance.builder().producer("tracelake-replay").build();

  static final String CREATED = "CREATED";
  static final String PUBLISHED = "PUBLISHED";
  static final String DROPPED = "DROPPED";

  private static final Schema SCHEMA =
      new Schema(
          List.of(
              string("replay_id", false),
              string("event", false),
              string("table_name", true),
              string("definition", true),
              int64("candidate_snapshot_id"),
              int64("main_snapshot_id")));

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What the table says of one replay.
   *
   * @param definition the replay as created
   * @param published whether it was published
   * @param dropped whether its branch was dropped
   * @param candidateSnapshotId the branch head recorded when it was published or dropped
   * @param mainSnapshotId main's head after publishing
   */
  record Entry(
      ReplayDefinition definition,
      boolean published,
      boolean dropped,
      Long candidateSnapshotId,
      Long mainSnapshotId) {}

  private final Lake lake;
  private final BufferAllocator allocator;
  // guarded by this: the entries as of the table's head snapshot cached
  private Long cachedHead;
  private Map<String, Entry> cached = Map.of();

  ReplayRegistry(Lake lake, BufferAllocator allocator) {
    this.lake = lake;
    this.allocator = allocator;
  }

  /** Returns every replay by id, in creation order. */
  synchronized Map<String, Entry> entries() {
    if (!lake.exists(TABLE)) {
      return Map.of();
    }
    LakeTable table = lake.table(TABLE);
    Long head = table.scan().snapshot().map(SnapshotInfo::snapshotId).orElse(null);
    if (head != null && head.equals(cachedHead)) {
      return cached;
    }
    cached = read(table);
    cachedHead = head;
    return cached;
  }

  Optional<Entry> entry(String replayId) {
    return Optional.ofNullable(entries().get(replayId));
  }

  void created(ReplayDefinition definition) {
    ObjectNode row = JSON.createObjectNode();
    row.put("replay_id", definition.replayId());
    row.put("event", CREATED);
    row.put("table_name", definition.spec().slice().table().toString());
    row.put("definition", ReplayJson.write(definition));
    append(row);
  }

  void published(ReplayDefinition definition, long candidateSnapshotId, long mainSnapshotId) {
    ObjectNode row = JSON.createObjectNode();
    row.put("replay_id", definition.replayId());
    row.put("event", PUBLISHED);
    row.put("table_name", definition.spec().slice().table().toString());
    row.put("candidate_snapshot_id", candidateSnapshotId);
    row.put("main_snapshot_id", mainSnapshotId);
    append(row);
  }

  void dropped(ReplayDefinition definition, Long candidateSnapshotId) {
    ObjectNode row = JSON.createObjectNode();
    row.put("replay_id", definition.replayId());
    row.put("event", DROPPED);
    row.put("table_name", definition.spec().slice().table().toString());
    if (candidateSnapshotId != null) {
      row.put("candidate_snapshot_id", candidateSnapshotId);
    }
    append(row);
  }

  private void append(ObjectNode row) {
    LakeTable table = table();
    try (VectorSchemaRoot batch =
        table.batchChecker().fromJson(List.of(row.toString()), allocator)) {
      table.append(PROVENANCE, batch);
    }
  }

  private LakeTable table() {
    if (lake.exists(TABLE)) {
      return lake.table(TABLE);
    }
    try {
      return lake.createTable(TABLE, SCHEMA);
    } catch (LakeException e) {
      if (e.kind() == ErrorKind.ALREADY_EXISTS) {
        return lake.table(TABLE); // another process or thread created it first
      }
      throw e;
    }
  }

  private record Row(
      long writtenAt,
      String replayId,
      String event,
      String definition,
      Long candidateSnapshotId,
      Long mainSnapshotId) {}

  private Map<String, Entry> read(LakeTable table) {
    List<Row> rows = new ArrayList<>();
    try (ScanBatches batches = table.scan().open(allocator)) {
      while (batches.loadNextBatch()) {
        VectorSchemaRoot root = batches.root();
        FieldVector ingested = root.getVector(MetadataColumns.INGESTED_AT);
        for (int r = 0; r < root.getRowCount(); r++) {
          rows.add(
              new Row(
                  ingested instanceof TimeStampVector ts && !ts.isNull(r)
                      ? ts.get(r)
                      : Long.MIN_VALUE,
                  text(root, "replay_id", r),
                  text(root, "event", r),
                  text(root, "definition", r),
                  number(root, "candidate_snapshot_id", r),
                  number(root, "main_snapshot_id", r)));
        }
      }
    }
    // files come back in no particular order; events apply in the order they were written
    rows.sort(Comparator.comparingLong(Row::writtenAt));
    Map<String, Entry> out = new LinkedHashMap<>();
    for (Row row : rows) {
      if (row.replayId() == null || row.event() == null) {
        continue;
      }
      Entry known = out.get(row.replayId());
      switch (row.event()) {
        case CREATED -> {
          if (known == null && row.definition() != null) {
            out.put(
                row.replayId(),
                new Entry(ReplayJson.read(row.definition()), false, false, null, null));
          }
        }
        case PUBLISHED -> {
          if (known != null) {
            out.put(
                row.replayId(),
                new Entry(
                    known.definition(),
                    true,
                    known.dropped(),
                    row.candidateSnapshotId(),
                    row.mainSnapshotId()));
          }
        }
        case DROPPED -> {
          if (known != null) {
            out.put(
                row.replayId(),
                new Entry(
                    known.definition(),
                    known.published(),
                    true,
                    known.published() ? known.candidateSnapshotId() : row.candidateSnapshotId(),
                    known.mainSnapshotId()));
          }
        }
        default -> {
          // an event of a newer version: ignored, not fatal
        }
      }
    }
    return out;
  }

  private static String text(VectorSchemaRoot root, String column, int row) {
    FieldVector v = root.getVector(column);
    if (!(v instanceof VarCharVector s) || s.isNull(row)) {
      return null;
    }
    return new String(s.get(row), StandardCharsets.UTF_8);
  }

  private static Long number(VectorSchemaRoot root, String column, int row) {
    FieldVector v = root.getVector(column);
    return v instanceof BigIntVector b && !b.isNull(row) ? b.get(row) : null;
  }

  private static Field string(String name, boolean nullable) {
    return new Field(
        name,
        nullable
            ? FieldType.nullable(ArrowType.Utf8.INSTANCE)
            : FieldType.notNullable(ArrowType.Utf8.INSTANCE),
        null);
  }

  private static Field int64(String name) {
    return new Field(name, FieldType.nullable(new ArrowType.Int(64, true)), null);
  }
}
