package dev.tracelake.lineage.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A fraud-scoring history written through lake-core, with everything the test knows about it kept
 * on the side so expectations are computed from what was written, not by the code under test:
 *
 * <ul>
 *   <li>features f0-f3 (snapshot F1) and f4-f7 (F2); then {@code risk} is renamed {@code
 *       merchant_risk}, {@code velocity} widened to long and {@code country} added; f8-f11 (F3).
 *   <li>fraud v3 predictions p0-p9 (P1, run scoring-1): p0-p7 cite f0-f7 where committed, p8 cites
 *       f4 and f0 (listed in that order), p9 cites nothing.
 *   <li>fraud v3 predictions p10-p16 (P2, run scoring-2): p10 cites f1 again (a duplicate of p1's
 *       case), p11 cites f8 at F1 (where it is not), p12-p15 cite f8-f11 at F3, p16 cites f2
 *       without a snapshot.
 *   <li>a fraud v2 prediction p17 (P3) citing f3.
 * </ul>
 */
final class ReplayScenario {
  static final TableName FEATURES = TableName.parse("fraud.features");
  static final TableName PREDICTIONS = TableName.parse("fraud.predictions");
  static final ObjectMapper JSON = new ObjectMapper();

  static final Provenance FEATURE_JOB =
      Provenance.builder().codeCommit("f00d").runId("features-1").producer("features").build();

  static Provenance v3(String run) {
    return Provenance.builder().codeCommit("abc3").model("fraud", "v3").runId(run).build();
  }

  static final Provenance V2 =
      Provenance.builder().codeCommit("abc2").model("fraud", "v2").runId("scoring-0").build();

  /** One feature row as written. */
  record Feature(
      String id,
      long snapshot,
      String user,
      double amount,
      double risk,
      long velocity,
      String country) {}

  /** One input a prediction cites. */
  record Cite(String table, String id, Long snapshot) {
    @Override
    public String toString() {
      return table + "/" + id + "@" + (snapshot == null ? "-" : snapshot.toString());
    }
  }

  /** One prediction as written. */
  record Prediction(
      String id,
      long snapshot,
      String user,
      double score,
      String decision,
      List<Cite> cites,
      String run) {}

  final Lake lake;
  final BufferAllocator allocator;
  final LakeTable features;
  final LakeTable predictions;
  final List<Feature> f = new ArrayList<>();
  final List<Prediction> p = new ArrayList<>();
  long f1;
  long f2;
  long f3;
  long p1;
  long p2;
  long p3;
  Instant beforeP2;

  ReplayScenario(Lake lake, BufferAllocator allocator) {
    this.lake = lake;
    this.allocator = allocator;
    this.features =
        lake.createTable(
            FEATURES,
            new Schema(
                List.of(
                    string("user_id"),
                    dbl("amount"),
                    dbl("risk"),
                    new Field("velocity", FieldType.nullable(new ArrowType.Int(32, true)), null))));
    this.predictions =
        lake.createTable(
            PREDICTIONS, new Schema(List.of(string("user_id"), dbl("score"), string("decision"))));
  }

  static Field string(String name) {
    return new Field(name, FieldType.nullable(ArrowType.Utf8.INSTANCE), null);
  }

  static Field dbl(String name) {
    return new Field(
        name, FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null);
  }

