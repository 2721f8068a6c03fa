package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.RecordRef;
import dev.tracelake.lake.TableName;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random DAGs over several real tables, built by many appends: every trace and impact answer must
 * equal a breadth-first search computed here, independently, over the generated edge list; and a
 * reindex from scratch must give the very same answers as the index built incrementally.
 */
class RandomDagTest extends LineageTestBase {
  private static final int APPENDS = 24;

  /** The generated lineage, kept independently of the index. */
  private final Map<RecordKey, Long> committedIn = new LinkedHashMap<>();

  private final Map<RecordKey, Provenance> provenance = new HashMap<>();
  private final Map<RecordKey, List<TraceEdge>> inputs = new HashMap<>();
  private final Map<RecordKey, List<RecordKey>> outputs = new HashMap<>();

  @ParameterizedTest
  @ValueSource(longs = {7L, 20260501L})
  void tracesAndImpactsEqualReferenceSearchAndSurviveReindex(long seed) {
    generate(new Random(seed));

    Map<RecordKey, TraceResult> incremental = new LinkedHashMap<>();
    for (RecordKey key : committedIn.keySet()) {
      TraceResult trace = lineage.traceUpstream(key);
      assertTraceMatchesReference(key, trace);
      incremental.put(key, trace);
      assertImpactMatchesReference(key);
    }
    for (int run = 0; run < 4; run++) {
      String runId = "run-" + run;
      assertSeededImpact(ImpactQuery.ofRun(runId), p -> runId.equals(p.runId()));
    }
    for (int version = 0; version < 3; version++) {
      String v = "v" + version;
      assertSeededImpact(
          ImpactQuery.ofModel("m1", v),
          p -> "m1".equals(p.modelName()) && v.equals(p.modelVersion()));
    }
    assertSeededImpact(ImpactQuery.ofModel("m0", null), p -> "m0".equals(p.modelName()));
    for (int commit = 0; commit < 5; commit++) {
      String c = "c" + commit;
      assertSeededImpact(ImpactQuery.ofCodeCommit(c), p -> c.equals(p.codeCommit()));
    }

    IndexStatus rebuilt = lineage.reindex();
    assertThat(rebuilt.records()).isEqualTo(committedIn.size());
    assertThat(rebuilt.isCurrent()).isTrue();
    for (Map.Entry<RecordKey, TraceResult> e : incremental.entrySet()) {
      TraceResult again = lineage.traceUpstream(e.getKey());
      assertThat(again.nodes()).isEqualTo(e.getValue().nodes());
      assertThat(again.edges()).isEqualTo(e.getValue().edges());
      assertThat(again.problems()).isEqualTo(e.getValue().problems());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void depthLimitKeepsOnlyRecordsWithinReach(int maxDepth) {
    generate(new Random(99));
    for (RecordKey key : committedIn.keySet()) {
      TraceResult trace = lineage.traceUpstream(key, TraceOptions.defaults().maxDepth(maxDepth));
      Map<RecordKey, Integer> distances = upstreamDistances(key);
      Map<RecordKey, Integer> expected = new HashMap<>();
      distances.forEach(
          (k, d) -> {
            if (d <= maxDepth) {
              expected.put(k, d);
            }
          });
      Map<RecordKey, Integer> actual = new HashMap<>();
      trace.nodes().forEach(n -> actual.put(n.key(), n.depth()));
      assertThat(actual).isEqualTo(expected);
      boolean more = distances.values().stream().anyMatch(d -> d > maxDepth);
      assertThat(trace.truncated()).isEqualTo(more);
    }
  }

  private void generate(Random random) {
    List<LakeTable> tables = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      tables.add(lake.createTable(TableName.parse("t" + t), FEATURES));
    }
    Map<String, Long> heads = new HashMap<>();
    List<RecordKey> all = new ArrayList<>();
    for (int i = 0; i < APPENDS; i++) {
      LakeTable table = tables.get(random.nextInt(tables.size()));
      String tableName = table.name().toString();
      Provenance p =
          Provenance.builder()
              .runId("run-" + (i % 4))
              .model("m" + (i % 2), "v" + (i % 3))
              .codeCommit("c" + (i % 5))
              .producer("generator")
              .build();
      int count = 1 + random.nextInt(8);
      List<NewRecord> records = new ArrayList<>();
      List<List<RecordRef>> refs = new ArrayList<>();
      for (int j = 0; j < count; j++) {
        List<RecordRef> in = new ArrayList<>();
        Set<RecordKey> picked = new HashSet<>();
        int k = all.isEmpty() ? 0 : random.nextInt(4);
        for (int n = 0; n < k; n++) {
          RecordKey input = all.get(random.nextInt(all.size()));
          if (picked.add(input)) {
            // read at the snapshot that committed it, or at a later head of its table
            long snapshot =
                random.nextBoolean() ? committedIn.get(input) : heads.get(input.table());
            in.add(ref(input, snapshot));
          }
        }
        refs.add(in);
        // some writers bring their own (non-UUID) ids
        String id = random.nextInt(5) == 0 ? "w-" + i + "-" + j : null;
        records.add(new NewRecord(id, Map.of("entity", "e" + j, "amount", (double) i), in));
      }
      Committed c = append(table, p, records);
      heads.put(tableName, c.snapshotId());
      for (int j = 0; j < count; j++) {
        RecordKey key = c.key(tableName, j);
        committedIn.put(key, c.snapshotId());
        provenance.put(key, p);
        List<TraceEdge> edges = new ArrayList<>();
        for (RecordRef r : refs.get(j)) {
          RecordKey input = RecordKey.of(r.table(), r.recordId());
          edges.add(new TraceEdge(key, input, r.snapshotId()));
          outputs.computeIfAbsent(input, x -> new ArrayList<>()).add(key);
        }
        inputs.put(key, edges);
      }
      all.addAll(c.recordIds().stream().map(id -> RecordKey.of(tableName, id)).toList());
      if (random.nextInt(3) == 0) {
        lineage.catchUp(); // build the index incrementally, a few snapshots at a time
      }
    }
    lineage.catchUp();
  }

  private Map<RecordKey, Integer> upstreamDistances(RecordKey start) {
    Map<RecordKey, Integer> distance = new LinkedHashMap<>();
    ArrayDeque<RecordKey> queue = new ArrayDeque<>();
    distance.put(start, 0);
    queue.add(start);
    while (!queue.isEmpty()) {
      RecordKey u = queue.poll();
      for (TraceEdge e : inputs.getOrDefault(u, List.of())) {
        if (!distance.containsKey(e.input())) {
          distance.put(e.input(), distance.get(u) + 1);
          queue.add(e.input());
        }
      }
    }
    return distance;
  }

  private Set<RecordKey> downstream(Set<RecordKey> seeds) {
    Set<RecordKey> seen = new HashSet<>(seeds);
    ArrayDeque<RecordKey> queue = new ArrayDeque<>(seeds);
    Set<RecordKey> derived = new HashSet<>();
    while (!queue.isEmpty()) {
      for (RecordKey w : outputs.getOrDefault(queue.poll(), List.of())) {
        if (seen.add(w)) {
          derived.add(w);
          queue.add(w);
        }
      }
    }
    return derived;
  }

  private void assertTraceMatchesReference(RecordKey key, TraceResult trace) {
    Map<RecordKey, Integer> distances = upstreamDistances(key);
    Map<RecordKey, Integer> actual = new HashMap<>();
    trace.nodes().forEach(n -> actual.put(n.key(), n.depth()));
    assertThat(actual).as("nodes and depths of the trace of %s", key).isEqualTo(distances);
    Set<TraceEdge> expectedEdges = new HashSet<>();
    distances.keySet().forEach(k -> expectedEdges.addAll(inputs.getOrDefault(k, List.of())));
    assertThat(new HashSet<>(trace.edges())).isEqualTo(expectedEdges);
    assertThat(trace.edges()).hasSameSizeAs(expectedEdges);
    assertThat(trace.problems()).isEmpty();
    assertThat(trace.truncated()).isFalse();
    assertThat(trace.freshness().isCurrent()).isTrue();
    for (TraceNode node : trace.nodes()) {
      assertThat(node.state()).isEqualTo(NodeState.PRESENT);
      assertThat(node.snapshotId()).isEqualTo(committedIn.get(node.key()));
      Provenance p = provenance.get(node.key());
      assertThat(node.provenance())
          .isEqualTo(
              new Provenance(p.codeCommit(), p.modelName(), p.modelVersion(), p.runId(), null));
    }
  }

  private void assertImpactMatchesReference(RecordKey key) {
    ImpactResult impact = lineage.impact(ImpactQuery.ofRecord(key));
    assertThat(impact.seeds())
        .containsExactly(new TableRecords(key.table(), 1, List.of(key.recordId())));
    assertThat(flatten(impact.derived())).isEqualTo(downstream(Set.of(key)));
    assertThat(impact.problems()).isEmpty();
  }

  private void assertSeededImpact(ImpactQuery query, Predicate<Provenance> produced) {
    Set<RecordKey> seeds = new HashSet<>();
    provenance.forEach(
        (k, p) -> {
          if (produced.test(p)) {
            seeds.add(k);
          }
        });
    ImpactResult impact = lineage.impact(query);
    assertThat(flatten(impact.seeds())).as("seeds of %s", query).isEqualTo(seeds);
    assertThat(flatten(impact.derived())).as("derived of %s", query).isEqualTo(downstream(seeds));
    assertThat(impact.seedCount()).isEqualTo(seeds.size());
  }

  private static Set<RecordKey> flatten(List<TableRecords> tables) {
    Set<RecordKey> keys = new HashSet<>();
    for (TableRecords t : tables) {
      assertThat(t.idsComplete()).isTrue();
      t.recordIds().forEach(id -> keys.add(RecordKey.of(t.table(), id)));
    }
    return keys;
  }
}
