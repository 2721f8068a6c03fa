package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracelake.client.Impact;
import dev.tracelake.client.LineageClient;
import dev.tracelake.client.LineageClient.ImpactStart;
import dev.tracelake.client.SqlRows;
import dev.tracelake.client.Traced;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.TableName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * Lineage answers over gRPC against an independent oracle (issue 16), at a scale for {@code mvn
 * verify} (the full scale runs in {@code benchmarks/}): four layers written through the client,
 * inputs cited at their own or a later snapshot or at none, inputs never ingested, a cycle, records
 * staged on a branch; upstream sets and edges, impact by record, run, model and commit, the SQL
 * relations, and explain of multi-input records must all match, before and after a server restart
 * and a reindex.
 */
class LineageOracleTest extends IngestServerTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyAnswerMatchesTheOracleAcrossRestartAndReindex() throws Exception {
    LineageOracle oracle = new LineageOracle(20261207L);
    List<String> staged;
    try (TracelakeClient client = TracelakeClient.using(channel)) {
      oracle.write(client, 120, 3);
      staged = stageOnBranch(oracle);
      checkAll(client.lineage(), client, oracle, staged);
      checkExplain(client, oracle);
    }

    // a new server process's index, built from the tables alone
    channel.shutdownNow();
    server.stop();
    server = configure(TracelakeServer.onNetty(lake, config())).start();
    channel = channel(server.port());
    try (TracelakeClient client = TracelakeClient.using(channel)) {
      checkAll(client.lineage(), client, oracle, staged);
      client.lineage().reindex();
      checkAll(client.lineage(), client, oracle, staged);
    }
  }

  private void checkAll(
      LineageClient lineage, TracelakeClient client, LineageOracle oracle, List<String> staged) {
    // upstream: every record of every layer
    for (String key : oracle.records.keySet()) {
      String[] parts = split(key);
      Traced trace = lineage.trace(parts[0], parts[1], 0, null);
      Set<String> nodes = new LinkedHashSet<>();
      trace.records().forEach(r -> nodes.add(LineageOracle.key(r.table(), r.recordId())));
      assertThat(nodes).as("upstream of %s", key).isEqualTo(oracle.upstream(key));
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
      assertThat(edges).as("edges upstream of %s", key).isEqualTo(oracle.upstreamEdges(key));
      for (Traced.Record r : trace.records()) {
        String k = LineageOracle.key(r.table(), r.recordId());
        assertThat(r.state()).as(k).isEqualTo(oracle.missing.contains(k) ? "MISSING" : "PRESENT");
      }
      boolean cyclic = key.endsWith("/cyc-a") || key.endsWith("/cyc-b");
      assertThat(trace.problems().stream().anyMatch(p -> p.kind().equals("CYCLE")))
          .as("cycle reported for %s", key)
          .isEqualTo(cyclic);
    }
    // impact of single records: ingested, and cited but never ingested
    List<String> starts = new ArrayList<>(oracle.records.keySet()).subList(0, 60);
    List<String> all = new ArrayList<>(starts);
    all.addAll(oracle.missing);
    for (String key : all) {
      String[] parts = split(key);
      Impact impact =
          lineage.impact(ImpactStart.record(parts[0], parts[1]), 0, 1_000_000, null, null);
      assertThat(derived(impact)).as("impact of %s", key).isEqualTo(oracle.downstream(Set.of(key)));
    }
    // impact of every run, commit and model (version)
    for (String run : oracle.runIds) {
      checkSeeded(lineage, oracle, ImpactStart.run(run), w -> w.runId().equals(run));
    }
    for (String commit : oracle.commits) {
      checkSeeded(lineage, oracle, ImpactStart.codeCommit(commit), w -> w.commit().equals(commit));
    }
    for (String model : oracle.models) {
      checkSeeded(lineage, oracle, ImpactStart.model(model), w -> model.equals(w.model()));
      String name = model.substring(0, 2);
      checkSeeded(
          lineage,
          oracle,
          ImpactStart.model(name),
          w -> w.model() != null && w.model().startsWith(name + ":"));
    }
    // staged records: not on main, found with the ref
    for (String id : staged) {
      Impact none =
          lineage.impact(ImpactStart.record("default.predictions", id), 0, 10, null, null);
      assertThat(none.problems().get(0).message()).contains("exists only on branch audit");
    }
    String feature =
        "default.features/"
            + split(
                oracle.records.keySet().stream()
                    .filter(k -> k.startsWith("default.features/"))
                    .findFirst()
                    .orElseThrow())[1];
    Impact withRef =
        lineage.impact(
            ImpactStart.record("default.features", split(feature)[1]), 0, 1_000_000, null, "audit");
    assertThat(derived(withRef)).containsAll(oracle.downstream(Set.of(feature)));
    // SQL relations
    assertThat(count(client, "SELECT count(*) FROM lineage_edges")).isEqualTo(oracle.edgeCount());
    assertThat(
            count(
                client,
                "SELECT count(DISTINCT run_id) FROM runs WHERE run_id LIKE 'run-%'"
                    + " AND snapshot_id IS NOT NULL AND status = 'UNKNOWN'"))
        .isEqualTo(oracle.runIds.size());
    for (String key : List.of("default.alerts/cyc-a", firstOf(oracle, "default.alerts/"))) {
      String[] parts = split(key);
      Set<String> sqlEdges = new HashSet<>();
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
            assertThat(sqlEdges.add(v.getObject(r).toString())).as("each edge once").isTrue();
          }
        }
      }
      Set<String> expected = new HashSet<>();
      oracle.upstreamEdges(key).forEach(e -> expected.add(e.output() + ">" + e.input()));
      assertThat(sqlEdges).as("lineage_upstream of %s", key).isEqualTo(expected);
    }
  }

  private void checkSeeded(
      LineageClient lineage,
      LineageOracle oracle,
      ImpactStart start,
      Predicate<LineageOracle.Written> which) {
    Set<String> seeds = oracle.seeds(which);
    Impact impact = lineage.impact(start, 0, 1_000_000, null, null);
    Set<String> started = new HashSet<>();
    impact.tables().stream()
        .filter(Impact.Tables::start)
        .forEach(t -> t.recordIds().forEach(id -> started.add(LineageOracle.key(t.table(), id))));
    assertThat(started).as("seeds of %s", impact.query()).isEqualTo(seeds);
    assertThat(derived(impact))
        .as("impact of %s", impact.query())
        .isEqualTo(oracle.downstream(seeds));
  }

  /** Explain of records with several inputs: every ingested input cited at a valid snapshot. */
  private void checkExplain(TracelakeClient client, LineageOracle oracle) throws Exception {
    int checked = 0;
    for (Map.Entry<String, List<LineageOracle.Edge>> e : oracle.inputs.entrySet()) {
      if (e.getValue().size() < 2 || checked++ > 40) {
        continue;
      }
      String[] parts = split(e.getKey());
      JsonNode json =
          JSON.readTree(
              client.lineage().explain(parts[0], parts[1], "json", 1, null, null).rendered());
      for (JsonNode input : json.at("/record/inputs")) {
        String k = LineageOracle.key(input.get("table").asText(), input.get("recordId").asText());
        String expected = oracle.missing.contains(k) ? "MISSING" : "PRESENT";
        assertThat(input.get("state").asText())
            .as("%s in explain of %s", k, e.getKey())
            .isEqualTo(expected);
        if (expected.equals("PRESENT")) {
          assertThat(input.at("/values/_record_id").asText()).isEqualTo(split(k)[1]);
        }
      }
    }
    assertThat(checked).isGreaterThan(10);
  }

  private List<String> stageOnBranch(LineageOracle oracle) {
    LakeTable predictions = lake.table(TableName.parse("default.predictions"));
    predictions.createBranch("audit");
    String feature = firstOf(oracle, "default.features/");
    List<String> json =
        List.of(
            "{\"v\": 1.0, \"_lineage\": [{\"table\": \"default.features\", \"record_id\": \""
                + split(feature)[1]
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

  private static String firstOf(LineageOracle oracle, String prefix) {
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
      assertThat(rows.loadNextBatch()).isTrue();
      return ((org.apache.arrow.vector.BigIntVector) rows.root().getVector(0)).get(0);
    }
  }

  private static String[] split(String key) {
    int slash = key.indexOf('/');
    return new String[] {key.substring(0, slash), key.substring(slash + 1)};
  }
}
