package dev.tracelake.benchmarks.replay;

import dev.tracelake.client.NewReplay;
import dev.tracelake.client.Provenance;
import dev.tracelake.client.Replay;
import dev.tracelake.client.ReplayComparison;
import dev.tracelake.client.ReplayInputBatch;
import dev.tracelake.client.ReplayInputs;
import dev.tracelake.client.ReplayRunResult;
import dev.tracelake.client.SqlRows;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.ingest.IngestConfig;
import dev.tracelake.ingest.TracelakeServer;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.query.QueryResult;
import dev.tracelake.query.SqlEngine;
import dev.tracelake.query.SqlEngineConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Replay at scale, over gRPC on loopback against an in-process server: N fraud v3 predictions, each
 * citing its feature record at the snapshot that committed it, re-run through the candidate fraud
 * v4 and compared. Measured, each against a plain SQL join over the same tables through the same
 * server (the baseline a team without replay would write, which ignores the snapshots the inputs
 * were read at):
 *
 * <ul>
 *   <li><b>stream</b>: every case with its input row as cited ({@code StreamReplay}), against
 *       {@code SELECT p._record_id, f.* FROM predictions p JOIN features f ON f._record_id =
 *       p._lineage[1].record_id} streamed as Arrow;
 *   <li><b>run</b>: stream, score with v4 and write the outputs on the branch exactly once (once: a
 *       second run writes nothing);
 *   <li><b>compare</b>: {@code CompareReplay} and {@code replay_pairs} in SQL, against a join of
 *       main's v3 predictions with the branch's v4 predictions on their first input's record id and
 *       snapshot, computing the same counts and deltas.
 * </ul>
 *
 * <pre>
 * java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx6g -cp ... \
 *   dev.tracelake.benchmarks.replay.ReplayBenchmark --predictions 1000000 --repeats 3
 * </pre>
 */
public final class ReplayBenchmark {
  static final String REPLAY = "v4-bench";

  /**
   * The figures of one run.
   *
   * @param predictions production outputs replayed
   * @param medians median seconds per measurement
   * @param runSeconds seconds of the candidate's run (stream, score, write)
   * @param matched matched cases of the comparison
   * @param decisionsChanged matched cases whose decision changed, per the comparison
   * @param expectedDecisionsChanged the same, computed here from both models
   * @param sqlMatched matched cases per {@code replay_pairs}
   * @param joinMatched rows of the baseline join
   */
  public record Report(
      long predictions,
      Map<String, Double> medians,
      double runSeconds,
      long matched,
      long decisionsChanged,
      long expectedDecisionsChanged,
      long sqlMatched,
      long joinMatched) {}

  private ReplayBenchmark() {}

