package dev.tracelake.benchmarks.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracelake.client.Impact;
import dev.tracelake.client.LineageClient;
import dev.tracelake.client.LineageClient.ImpactStart;
import dev.tracelake.client.SqlRows;
import dev.tracelake.client.Traced;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.ingest.IngestConfig;
import dev.tracelake.ingest.TracelakeServer;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.TableName;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Checks a server's lineage answers against a {@link LineageOracle} over gRPC: upstream sets and
 * edges, impact by record (ingested and cited-only), run, model and commit, records staged on a
 * branch, the SQL relations, and explain of multi-input records; then again after a restart and a
 * reindex. Every mismatch is a line of the result; none is the pass.
 *
 * <pre>
 * java -cp ... dev.tracelake.benchmarks.lineage.OracleCheck --per-layer 25000 --appends 10 \
 *   [--sample 5000] [--warehouse DIR]
 * </pre>
 */
public final class OracleCheck {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LineageOracle oracle;
  private final BufferAllocator allocator;
  private final int sample;
  private final List<String> mismatches = new ArrayList<>();

  OracleCheck(LineageOracle oracle, BufferAllocator allocator, int sample) {
    this.oracle = oracle;
    this.allocator = allocator;
    this.sample = sample;
  }

  List<String> mismatches() {
    return mismatches;
  }

  private void expect(boolean ok, String what, Object expected, Object actual) {
    if (!ok && mismatches.size() < 200) {
      String e = String.valueOf(expected);
      String a = String.valueOf(actual);
      mismatches.add(
          what
              + ": expected "
              + (e.length() > 300 ? e.substring(0, 300) + "..." : e)
              + ", got "
              + (a.length() > 300 ? a.substring(0, 300) + "..." : a));
    }
  }

  /** Checks everything once against the server behind {@code client}. */
  void checkAll(TracelakeClient client, List<String> staged) {
    LineageClient lineage = client.lineage();
    List<String> keys = new ArrayList<>(oracle.records.keySet());
    int step = Math.max(1, keys.size() / Math.max(1, sample));
    for (int i = 0; i < keys.size(); i += step) {
      checkTrace(lineage, keys.get(i));
    }
    checkTrace(lineage, "default.alerts/cyc-a");
    List<String> starts = new ArrayList<>();
    for (int i = 0; i < keys.size(); i += step * 4) {
      starts.add(keys.get(i));
    }
    starts.addAll(oracle.missing);
    for (String key : starts) {
      String[] parts = split(key);
      Impact impact =
          lineage.impact(ImpactStart.record(parts[0], parts[1]), 0, Integer.MAX_VALUE, null, null);
      Set<String> expected = oracle.downstream(Set.of(key));
      Set<String> got = derived(impact);
      expect(got.equals(expected), "impact of " + key, expected.size(), got.size());
    }
    for (String run : oracle.runIds) {
      checkSeeded(lineage, ImpactStart.run(run), w -> w.runId().equals(run));
    }
    for (String commit : oracle.commits) {
      checkSeeded(lineage, ImpactStart.codeCommit(commit), w -> w.commit().equals(commit));
    }
    for (String model : oracle.models) {
      checkSeeded(lineage, ImpactStart.model(model), w -> model.equals(w.model()));
      String name = model.substring(0, 2);
      checkSeeded(
          lineage,
          ImpactStart.model(name),
          w -> w.model() != null && w.model().startsWith(name + ":"));
    }
    for (String id : staged) {
      Impact none =
          lineage.impact(ImpactStart.record("default.predictions", id), 0, 10, null, null);
      boolean says =
          none.problems().stream().anyMatch(p -> p.message().contains("exists only on branch"));
      expect(says, "staged record " + id + " said to be on its branch", true, none.problems());
    }
    String feature = firstOf("default.features/");
    Impact withRef =
        lineage.impact(
            ImpactStart.record("default.features", split(feature)[1]),
            0,
            Integer.MAX_VALUE,
            null,
            "audit");
    Set<String> withStaged = new HashSet<>(oracle.downstream(Set.of(feature)));
    staged.forEach(id -> withStaged.add("default.predictions/" + id));
    expect(
        derived(withRef).equals(withStaged),
        "impact of " + feature + " with ref audit",
        withStaged,
        derived(withRef));
    long edges = count(client, "SELECT count(*) FROM lineage_edges");
    expect(edges == oracle.edgeCount(), "lineage_edges rows", oracle.edgeCount(), edges);
    long runs =
        count(
            client,
            "SELECT count(DISTINCT run_id) FROM runs WHERE run_id LIKE 'run-%' AND snapshot_id IS"
                + " NOT NULL");
    expect(runs == oracle.runIds.size(), "runs", oracle.runIds.size(), runs);
    for (String key : List.of("default.alerts/cyc-a", firstOf("default.alerts/"))) {
      checkUpstreamSql(client, key);
    }
  }

