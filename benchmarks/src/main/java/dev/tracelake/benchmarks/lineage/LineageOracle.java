package dev.tracelake.benchmarks.lineage;

import dev.tracelake.client.AppendAck;
import dev.tracelake.client.Provenance;
import dev.tracelake.client.RecordRef;
import dev.tracelake.client.TableWriter;
import dev.tracelake.client.TracelakeClient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An independent oracle of record-level lineage: writes layers of records through the gRPC client
 * (each citing records of the layer below, at the snapshot that wrote them or a later one, or at
 * none; some inputs never ingested; a cycle) and keeps, on its own, every edge and every record's
 * provenance, so that answers of the server can be checked against plain breadth-first searches.
 */
public final class LineageOracle {
  static final List<String> TABLES =
      List.of("default.raw", "default.features", "default.predictions", "default.alerts");
  static final Schema SCHEMA =
      new Schema(
          List.of(
              new Field(
                  "v",
                  FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                  null)));

  /** A lineage step: {@code output} lists {@code input}, read at {@code snapshotId} or none. */
  record Edge(String output, String input, Long snapshotId) {}

  /** Who wrote a record. */
  record Written(String table, long snapshotId, String runId, String commit, String model) {}

  final Map<String, Written> records = new LinkedHashMap<>(); // "table/id" -> provenance
  final Map<String, List<Edge>> inputs = new HashMap<>();
  final Map<String, List<String>> outputs = new HashMap<>();
  final Set<String> missing = new LinkedHashSet<>();
  final Set<String> runIds = new LinkedHashSet<>();
  final Set<String> commits = new LinkedHashSet<>();
  final Set<String> models = new LinkedHashSet<>();
  final Map<String, List<Long>> snapshots = new HashMap<>();
  // per table, its records' keys in the order written (for picking inputs in constant time)
  private final Map<String, List<String>> byTable = new HashMap<>();
  private final Random random;

  public LineageOracle(long seed) {
    this.random = new Random(seed);
  }

  static String key(String table, String id) {
    return table + "/" + id;
  }

  /** Writes {@code perLayer} records per layer in {@code appends} appends per table. */
  public void write(TracelakeClient client, int perLayer, int appends) throws Exception {
    for (String table : TABLES) {
      client.createTableIfNotExists(table, SCHEMA);
    }
    for (int layer = 0; layer < TABLES.size(); layer++) {
      String table = TABLES.get(layer);
      for (int a = 0; a < appends; a++) {
        String run = "run-" + random.nextInt(6);
        String commit = "c" + random.nextInt(4);
        String model = layer < 2 ? null : List.of("m1:v1", "m1:v2", "m2:v1").get(random.nextInt(3));
        Provenance.Builder p = Provenance.builder().runId(run).codeCommit(commit);
        if (model != null) {
          p.model(model.substring(0, 2), model.substring(3));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        List<List<Edge>> cited = new ArrayList<>();
        for (int r = 0; r < perLayer / appends; r++) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("v", random.nextDouble());
          List<Edge> edges = layer == 0 ? List.of() : cite(layer);
          if (!edges.isEmpty()) {
            List<RecordRef> refs = new ArrayList<>();
            for (Edge e : edges) {
              int slash = e.input().indexOf('/');
              refs.add(
                  new RecordRef(
                      e.input().substring(0, slash),
                      e.input().substring(slash + 1),
                      e.snapshotId()));
            }
            row.put("_lineage", refs);
          }
          rows.add(row);
          cited.add(edges);
        }
        if (layer == TABLES.size() - 1 && a == 0) {
          // a cycle: two records of one batch, each listing the other
          rows.add(cycleRow("cyc-a", "cyc-b", table));
          rows.add(cycleRow("cyc-b", "cyc-a", table));
          cited.add(List.of(new Edge(null, key(table, "cyc-b"), null)));
          cited.add(List.of(new Edge(null, key(table, "cyc-a"), null)));
        }
        AppendAck ack;
        try (TableWriter writer =
            client.openWriter(table, "oracle-" + table + "-" + a, p.build())) {
          ack = writer.appendRows(rows).get(120, TimeUnit.SECONDS);
        }
        snapshots.computeIfAbsent(table, t -> new ArrayList<>()).add(ack.snapshotId());
        runIds.add(run);
        commits.add(commit);
        if (model != null) {
          models.add(model);
        }
        for (int r = 0; r < ack.recordIds().size(); r++) {
          String out = key(table, ack.recordIds().get(r));
          records.put(out, new Written(table, ack.snapshotId(), run, commit, model));
          byTable.computeIfAbsent(table, t -> new ArrayList<>()).add(out);
          for (Edge e : cited.get(r)) {
            Edge edge = new Edge(out, e.input(), e.snapshotId());
            inputs.computeIfAbsent(out, k -> new ArrayList<>()).add(edge);
            outputs.computeIfAbsent(e.input(), k -> new ArrayList<>()).add(out);
          }
        }
      }
    }
    for (List<Edge> edges : inputs.values()) {
      for (Edge e : edges) {
        if (!records.containsKey(e.input())) {
          missing.add(e.input());
        }
      }
    }
  }

