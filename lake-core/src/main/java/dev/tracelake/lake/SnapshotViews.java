package dev.tracelake.lake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotParser;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;

/**
 * Read-only Iceberg tables over archived snapshots. A view is the table's current metadata (its
 * schemas, partition specs and properties, all of which Tracelake never removes) with its snapshot
 * list replaced by the archived snapshots a read needs and {@code main} pointing at the one to
 * read. Iceberg's own scans (plain, incremental, generic reads) then work on it unchanged, reading
 * the archived snapshot's manifest list and manifests, which are never deleted. A view cannot
 * commit: its operations are static.
 */
final class SnapshotViews {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_VIEWS = 256;

  private record Key(String uuid, long target, long oldest, int size) {}

  // guarded by itself: metadata file location -> metadata JSON without snapshots and refs
  private final Map<String, ObjectNode> skeletons = lru(8);
  // guarded by itself
  private final Map<Key, Table> views = lru(MAX_VIEWS);

  /**
   * Returns a read-only table whose {@code main} is {@code chain.get(0)} and whose snapshots are
   * exactly {@code chain} (the target and, for incremental reads, its ancestors down to the one the
   * read starts after).
   */
  Table view(Table live, List<Snapshot> chain) {
    Snapshot target = chain.get(0);
    Key key =
        new Key(
            live.uuid().toString(),
            target.snapshotId(),
            chain.get(chain.size() - 1).snapshotId(),
            chain.size());
    synchronized (views) {
      Table cached = views.get(key);
      if (cached != null) {
        return cached;
      }
    }
    TableMetadata current = ((HasTableOperations) live).operations().current();
    ObjectNode node = skeleton(current).deepCopy();
    ArrayNode snapshots = node.putArray("snapshots");
    try {
      for (Snapshot s : chain) {
        snapshots.add(MAPPER.readTree(SnapshotParser.toJson(s)));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot rebuild snapshot JSON of " + live.name(), e);
    }
    node.put("current-snapshot-id", target.snapshotId());
    ObjectNode main = node.putObject("refs").putObject(LakeTable.MAIN);
    main.put("snapshot-id", target.snapshotId());
    main.put("type", "branch");
    TableMetadata metadata = TableMetadataParser.fromJson(node);
    Table view =
        new BaseTable(
            new StaticTableOperations(metadata, live.io(), live.locationProvider()),
            live.name() + "@" + target.snapshotId());
    synchronized (views) {
      views.put(key, view);
    }
    return view;
  }

  private ObjectNode skeleton(TableMetadata current) {
    String location = current.metadataFileLocation();
    synchronized (skeletons) {
      ObjectNode cached = location == null ? null : skeletons.get(location);
      if (cached != null) {
        return cached;
      }
    }
    ObjectNode node;
    try {
      node = (ObjectNode) MAPPER.readTree(TableMetadataParser.toJson(current));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot read table metadata JSON", e);
    }
    for (String field :
        List.of("snapshots", "refs", "snapshot-log", "metadata-log", "statistics")) {
      node.remove(field);
    }
    node.remove("partition-statistics");
    node.putArray("snapshot-log");
    node.putArray("metadata-log");
    if (location != null) {
      synchronized (skeletons) {
        skeletons.put(location, node);
      }
    }
    return node;
  }

  private static <K, V> Map<K, V> lru(int max) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
      }
    };
  }
}