  private void checkTrace(LineageClient lineage, String key) {
    String[] parts = split(key);
    Traced trace = lineage.trace(parts[0], parts[1], 0, null);
    Set<String> nodes = new LinkedHashSet<>();
    trace.records().forEach(r -> nodes.add(LineageOracle.key(r.table(), r.recordId())));
    Set<String> expected = oracle.upstream(key);
    expect(nodes.equals(expected), "upstream of " + key, expected, nodes);
    Set<LineageOracle.Edge> edges = new HashSet<>();
    trace
        .edges()
        .forEach(
            e ->
                edges.add(
                    new LineageOracle.Edge(
                        LineageOracle.key(e.outputTable(), e.outputId()),
                        LineageOracle.key(e.inputTable(), e.inputId()),
                        e.snapshotId())));
    Set<LineageOracle.Edge> expectedEdges = oracle.upstreamEdges(key);
    expect(edges.equals(expectedEdges), "edges upstream of " + key, expectedEdges, edges);
    for (Traced.Record r : trace.records()) {
      String k = LineageOracle.key(r.table(), r.recordId());
      String state = oracle.missing.contains(k) ? "MISSING" : "PRESENT";
      expect(state.equals(r.state()), "state of " + k, state, r.state());
    }
    boolean cyclic = key.endsWith("/cyc-a") || key.endsWith("/cyc-b");
    boolean reported = trace.problems().stream().anyMatch(p -> p.kind().equals("CYCLE"));
    expect(reported == cyclic, "cycle reported for " + key, cyclic, reported);
  }

  private void checkSeeded(
      LineageClient lineage, ImpactStart start, Predicate<LineageOracle.Written> which) {
    Set<String> seeds = oracle.seeds(which);
    Impact impact = lineage.impact(start, 0, Integer.MAX_VALUE, null, null);
    Set<String> started = new HashSet<>();
    impact.tables().stream()
        .filter(Impact.Tables::start)
        .forEach(t -> t.recordIds().forEach(id -> started.add(LineageOracle.key(t.table(), id))));
    expect(started.equals(seeds), "seeds of " + impact.query(), seeds.size(), started.size());
    Set<String> expected = oracle.downstream(seeds);
    Set<String> got = derived(impact);
    expect(got.equals(expected), "impact of " + impact.query(), expected.size(), got.size());
  }

  private void checkUpstreamSql(TracelakeClient client, String key) {
    String[] parts = split(key);
    Set<String> sqlEdges = new HashSet<>();
    int rowsSeen = 0;
    try (SqlRows rows =
        client.sql(
            "SELECT output_table || '/' || output_record_id || '>' || input_table || '/' ||"
                + " input_record_id FROM lineage_upstream('"
                + parts[0]
                + "', '"
                + parts[1]
                + "')",
            allocator)) {
      while (rows.loadNextBatch()) {
        FieldVector v = rows.root().getVector(0);
        for (int r = 0; r < rows.root().getRowCount(); r++) {
          sqlEdges.add(v.getObject(r).toString());
          rowsSeen++;
        }
      }
    }
    Set<String> expected = new HashSet<>();
    oracle.upstreamEdges(key).forEach(e -> expected.add(e.output() + ">" + e.input()));
    expect(sqlEdges.equals(expected), "lineage_upstream of " + key, expected, sqlEdges);
    expect(
        rowsSeen == sqlEdges.size(),
        "lineage_upstream of " + key + ": each edge once",
        sqlEdges.size(),
        rowsSeen);
  }

  /** Explain of records with several inputs: every ingested input PRESENT with its row. */
  void checkExplain(TracelakeClient client, int records) throws Exception {
    int checked = 0;
    for (Map.Entry<String, List<LineageOracle.Edge>> e : oracle.inputs.entrySet()) {
      if (e.getValue().size() < 2) {
        continue;
      }
      if (checked++ >= records) {
        break;
      }
      String[] parts = split(e.getKey());
      JsonNode json =
          JSON.readTree(
              client.lineage().explain(parts[0], parts[1], "json", 1, null, null).rendered());
      for (JsonNode input : json.at("/record/inputs")) {
        String k = LineageOracle.key(input.get("table").asText(), input.get("recordId").asText());
        String expected = oracle.missing.contains(k) ? "MISSING" : "PRESENT";
        String state = input.get("state").asText();
        expect(expected.equals(state), k + " in explain of " + e.getKey(), expected, state);
        if (expected.equals("PRESENT")) {
          String id = input.at("/values/_record_id").asText();
          expect(id.equals(split(k)[1]), "row of " + k, split(k)[1], id);
        }
      }
    }
    expect(checked > 0, "explained records with several inputs", "> 0", checked);
  }