  private static Map<String, Object> cycleRow(String id, String cites, String table) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("_record_id", id);
    row.put("v", 0.5);
    row.put("_lineage", List.of(new RecordRef(table, cites, null)));
    return row;
  }

  /** One to four distinct inputs of the layer below (sometimes two below), some missing. */
  private List<Edge> cite(int layer) {
    List<Edge> edges = new ArrayList<>();
    Set<String> chosen = new LinkedHashSet<>();
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      int from = layer >= 2 && random.nextInt(20) == 0 ? layer - 2 : layer - 1;
      String table = TABLES.get(from);
      List<String> candidates = byTable.getOrDefault(table, List.of());
      if (random.nextInt(30) == 0 || candidates.isEmpty()) {
        String ghost = key(table, "ghost-" + new UUID(random.nextLong(), random.nextLong()));
        if (chosen.add(ghost)) {
          edges.add(new Edge(null, ghost, random.nextBoolean() ? null : latest(table)));
        }
        continue;
      }
      String input = candidates.get(random.nextInt(candidates.size()));
      if (!chosen.add(input)) {
        continue;
      }
      Long snapshot;
      if (random.nextInt(10) == 0) {
        snapshot = null;
      } else {
        // the snapshot that wrote it, or a later one of its table
        List<Long> all = snapshots.get(table);
        int at = all.indexOf(records.get(input).snapshotId());
        snapshot = all.get(at + random.nextInt(all.size() - at));
      }
      edges.add(new Edge(null, input, snapshot));
    }
    return edges;
  }

  private Long latest(String table) {
    List<Long> all = snapshots.get(table);
    return all == null || all.isEmpty() ? null : all.get(all.size() - 1);
  }

  /** Every record reachable upstream from {@code root}, itself included. */
  Set<String> upstream(String root) {
    Set<String> seen = new LinkedHashSet<>(List.of(root));
    ArrayDeque<String> queue = new ArrayDeque<>(List.of(root));
    while (!queue.isEmpty()) {
      for (Edge e : inputs.getOrDefault(queue.poll(), List.of())) {
        if (seen.add(e.input())) {
          queue.add(e.input());
        }
      }
    }
    return seen;
  }

  /** Every edge out of the records upstream of {@code root}. */
  Set<Edge> upstreamEdges(String root) {
    Set<Edge> edges = new LinkedHashSet<>();
    for (String k : upstream(root)) {
      edges.addAll(inputs.getOrDefault(k, List.of()));
    }
    return edges;
  }

  /** Every ingested record derived from {@code seeds}, transitively, the seeds excluded. */
  Set<String> downstream(Set<String> seeds) {
    Set<String> seen = new LinkedHashSet<>(seeds);
    Set<String> derived = new LinkedHashSet<>();
    ArrayDeque<String> queue = new ArrayDeque<>(seeds);
    while (!queue.isEmpty()) {
      for (String out : outputs.getOrDefault(queue.poll(), List.of())) {
        if (seen.add(out)) {
          derived.add(out);
          queue.add(out);
        }
      }
    }
    return derived;
  }

  /** The records a run, commit or model (version) wrote. */
  Set<String> seeds(java.util.function.Predicate<Written> which) {
    Set<String> out = new LinkedHashSet<>();
    records.forEach(
        (k, w) -> {
          if (which.test(w)) {
            out.add(k);
          }
        });
    return out;
  }

  int edgeCount() {
    return inputs.values().stream().mapToInt(List::size).sum();
  }
}