  public static void main(String[] args) throws Exception {
    long predictions = 1_000_000;
    int repeats = 3;
    int appends = 10;
    int batchCases = 10_000;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--predictions" -> predictions = Long.parseLong(args[++i]);
        case "--repeats" -> repeats = Integer.parseInt(args[++i]);
        case "--appends" -> appends = Integer.parseInt(args[++i]);
        case "--batch-cases" -> batchCases = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default ->
            throw new IllegalArgumentException(
                "Unknown option "
                    + args[i]
                    + "; options: --predictions N --repeats N --appends N --batch-cases N --out"
                    + " DIR");
      }
    }
    Path warehouse =
        out == null
            ? Files.createTempDirectory("replay-bench-")
            : Files.createTempDirectory(Files.createDirectories(out), "replay-bench-");
    run(warehouse, predictions, appends, batchCases, repeats, System.out);
  }

  /** Writes the history into {@code warehouse}, measures, prints and returns the figures. */
  public static Report run(
      Path warehouse, long predictions, int appends, int batchCases, int repeats, PrintStream out)
      throws IOException {
    try (Lake lake = Lake.open(LakeConfig.embedded(warehouse));
        BufferAllocator allocator = new RootAllocator()) {
      long start = System.nanoTime();
      new ReplayData(lake, allocator, predictions, appends).write();
      out.printf(
          Locale.ROOT,
          "wrote %,d features and %,d predictions in %d snapshots each in %.1f s%n",
          predictions,
          predictions,
          appends,
          seconds(start));
      try (TracelakeServer server =
              TracelakeServer.onNetty(
                      lake,
                      IngestConfig.defaults().withPort(0).withCommitInterval(Duration.ofMillis(50)))
                  .start();
          TracelakeClient client = TracelakeClient.connect("127.0.0.1:" + server.port());
          // the SQL comparisons run in the server's engine in-process, under a longer timeout
          // than the gRPC default of 60 s (the Java client sets none); their answers are a few
          // rows, so the transport is not what they measure
          SqlEngine engine =
              SqlEngine.create(
                  lake,
                  SqlEngineConfig.fromEnvironment()
                      .withMaxTimeout(Duration.ofMinutes(30))
                      .withDefaultTimeout(Duration.ofMinutes(30)))) {
        return measure(client, engine, allocator, predictions, batchCases, repeats, out);
      }
    }
  }

  private static Report measure(
      TracelakeClient client,
      SqlEngine engine,
      BufferAllocator allocator,
      long predictions,
      int batchCases,
      int repeats,
      PrintStream out) {
    long start = System.nanoTime();
    Replay replay =
        client
            .replays()
            .create(
                NewReplay.of(REPLAY, ReplayData.PREDICTIONS.toString())
                    .model("fraud", "v3")
                    .candidate(
                        Provenance.builder()
                            .model("fraud", "v4")
                            .codeCommit("bench4")
                            .producer("replay-benchmark")
                            .build())
                    .batchCases(batchCases))
            .replay();
    out.printf(
        Locale.ROOT,
        "created replay %s: %,d cases in %,d batches in %.1f s%n",
        REPLAY,
        replay.cases(),
        replay.batches(),
        seconds(start));

    Map<String, List<Double>> samples = new LinkedHashMap<>();
    String join =
        "SELECT p._record_id, f.* FROM fraud.predictions p JOIN fraud.features f ON f._record_id"
            + " = p._lineage[1].record_id";
    for (int r = 0; r < repeats; r++) {
      time(samples, "stream: StreamReplay", () -> streamAll(client, allocator), out);
      time(samples, "stream baseline: SQL join", () -> sqlRows(client, allocator, join), out);
    }

    start = System.nanoTime();
    ReplayRunResult run = client.replays().run(REPLAY, ReplayBenchmark::scoreV4);
    double runSeconds = seconds(start);
    out.printf(
        Locale.ROOT,
        "candidate run: %,d outputs in %,d batches in %.1f s (%,.0f outputs/s)%n",
        run.outputs(),
        run.batchesWritten(),
        runSeconds,
        run.outputs() / runSeconds);

    String pairs =
        "SELECT pairing, count(*), count(*) FILTER (WHERE production_decision <>"
            + " candidate_decision), avg(abs(candidate_fraud_score - production_fraud_score)) FROM"
            + " replay_pairs('"
            + REPLAY
            + "') GROUP BY pairing";
    String baseline =
        "SELECT count(*), count(*) FILTER (WHERE p.decision <> c.decision),"
            + " avg(abs(c.fraud_score - p.fraud_score)) FROM (SELECT * FROM fraud.predictions"
            + " WHERE _model_version = 'v3') p JOIN (SELECT * FROM fraud.predictions FOR VERSION"
            + " AS OF 'replay/"
            + REPLAY
            + "' WHERE _model_version = 'v4') c ON c._lineage[1].record_id ="
            + " p._lineage[1].record_id AND c._lineage[1].snapshot_id = p._lineage[1].snapshot_id";
    ReplayComparison[] comparison = new ReplayComparison[1];
    long[] sqlMatched = new long[1];
    long[] joinMatched = new long[1];
    for (int r = 0; r < repeats; r++) {
      time(
          samples,
          "compare: CompareReplay",
          () -> {
            comparison[0] = client.replays().compare(REPLAY, null, List.of());
            return comparison[0].counts().matched();
          },
          out);
      time(
          samples,
          "compare: replay_pairs SQL",
          () -> {
            sqlMatched[0] = firstLong(engine, pairs, "matched");
            return sqlMatched[0];
          },
          out);
      time(
          samples,
          "compare baseline: SQL join",
          () -> {
            joinMatched[0] = firstLong(engine, baseline, null);
            return joinMatched[0];
          },
          out);
    }

    Map<String, Double> medians = new LinkedHashMap<>();
    out.printf(
        Locale.ROOT, "%n%-28s %10s %14s %8s%n", "measurement", "median s", "records/s", "ratio");
    for (Map.Entry<String, List<Double>> e : samples.entrySet()) {
      medians.put(e.getKey(), e.getValue().isEmpty() ? Double.NaN : median(e.getValue()));
    }
    for (Map.Entry<String, Double> e : medians.entrySet()) {
      String base =
          e.getKey().startsWith("stream")
              ? "stream baseline: SQL join"
              : "compare baseline: SQL join";
      out.printf(
          Locale.ROOT,
          "%-28s %10.2f %,14.0f %7.2fx%n",
          e.getKey(),
          e.getValue(),
          predictions / e.getValue(),
          medians.get(base) / e.getValue());
    }
    if (comparison[0] == null) {
      throw new IllegalStateException("CompareReplay failed every time; see above");
    }
    long changed = decisionsChanged(comparison[0]);
    long expected = expectedDecisionsChanged(predictions);
    out.printf(
        Locale.ROOT,
        "%ncompare: %,d matched, %,d only in production, %,d only in candidate; decisions"
            + " changed %,d (computed from both models: %,d); replay_pairs matched %,d; join rows"
            + " %,d%n",
        comparison[0].counts().matched(),
        comparison[0].counts().onlyProduction(),
        comparison[0].counts().onlyCandidate(),
        changed,
        expected,
        sqlMatched[0],
        joinMatched[0]);
    return new Report(
        predictions,
        medians,
        runSeconds,
        comparison[0].counts().matched(),
        changed,
        expected,
        sqlMatched[0],
        joinMatched[0]);
  }

  /** The candidate: fraud v4 over each case's feature row, citing the case's inputs. */
  static List<Map<String, Object>> scoreV4(ReplayInputBatch batch) {
    VectorSchemaRoot features = batch.tables().get(ReplayData.FEATURES.toString());
    List<Map<String, Object>> outputs = new ArrayList<>(batch.size());
    if (features == null) {
      return outputs;
    }
    Map<Long, Integer> rowOfCase = new HashMap<>();
    BigIntVector cases = (BigIntVector) features.getVector("_case");
    for (int r = 0; r < features.getRowCount(); r++) {
      rowOfCase.put(cases.get(r), r);
    }
    FieldVector user = features.getVector("user_id");
    FieldVector amount = features.getVector("txn_amount");
    FieldVector risk = features.getVector("merchant_risk");
    FieldVector velocity = features.getVector("velocity_1h");
    for (int c = 0; c < batch.size(); c++) {
      Integer r = rowOfCase.get(batch.caseNumber(c));
      if (r == null) {
        continue;
      }
      double score =
          ReplayData.v4(
              ((Number) amount.getObject(r)).doubleValue(),
              ((Number) risk.getObject(r)).doubleValue(),
              ((Number) velocity.getObject(r)).longValue());
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("user_id", user.getObject(r).toString());
      row.put("fraud_score", score);
      row.put("decision", ReplayData.decision(score));
      row.put("_lineage", batch.lineage(c));
      outputs.add(row);
    }
    return outputs;
  }

  private static long streamAll(TracelakeClient client, BufferAllocator allocator) {
    long rows = 0;
    try (ReplayInputs inputs = client.replays().stream(REPLAY, 0, 0, allocator)) {
      while (true) {
        try (ReplayInputBatch b = inputs.next()) {
          if (b == null) {
            break;
          }
          for (VectorSchemaRoot t : b.tables().values()) {
            rows += t.getRowCount();
          }
        }
      }
    }
    return rows;
  }

  private static long sqlRows(TracelakeClient client, BufferAllocator allocator, String sql) {
    long rows = 0;
    try (SqlRows result = client.sql(sql, allocator)) {
      while (result.loadNextBatch()) {
        rows += result.root().getRowCount();
      }
    }
    return rows;
  }

  /** The first column's value in the (first, or the one whose first column is {@code key}) row. */
  private static long firstLong(SqlEngine engine, String sql, String key) {
    try (QueryResult result = engine.execute(sql)) {
      var reader = result.reader();
      while (reader.loadNextBatch()) {
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        for (int r = 0; r < root.getRowCount(); r++) {
          if (key == null) {
            return ((Number) root.getVector(0).getObject(r)).longValue();
          }
          if (key.equals(String.valueOf(root.getVector(0).getObject(r)))) {
            return ((Number) root.getVector(1).getObject(r)).longValue();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return 0;
  }

  private static long decisionsChanged(ReplayComparison c) {
    return c.columns().stream()
        .filter(col -> col.column().equals("decision"))
        .mapToLong(ReplayComparison.Column::differing)
        .sum();
  }

  private static long expectedDecisionsChanged(long predictions) {
    long changed = 0;
    for (long i = 0; i < predictions; i++) {
      double a = ReplayData.amount(i);
      double r = ReplayData.risk(i);
      long v = ReplayData.velocity(i);
      if (!ReplayData.decision(ReplayData.v3(a, r, v))
          .equals(ReplayData.decision(ReplayData.v4(a, r, v)))) {
        changed++;
      }
    }
    return changed;
  }

  /** Times one measurement and prints it; a failure is printed and left out of the medians. */
  private static void time(
      Map<String, List<Double>> samples, String name, LongSupplier work, PrintStream out) {
    long start = System.nanoTime();
    try {
      long result = work.getAsLong();
      double s = seconds(start);
      if (result <= 0) {
        throw new IllegalStateException(name + " produced nothing");
      }
      samples.computeIfAbsent(name, k -> new ArrayList<>()).add(s);
      out.printf(Locale.ROOT, "  %-28s %8.2f s%n", name, s);
    } catch (RuntimeException e) {
      samples.computeIfAbsent(name, k -> new ArrayList<>());
      out.printf(
          Locale.ROOT, "  %-28s failed after %.1f s: %s%n", name, seconds(start), e.getMessage());
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
