package dev.tracelake.lineage.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lineage.LineageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.JsonStringArrayList;
import org.junit.jupiter.api.Test;

/**
 * Streaming a replay: every case gets exactly the inputs its outputs cited, each as read at the
 * snapshot it was cited at (older schemas mapped to the newest), a case whose input is not where it
 * was cited is skipped with the reason, and the same replay streams the same batches.
 */
class ReplayStreamTest extends ReplayTestBase {
  /** One streamed case as text: its number, inputs and the rows of those inputs. */
  record StreamedCase(long number, SortedSet<String> lineage, List<Map<String, Object>> rows) {}

  @Test
  void eachCaseGetsTheInputsItsOutputsCitedAsTheyWereRead() {
    replays.create(spec("r", v3()));
    List<StreamedCase> streamed = new ArrayList<>();
    List<SkippedCase> skipped = new ArrayList<>();
    List<Long> batches = new ArrayList<>();
    long rows;
    try (ReplayStream stream = replays.stream("r", 0, 0, allocator)) {
      assertThat(stream.inputSchemas()).containsOnlyKeys("fraud.features");
      assertThat(stream.inputSchemas().get("fraud.features").getFields())
          .extracting(Field::getName)
          .containsExactly(
              "_case",
              "_record_id",
              "_snapshot_id",
              "_ingested_at",
              "user_id",
              "amount",
              "merchant_risk",
              "velocity",
              "country");
      while (true) {
        try (ReplayBatch batch = stream.next()) {
          if (batch == null) {
            break;
          }
          batches.add(batch.batch());
          assertThat(batch.firstCase()).isEqualTo(4 * batch.batch());
          streamed.addAll(read(batch));
          skipped.addAll(batch.skipped());
        }
      }
      rows = stream.inputRows();
      assertThat(stream.streamedCases()).isEqualTo(14);
      assertThat(stream.skippedCases()).isEqualTo(1);
    }

    var expected = new ArrayList<>(expectedCases(p -> p.run().startsWith("scoring-")).keySet());
    assertThat(batches).containsExactly(0L, 1L, 2L, 3L);
    // case n is the n-th distinct input set in the order production first cited it
    SortedSet<String> missing =
        ReplayScenario.key(
            List.of(new ReplayScenario.Cite("fraud.features", s.f.get(8).id(), s.f1)));
    int skippedNumber = expected.indexOf(missing);
    assertThat(skipped)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.caseNumber()).isEqualTo(skippedNumber);
              assertThat(x.reason())
                  .contains("record fraud.features/" + s.f.get(8).id())
                  .contains("is not in snapshot " + s.f1);
            });
    List<StreamedCase> want = new ArrayList<>();
    var features = s.featuresById();
    for (int n = 0; n < expected.size(); n++) {
      if (n == skippedNumber) {
        continue;
      }
      List<Map<String, Object>> inputRows = new ArrayList<>();
      for (String cite : expected.get(n)) {
        String id = cite.substring(cite.indexOf('/') + 1, cite.lastIndexOf('@'));
        String at = cite.substring(cite.lastIndexOf('@') + 1);
        ReplayScenario.Feature f = features.get(id);
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("_case", (long) n);
        row.put("_record_id", id);
        row.put("_snapshot_id", at.equals("-") ? null : Long.parseLong(at));
        row.put("user_id", f.user());
        row.put("amount", f.amount());
        row.put("merchant_risk", f.risk());
        row.put("velocity", f.velocity());
        row.put("country", f.country());
        inputRows.add(row);
      }
      want.add(new StreamedCase(n, expected.get(n), inputRows));
    }
    assertThat(streamed).containsExactlyElementsOf(want);
    assertThat(rows).isEqualTo(want.stream().mapToLong(c -> c.rows().size()).sum());
  }

  @Test
  void theSameReplayStreamsTheSameBatchesFromAnyBatchOn() {
    replays.create(spec("r", v3()));
    List<String> all = texts(replays, 0, 0);
    List<String> tail = texts(replays, 2, 0);
    List<String> one = texts(replays, 1, 1);
    List<String> fresh;
    try (Replays other = Replays.open(lake)) {
      fresh = texts(other, 0, 0); // no cached plan: the slice is read again
    }

    assertThat(all).hasSize(4);
    assertThat(tail).containsExactlyElementsOf(all.subList(2, 4));
    assertThat(one).containsExactly(all.get(1));
    assertThat(fresh).containsExactlyElementsOf(all);
    assertThat(texts(replays, 4, 0)).isEmpty();
  }

  @Test
  void streamsOutOfRangeOrOfEndedReplaysAreRefused() {
    replays.create(spec("r", v3()));

    assertThatThrownBy(() -> replays.stream("r", 5, 0, allocator))
        .isInstanceOf(LineageException.class)
        .hasMessageContaining("Replay r has batches 0 to 3; cannot stream from batch 5");
    assertThatThrownBy(() -> replays.stream("r", -1, 0, allocator))
        .hasMessageContaining("cannot stream from batch -1");
    assertThatThrownBy(() -> replays.stream("r", 0, -2, allocator))
        .hasMessageContaining("at most -2 batches");
    replays.drop("r");
    assertThatThrownBy(() -> replays.stream("r", 0, 0, allocator))
        .isInstanceOf(LineageException.class)
        .hasMessageContaining("Replay r is dropped");
  }

  private List<String> texts(Replays from, long first, long max) {
    List<String> out = new ArrayList<>();
    try (ReplayStream stream = from.stream("r", first, max, allocator)) {
      while (true) {
        try (ReplayBatch batch = stream.next()) {
          if (batch == null) {
            break;
          }
          out.add(batch.batch() + ":" + read(batch) + ":" + batch.skipped());
        }
      }
    }
    return out;
  }

  /** Reads a batch's cases with the rows of their inputs, as plain values. */
  static List<StreamedCase> read(ReplayBatch batch) {
    VectorSchemaRoot cases = batch.cases();
    List<StreamedCase> out = new ArrayList<>();
    ListVector lineage = (ListVector) cases.getVector(MetadataColumns.LINEAGE);
    for (int r = 0; r < cases.getRowCount(); r++) {
      long number = (Long) cases.getVector("_case").getObject(r);
      SortedSet<String> inputs = new TreeSet<>();
      JsonStringArrayList<?> refs = (JsonStringArrayList<?>) lineage.getObject(r);
      for (Object o : refs) {
        Map<?, ?> ref = (Map<?, ?>) o;
        Object snapshot = ref.get("snapshot_id");
        inputs.add(
            ref.get("table")
                + "/"
                + ref.get("record_id")
                + "@"
                + (snapshot == null ? "-" : snapshot));
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      for (VectorSchemaRoot t : batch.tables().values()) {
        for (int i = 0; i < t.getRowCount(); i++) {
          if ((Long) t.getVector("_case").getObject(i) != number) {
            continue;
          }
          Map<String, Object> row = new java.util.LinkedHashMap<>();
          for (FieldVector v : t.getFieldVectors()) {
            if (v.getName().equals("_ingested_at")) {
              assertThat(v.isNull(i)).isFalse();
              assertThat(((ArrowType.Timestamp) v.getField().getType()).getTimezone())
                  .isEqualTo("UTC");
              continue;
            }
            Object value = v.getObject(i);
            row.put(
                v.getName(),
                value == null
                    ? null
                    : value instanceof org.apache.arrow.vector.util.Text x ? x.toString() : value);
          }
          rows.add(row);
        }
      }
      // inputs of a case are streamed in the order of its sorted references
      rows.sort(
          (a, b) ->
              (a.get("_record_id") + "@" + a.get("_snapshot_id"))
                  .compareTo(b.get("_record_id") + "@" + b.get("_snapshot_id")));
      out.add(new StreamedCase(number, inputs, rows));
    }
    return out;
  }
}