  /** Stages a record citing a feature on branch {@code audit} of the predictions. */
  List<String> stageOnBranch(Lake lake) {
    LakeTable predictions = lake.table(TableName.parse("default.predictions"));
    predictions.createBranch("audit");
    List<String> json =
        List.of(
            "{\"v\": 1.0, \"_lineage\": [{\"table\": \"default.features\", \"record_id\": \""
                + split(firstOf("default.features/"))[1]
                + "\"}]}");
    try (VectorSchemaRoot batch = predictions.batchChecker().fromJson(json, allocator);
        PendingAppend append =
            predictions.newAppend(
                dev.tracelake.lake.Provenance.builder().runId("audit-run").build(), "audit")) {
      List<String> ids = append.write(batch);
      append.commit();
      return ids;
    }
  }

  private String firstOf(String prefix) {
    return oracle.records.keySet().stream()
        .filter(k -> k.startsWith(prefix) && !k.contains("cyc-"))
        .findFirst()
        .orElseThrow();
  }

  private static Set<String> derived(Impact impact) {
    Set<String> out = new HashSet<>();
    impact.tables().stream()
        .filter(t -> !t.start())
        .forEach(t -> t.recordIds().forEach(id -> out.add(LineageOracle.key(t.table(), id))));
    return out;
  }

  private long count(TracelakeClient client, String sql) {
    try (SqlRows rows = client.sql(sql, allocator)) {
      rows.loadNextBatch();
      return ((BigIntVector) rows.root().getVector(0)).get(0);
    }
  }

  private static String[] split(String key) {
    int slash = key.indexOf('/');
    return new String[] {key.substring(0, slash), key.substring(slash + 1)};
  }

  /** What a whole check found, with its timings. */
  public record Report(
      int records, int edges, List<String> mismatches, double writeSeconds, double checkSeconds) {}

  /**
   * Writes an oracle's lineage through a server on {@code warehouse}, checks every answer, restarts
   * the server and checks again, reindexes and checks again.
   */
  public static Report run(
      Path warehouse, long seed, int perLayer, int appends, int sample, PrintStream out)
      throws Exception {
    LineageOracle oracle = new LineageOracle(seed);
    try (RootAllocator allocator = new RootAllocator();
        Lake lake = Lake.open(LakeConfig.embedded(warehouse))) {
      OracleCheck check = new OracleCheck(oracle, allocator, sample);
      IngestConfig config =
          IngestConfig.defaults().withPort(0).withCommitInterval(Duration.ofMillis(100));
      long started = System.nanoTime();
      List<String> staged;
      TracelakeServer server = TracelakeServer.onNetty(lake, config).start();
      ManagedChannel channel = channel(server.port());
      try (TracelakeClient client = TracelakeClient.using(channel)) {
        oracle.write(client, perLayer, appends);
        staged = check.stageOnBranch(lake);
        long written = System.nanoTime();
        out.printf(
            "wrote %d records, %d edges in %.1f s%n",
            oracle.records.size(), oracle.edgeCount(), (written - started) / 1e9);
        check.checkAll(client, staged);
        check.checkExplain(client, Math.max(20, sample / 10));
        out.printf("checked (first server): %d mismatch(es)%n", check.mismatches().size());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop();
      }
      long writtenAt = System.nanoTime();
      server = TracelakeServer.onNetty(lake, config).start();
      channel = channel(server.port());
      try (TracelakeClient client = TracelakeClient.using(channel)) {
        check.checkAll(client, staged);
        out.printf("checked (restarted server): %d mismatch(es)%n", check.mismatches().size());
        client.lineage().reindex();
        check.checkAll(client, staged);
        out.printf("checked (after reindex): %d mismatch(es)%n", check.mismatches().size());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop();
      }
      return new Report(
          oracle.records.size(),
          oracle.edgeCount(),
          List.copyOf(check.mismatches()),
          (writtenAt - started) / 1e9,
          (System.nanoTime() - writtenAt) / 1e9);
    }
  }

  private static ManagedChannel channel(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port)
        .usePlaintext()
        .maxInboundMessageSize(256 << 20)
        .build();
  }

  /** Runs the check at the given scale and prints the report; exits 1 on any mismatch. */
  public static void main(String[] args) throws Exception {
    int perLayer = 25_000;
    int appends = 10;
    int sample = 5_000;
    Path warehouse = null;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--per-layer" -> perLayer = Integer.parseInt(args[i + 1]);
        case "--appends" -> appends = Integer.parseInt(args[i + 1]);
        case "--sample" -> sample = Integer.parseInt(args[i + 1]);
        case "--warehouse" -> warehouse = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("Unknown option " + args[i]);
      }
    }
    if (warehouse == null) {
      warehouse = Files.createTempDirectory("tracelake-oracle");
    }
    Report report = run(warehouse, 20261207L, perLayer, appends, sample, System.out);
    System.out.printf(
        "records %d, edges %d, write %.1f s, checks %.1f s, mismatches %d%n",
        report.records(),
        report.edges(),
        report.writeSeconds(),
        report.checkSeconds(),
        report.mismatches().size());
    report.mismatches().forEach(m -> System.out.println("  " + m));
    System.exit(report.mismatches().isEmpty() ? 0 : 1);
  }
}
