package dev.tracelake.example;

import dev.tracelake.client.AppendAck;
import dev.tracelake.client.NewReplay;
import dev.tracelake.client.Provenance;
import dev.tracelake.client.RecordRef;
import dev.tracelake.client.Replay;
import dev.tracelake.client.ReplayInputBatch;
import dev.tracelake.client.ReplayRunResult;
import dev.tracelake.client.RunHandle;
import dev.tracelake.client.RunSpec;
import dev.tracelake.client.TableWriter;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.client.TracelakeException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An example producer that behaves like a production ML service: a feature service writes feature
 * records, then a scoring service writes one fraud prediction per feature record, citing that
 * record (at the snapshot it was committed in) as its lineage and stamping the model that scored
 * it. Run it with {@code --target host:port --count N}, or call {@link #run} from other code.
 */
public final class ExampleProducer {
  /** The feature table. */
  public static final String FEATURES = "fraud.features";

  /** The prediction table. */
  public static final String PREDICTIONS = "fraud.predictions";

  /** The code commit stamped when the environment variable GIT_COMMIT is unset. */
  public static final String SAMPLE_COMMIT = "4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39";

  /** The repository runs name unless {@code GIT_REPOSITORY} is set. */
  public static final String SAMPLE_REPOSITORY = "https://git.example.com/fraud/scoring.git";

  static final String FEATURE_WRITER = "example-feature-service";
  static final String SCORING_WRITER = "example-scoring-service";
  private static final int ROWS_PER_APPEND = 500;

  static final Schema FEATURE_SCHEMA =
      new Schema(
          List.of(
              new Field("user_id", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
              new Field("txn_amount", FieldType.nullable(doubleType()), null),
              new Field("merchant_risk", FieldType.nullable(doubleType()), null),
              new Field("velocity_1h", FieldType.nullable(new ArrowType.Int(32, true)), null)));

  static final Schema PREDICTION_SCHEMA =
      new Schema(
          List.of(
              new Field("user_id", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
              new Field("fraud_score", FieldType.nullable(doubleType()), null),
              new Field("decision", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));

  /**
   * What one run wrote.
   *
   * @param featureRecordIds the feature records' ids, in the order written
   * @param featureSnapshotIds the snapshot holding each feature record, in the same order
   * @param predictionRecordIds the prediction records' ids; prediction i was derived from feature
   *     record i
   * @param predictionSnapshotIds the snapshot holding each prediction, in the same order
   */
  public record Result(
      List<String> featureRecordIds,
      List<Long> featureSnapshotIds,
      List<String> predictionRecordIds,
      List<Long> predictionSnapshotIds) {
    /** Copies the lists. */
    public Result {
      featureRecordIds = List.copyOf(featureRecordIds);
      featureSnapshotIds = List.copyOf(featureSnapshotIds);
      predictionRecordIds = List.copyOf(predictionRecordIds);
      predictionSnapshotIds = List.copyOf(predictionSnapshotIds);
    }
  }

  private record Features(String userId, double txnAmount, double merchantRisk, int velocity) {}

  private ExampleProducer() {}

  /**
   * Creates the demo tables if needed, writes {@code count} feature records and one prediction per
   * feature record, and prints a short summary.
   *
   * @param client a connected client
   * @param count how many feature records (and predictions) to write
   * @param out where the summary goes
   * @return the record and snapshot ids written
   * @throws TracelakeException when the server refuses a table or an append
   * @throws IllegalArgumentException when {@code count} is not positive
   */
  public static Result run(TracelakeClient client, int count, PrintStream out) {
    if (count <= 0) {
      throw new IllegalArgumentException("Count must be positive, got " + count);
    }
    String commit = System.getenv().getOrDefault("GIT_COMMIT", SAMPLE_COMMIT);
    client.createTableIfNotExists(FEATURES, FEATURE_SCHEMA);
    client.createTableIfNotExists(PREDICTIONS, PREDICTION_SCHEMA);

    String repository = System.getenv().getOrDefault("GIT_REPOSITORY", SAMPLE_REPOSITORY);
    List<Features> features = generate(count, new Random());
    // each job is a run: started with its code location, ended COMPLETED, or FAILED with why
    RunSpec featureRun =
        RunSpec.builder("run-" + UUID.randomUUID())
            .job("fraud", "feature-service")
            .code(repository, commit)
            .build();
    Provenance featureProvenance =
        Provenance.builder()
            .codeCommit(commit)
            .runId(featureRun.runId())
            .producer("feature-service")
            .build();
    List<AppendAck> featureAcks;
    try (RunHandle run = client.lineage().startRun(featureRun)) {
      try (TableWriter writer = client.openWriter(FEATURES, FEATURE_WRITER, featureProvenance);
          BufferAllocator allocator = new RootAllocator()) {
        List<CompletableFuture<AppendAck>> pending = new ArrayList<>();
        for (List<Features> chunk : chunks(features)) {
          try (VectorSchemaRoot batch = toArrow(chunk, allocator)) {
            pending.add(writer.append(batch));
          }
        }
        featureAcks = join(pending);
      } catch (RuntimeException e) {
        run.fail(String.valueOf(e.getMessage()));
        throw e;
      }
      run.complete();
    }
    List<RecordRef> featureRefs = new ArrayList<>();
    featureAcks.forEach(ack -> featureRefs.addAll(ack.refs(FEATURES)));

    RunSpec scoringRun =
        RunSpec.builder("run-" + UUID.randomUUID())
            .job("fraud", "scoring-service")
            .code(repository, commit)
            .model("fraud", "v3")
            .parent(featureRun.runId(), "fraud", "feature-service")
            .parameter("threshold.block", "0.8")
            .parameter("threshold.review", "0.5")
            .build();
    Provenance scoringProvenance =
        Provenance.builder()
            .codeCommit(commit)
            .model("fraud", "v3")
            .runId(scoringRun.runId())
            .producer("scoring-service")
            .build();
    List<AppendAck> predictionAcks;
    try (RunHandle run = client.lineage().startRun(scoringRun)) {
      try (TableWriter writer = client.openWriter(PREDICTIONS, SCORING_WRITER, scoringProvenance)) {
        List<CompletableFuture<AppendAck>> pending = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          rows.add(predict(features.get(i), featureRefs.get(i)));
          if (rows.size() == ROWS_PER_APPEND || i == count - 1) {
            pending.add(writer.appendRows(rows));
            rows = new ArrayList<>();
          }
        }
        predictionAcks = join(pending);
      } catch (RuntimeException e) {
        run.fail(String.valueOf(e.getMessage()));
        throw e;
      }
      run.complete();
    }

    Result result =
        new Result(
            featureRefs.stream().map(RecordRef::recordId).toList(),
            featureRefs.stream().map(RecordRef::snapshotId).toList(),
            predictionAcks.stream().flatMap(a -> a.recordIds().stream()).toList(),
            predictionAcks.stream()
                .flatMap(a -> a.recordIds().stream().map(id -> a.snapshotId()))
                .toList());
    printSummary(out, commit, features, featureRefs, result);
    return result;
  }

  /** The code commit stamped on the candidate model's outputs unless GIT_COMMIT is set. */
  public static final String SAMPLE_CANDIDATE_COMMIT = "9c3b7e2a1d0f5e4c3b2a1908f7e6d5c4b3a29180";

  /**
   * Replays the predictions fraud v3 made through the candidate fraud v4, on the branch {@code
   * replay/<replayId>} of the prediction table: defines the replay (every v3 prediction at the head
   * of main now), then runs v4 over the feature records each prediction cited, as they were when v3
   * read them. Run again with the same id, it continues where it stopped and writes nothing twice;
   * main is untouched until the replay is published.
   *
   * @param client a connected client
   * @param replayId the replay's id
   * @param out where the summary goes
   * @return what the candidate's run did
   * @throws TracelakeException when the replay cannot be created or run, e.g. FAILED_PRECONDITION
   *     when no v3 prediction exists yet (run the example producer first)
   */
  public static ReplayRunResult replay(TracelakeClient client, String replayId, PrintStream out) {
    String commit = System.getenv().getOrDefault("GIT_COMMIT", SAMPLE_CANDIDATE_COMMIT);
    Replay replay =
        client
            .replays()
            .create(
                NewReplay.of(replayId, PREDICTIONS)
                    .model("fraud", "v3")
                    .candidate(
                        Provenance.builder()
                            .model("fraud", "v4")
                            .codeCommit(commit)
                            .producer("scoring-service")
                            .build()))
            .replay();
    ReplayRunResult run = client.replays().run(replayId, ExampleProducer::scoreV4);
    out.printf(
        "replay %s: %d fraud v3 predictions of %s (snapshot %d), %d cases of inputs%n",
        replayId,
        replay.productionOutputs(),
        PREDICTIONS,
        replay.sourceSnapshotId(),
        replay.cases());
    out.printf(
        "  candidate fraud v4 (commit %s, run %s) wrote %d predictions in %d batches to branch %s"
            + " (%s)%n",
        commit,
        replay.candidate().runId(),
        run.outputs(),
        run.batchesWritten(),
        replay.branch(),
        run.replay().state());
    out.printf(
        "next: tracelake replay compare %s --group-by day, then tracelake replay publish %s (or"
            + " drop %s)%n",
        replayId, replayId, replayId);
    return run;
  }

  /**
   * The candidate, fraud v4: a recalibrated logistic model that weighs velocity more and reviews
   * from 0.45. Scores every case of a replay batch from the feature row it cited.
   */
  static List<Map<String, Object>> scoreV4(ReplayInputBatch batch) {
    VectorSchemaRoot features = batch.tables().get(FEATURES);
    List<Map<String, Object>> out = new ArrayList<>();
    if (features == null) {
      return out; // every case of the batch was skipped
    }
    Map<Long, Integer> rowOfCase = new HashMap<>();
    BigIntVector cases = (BigIntVector) features.getVector("_case");
    for (int r = 0; r < features.getRowCount(); r++) {
      rowOfCase.put(cases.get(r), r);
    }
    for (int c = 0; c < batch.size(); c++) {
      Integer r = rowOfCase.get(batch.caseNumber(c));
      if (r == null) {
        continue;
      }
      double amount = number(features.getVector("txn_amount"), r);
      double risk = number(features.getVector("merchant_risk"), r);
      double velocity = number(features.getVector("velocity_1h"), r);
      double z = -4.3 + 0.0042 * amount + 3.6 * risk + 0.22 * velocity;
      double score = Math.round(1000.0 / (1.0 + Math.exp(-z))) / 1000.0;
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("user_id", features.getVector("user_id").getObject(r).toString());
      row.put("fraud_score", score);
      row.put("decision", score >= 0.8 ? "block" : score >= 0.45 ? "review" : "approve");
      row.put("_lineage", batch.lineage(c));
      out.add(row);
    }
    return out;
  }

  private static double number(FieldVector v, int row) {
    return v.isNull(row) ? 0.0 : ((Number) v.getObject(row)).doubleValue();
  }

  /** Scores one feature record with a fixed logistic model, citing it as the prediction's input. */
  private static Map<String, Object> predict(Features f, RecordRef input) {
    double z = -4.0 + 0.004 * f.txnAmount() + 3.0 * f.merchantRisk() + 0.15 * f.velocity();
    double score = Math.round(1000.0 / (1.0 + Math.exp(-z))) / 1000.0;
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("user_id", f.userId());
    row.put("fraud_score", score);
    row.put("decision", score >= 0.8 ? "block" : score >= 0.5 ? "review" : "approve");
    row.put("_lineage", List.of(input));
    return row;
  }

  private static List<Features> generate(int count, Random random) {
    List<Features> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(
          new Features(
              String.format("user-%04d", random.nextInt(10_000)),
              Math.round(random.nextDouble() * 100_000) / 100.0,
              Math.round(random.nextDouble() * 1000) / 1000.0,
              random.nextInt(12)));
    }
    return out;
  }

  private static List<List<Features>> chunks(List<Features> all) {
    List<List<Features>> out = new ArrayList<>();
    for (int from = 0; from < all.size(); from += ROWS_PER_APPEND) {
      out.add(all.subList(from, Math.min(all.size(), from + ROWS_PER_APPEND)));
    }
    return out;
  }

  private static VectorSchemaRoot toArrow(List<Features> rows, BufferAllocator allocator) {
    VectorSchemaRoot root = VectorSchemaRoot.create(FEATURE_SCHEMA, allocator);
    root.allocateNew();
    VarCharVector user = (VarCharVector) root.getVector("user_id");
    Float8Vector amount = (Float8Vector) root.getVector("txn_amount");
    Float8Vector risk = (Float8Vector) root.getVector("merchant_risk");
    IntVector velocity = (IntVector) root.getVector("velocity_1h");
    for (int i = 0; i < rows.size(); i++) {
      Features f = rows.get(i);
      user.setSafe(i, f.userId().getBytes(StandardCharsets.UTF_8));
      amount.setSafe(i, f.txnAmount());
      risk.setSafe(i, f.merchantRisk());
      velocity.setSafe(i, f.velocity());
    }
    root.setRowCount(rows.size());
    return root;
  }

  private static void printSummary(
      PrintStream out,
      String commit,
      List<Features> features,
      List<RecordRef> featureRefs,
      Result result) {
    out.printf(
        "%s: %d feature records in snapshot(s) %s (producer feature-service, commit %s)%n",
        FEATURES,
        result.featureRecordIds().size(),
        result.featureSnapshotIds().stream().distinct().toList(),
        commit);
    out.printf(
        "%s: %d predictions in snapshot(s) %s (model fraud v3)%n",
        PREDICTIONS,
        result.predictionRecordIds().size(),
        result.predictionSnapshotIds().stream().distinct().toList());
    RecordRef input = featureRefs.get(0);
    out.printf(
        "prediction %s for %s%n  lineage: %s record %s at snapshot %d%n",
        result.predictionRecordIds().get(0),
        features.get(0).userId(),
        input.table(),
        input.recordId(),
        input.snapshotId());
  }

  /**
   * Runs the example against a server.
   *
   * @param args {@code [--target host:port] [--count N]}; defaults {@code 127.0.0.1:7420} and 100
   */
  public static void main(String[] args) {
    String target = "127.0.0.1:7420";
    int count = 100;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--target" -> target = value(args, ++i, "--target");
          case "--count" -> count = positive(value(args, ++i, "--count"), "--count");
          case "--help", "-h" -> {
            System.out.println(usage());
            return;
          }
          default -> throw new IllegalArgumentException("Unknown option '" + args[i] + "'");
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n" + usage());
      System.exit(2);
    }
    try (TracelakeClient client = TracelakeClient.connect(target)) {
      run(client, count, System.out);
    } catch (TracelakeException | IllegalArgumentException e) {
      System.err.println("example-producer: " + e.getMessage());
      System.exit(1);
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException("Option " + option + " needs a value");
    }
    return args[i];
  }

  private static int positive(String text, String option) {
    try {
      int n = Integer.parseInt(text);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "Option " + option + " needs a positive whole number, got '" + text + "'");
  }

  /** Waits for the acknowledgements, rethrowing a failed append's own exception. */
  private static List<AppendAck> join(List<CompletableFuture<AppendAck>> pending) {
    try {
      return pending.stream().map(CompletableFuture::join).toList();
    } catch (CompletionException e) {
      if (e.getCause() instanceof TracelakeException t) {
        throw t;
      }
      throw e;
    }
  }

  private static String usage() {
    return "Usage: ExampleProducer [--target host:port] [--count N]\n"
        + "  --target  the Tracelake server (default 127.0.0.1:7420)\n"
        + "  --count   feature records and predictions to write (default 100)";
  }

  private static ArrowType doubleType() {
    return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
  }
}