  ReplayScenario write() throws InterruptedException {
    f1 = appendFeatures(0, 4, false);
    f2 = appendFeatures(4, 8, false);
    features
        .updateSchema()
        .renameColumn("risk", "merchant_risk")
        .widenColumn("velocity", new ArrowType.Int(64, true))
        .addColumn("country", ArrowType.Utf8.INSTANCE)
        .commit();
    f3 = appendFeatures(8, 12, true);

    List<Map<String, Object>> rows = new ArrayList<>();
    List<List<Cite>> cites = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      cites.add(List.of(cite(i)));
    }
    cites.add(List.of(cite(4), cite(0)));
    cites.add(List.of());
    p1 = appendPredictions(0, cites, v3("scoring-1"), null, null);
    Thread.sleep(20); // _ingested_at of P2 lies strictly after this instant
    beforeP2 = Instant.now();
    Thread.sleep(20);
    cites.clear();
    cites.add(List.of(cite(1)));
    cites.add(List.of(new Cite(FEATURES.toString(), f.get(8).id(), f1)));
    for (int i = 8; i < 12; i++) {
      cites.add(List.of(cite(i)));
    }
    cites.add(List.of(new Cite(FEATURES.toString(), f.get(2).id(), null)));
    p2 = appendPredictions(10, cites, v3("scoring-2"), null, null);
    cites.clear();
    cites.add(List.of(cite(3)));
    p3 = appendPredictions(17, cites, V2, null, null);
    return this;
  }

  Cite cite(int feature) {
    Feature x = f.get(feature);
    return new Cite(FEATURES.toString(), x.id(), x.snapshot());
  }

  private long appendFeatures(int from, int to, boolean evolved) {
    List<String> rows = new ArrayList<>();
    List<Feature> written = new ArrayList<>();
    for (int i = from; i < to; i++) {
      ObjectNode row = JSON.createObjectNode();
      String user = "u" + i;
      double amount = 10.0 * (i + 1);
      double risk = i / 20.0;
      long velocity = i % 5;
      String country = evolved ? (i % 2 == 0 ? "DE" : "FR") : null;
      row.put("user_id", user);
      row.put("amount", amount);
      row.put(evolved ? "merchant_risk" : "risk", risk);
      row.put("velocity", velocity);
      if (country != null) {
        row.put("country", country);
      }
      rows.add(row.toString());
      written.add(new Feature(null, 0, user, amount, risk, velocity, country));
    }
    Committed c = append(features, FEATURE_JOB, null, Map.of(), rows);
    for (int i = 0; i < written.size(); i++) {
      Feature w = written.get(i);
      f.add(
          new Feature(
              c.ids().get(i),
              c.snapshot(),
              w.user(),
              w.amount(),
              w.risk(),
              w.velocity(),
              w.country()));
    }
    return c.snapshot();
  }

  private long appendPredictions(
      int first,
      List<List<Cite>> cites,
      Provenance provenance,
      String branch,
      Map<String, String> summary) {
    List<String> rows = new ArrayList<>();
    List<Prediction> written = new ArrayList<>();
    for (int i = 0; i < cites.size(); i++) {
      int n = first + i;
      double score = Math.round((0.05 + 0.06 * n) * 1000) / 1000.0;
      String decision = decision(score);
      rows.add(predictionRow("u" + n, score, decision, cites.get(i)));
      written.add(
          new Prediction(null, 0, "u" + n, score, decision, cites.get(i), provenance.runId()));
    }
    Committed c =
        append(predictions, provenance, branch, summary == null ? Map.of() : summary, rows);
    for (int i = 0; i < written.size(); i++) {
      Prediction w = written.get(i);
      p.add(
          new Prediction(
              c.ids().get(i), c.snapshot(), w.user(), w.score(), w.decision(), w.cites(), w.run()));
    }
    return c.snapshot();
  }

  static String decision(double score) {
    return score >= 0.8 ? "block" : score >= 0.5 ? "review" : "approve";
  }

  static String predictionRow(String user, double score, String decision, List<Cite> cites) {
    ObjectNode row = JSON.createObjectNode();
    row.put("user_id", user);
    row.put("score", score);
    if (decision != null) {
      row.put("decision", decision);
    }
    if (!cites.isEmpty()) {
      ArrayNode lineage = row.putArray("_lineage");
      for (Cite c : cites) {
        ObjectNode ref = lineage.addObject();
        ref.put("table", c.table());
        ref.put("record_id", c.id());
        if (c.snapshot() != null) {
          ref.put("snapshot_id", c.snapshot());
        }
      }
    }
    return row.toString();
  }

  /** What an append committed. */
  record Committed(long snapshot, List<String> ids) {}

  Committed append(
      LakeTable table,
      Provenance provenance,
      String branch,
      Map<String, String> summary,
      List<String> rows) {
    try (VectorSchemaRoot batch = table.batchChecker().fromJson(rows, allocator);
        PendingAppend append =
            branch == null ? table.newAppend(provenance) : table.newAppend(provenance, branch)) {
      summary.forEach(append::summary);
      List<String> ids = new ArrayList<>(append.write(batch));
      return new Committed(append.commit().snapshotId(), ids);
    }
  }

  /** Writes a candidate's outputs for one batch as the replay's writer would. */
  Committed candidateBatch(
      ReplayInfo replay, long batch, Provenance provenance, List<String> rows) {
    return append(
        predictions,
        provenance,
        replay.spec().branch(),
        Map.of("tracelake.writer." + replay.spec().writerId(), batch + "-" + batch),
        rows);
  }

  /** The predictions by index, as the test names them (p0, p1, ...). */
  Prediction p(int i) {
    return p.get(i);
  }

  /** Inputs of a prediction as a set of texts "table/id@snapshot". */
  static java.util.SortedSet<String> key(List<Cite> cites) {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    cites.forEach(c -> out.add(c.toString()));
    return out;
  }

  Map<String, Feature> featuresById() {
    Map<String, Feature> out = new LinkedHashMap<>();
    f.forEach(x -> out.put(x.id(), x));
    return out;
  }
}
