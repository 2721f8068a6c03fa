package dev.tracelake.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.tracelake.client.Provenance;
import dev.tracelake.client.Replay;
import dev.tracelake.client.ReplayComparison;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints replays and comparisons as aligned text, JSON or CSV. */
final class ReplayPrinter {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          // times as ISO-8601 text, without the java.time module
          .addModule(
              new SimpleModule()
                  .addSerializer(java.time.Instant.class, ToStringSerializer.instance))
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private static final List<String> REPLAY_COLUMNS =
      List.of(
          "replay",
          "table",
          "slice",
          "candidate",
          "branch",
          "state",
          "committed_batches",
          "batches",
          "cases",
          "production_outputs",
          "source_snapshot_id",
          "branch_snapshot_id",
          "created_at");

  private final PrintWriter out;
  private final ReplayFormat format;

  ReplayPrinter(PrintWriter out, ReplayFormat format) {
    this.out = out;
    this.format = format;
  }

  void json(Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot print " + value.getClass().getSimpleName(), e);
    }
    out.flush();
  }

  static String candidate(Provenance c) {
    String model =
        c.modelName() == null
            ? "?"
            : c.modelName() + (c.modelVersion() == null ? "" : ":" + c.modelVersion());
    return model + (c.codeCommit() == null ? "" : "@" + c.codeCommit());
  }

  private static List<Object> row(Replay r) {
    List<Object> row = new ArrayList<>();
    row.add(r.replayId());
    row.add(r.table());
    row.add(r.slice().describe());
    row.add(candidate(r.candidate()));
    row.add(r.branch());
    row.add(r.state());
    row.add(r.committedBatches());
    row.add(r.batches());
    row.add(r.cases());
    row.add(r.productionOutputs());
    row.add(r.sourceSnapshotId());
    row.add(r.branchSnapshotId());
    row.add(r.createdAt());
    return row;
  }

  /** Prints replays: one row each. */
  void replays(List<Replay> replays) {
    switch (format) {
      case JSON -> json(replays);
      case CSV -> {
        csv(REPLAY_COLUMNS.toArray());
        replays.forEach(r -> csv(row(r).toArray()));
      }
      case TABLE -> {
        TextTable t =
            TextTable.of(
                "REPLAY", "TABLE", "SLICE", "CANDIDATE", "BRANCH", "STATE", "BATCHES", "CASES");
        for (Replay r : replays) {
          t.row(
              r.replayId(),
              r.table(),
              r.slice().describe(),
              candidate(r.candidate()),
              r.branch(),
              r.state(),
              r.committedBatches() + "/" + r.batches(),
              r.cases());
        }
        t.print(out);
      }
    }
    out.flush();
  }

  /** Prints one replay: every detail. */
  void replay(Replay r) {
    switch (format) {
      case JSON -> json(r);
      case CSV -> {
        csv(REPLAY_COLUMNS.toArray());
        csv(row(r).toArray());
      }
      case TABLE -> {
        TextTable t = TextTable.of("FIELD", "VALUE");
        t.row("replay", r.replayId());
        t.row("state", r.state());
        t.row("table", r.table());
        t.row("slice", r.slice().describe() + " at snapshot " + r.sourceSnapshotId());
        t.row("candidate", candidate(r.candidate()) + " run " + r.candidate().runId());
        t.row(
            "branch",
            r.branch()
                + (r.branchSnapshotId() == null ? " (dropped)" : " at " + r.branchSnapshotId()));
        t.row("base snapshot", r.baseSnapshotId());
        t.row("writer", r.writerId());
        t.row(
            "production outputs",
            r.productionOutputs() + " (" + r.outputsWithoutInputs() + " cite no input)");
        t.row(
            "cases",
            r.cases() + " (" + r.inputRefs() + " input references in " + r.inputTables() + ")");
        t.row(
            "batches",
            r.committedBatches()
                + " of "
                + r.batches()
                + " committed, "
                + r.batchCases()
                + " cases each");
        t.row("created", r.createdAt());
        t.print(out);
      }
    }
    out.flush();
  }

  /** Prints a comparison: counts, columns, value pairs, groups, duplicates. */
  void comparison(ReplayComparison c) {
    switch (format) {
      case JSON -> json(c);
      case CSV -> comparisonCsv(c);
      case TABLE -> comparisonTable(c);
    }
    out.flush();
  }

  private void comparisonTable(ReplayComparison c) {
    Replay r = c.replay();
    out.printf(
        "Replay %s: %s %s at snapshot %d vs candidate %s on %s at snapshot %s%n%n",
        r.replayId(),
        r.table(),
        r.slice().describe(),
        r.sourceSnapshotId(),
        candidate(r.candidate()),
        r.branch(),
        c.candidateSnapshotId());
    counts(c.counts(), null);
    columns(c.columns());
    for (ReplayComparison.Column col : c.columns()) {
      if (!col.confusion().isEmpty() && col.differing() == 0) {
        out.println();
        out.printf("%s: unchanged in all %d pairs%n", col.column(), col.compared());
      } else if (!col.confusion().isEmpty()) {
        out.println();
        TextTable t =
            TextTable.of(
                col.column().toUpperCase(Locale.ROOT) + " (PRODUCTION)", "CANDIDATE", "COUNT", "");
        col.confusion()
            .forEach(
                p ->
                    t.row(
                        p.production(),
                        p.candidate(),
                        p.count(),
                        java.util.Objects.equals(p.production(), p.candidate()) ? "" : "changed"));
        t.print(out);
        if (col.distinctPairs() > col.confusion().size()) {
          out.printf(
              "... %d more pairs (raise --pairs)%n", col.distinctPairs() - col.confusion().size());
        }
      }
    }
    if (c.groupBy() != null) {
      out.println();
      List<String> header =
          new ArrayList<>(
              List.of(
                  c.groupBy().toUpperCase(Locale.ROOT),
                  "MATCHED",
                  "ONLY_PRODUCTION",
                  "ONLY_CANDIDATE"));
      List<String> names = c.columns().stream().map(ReplayComparison.Column::column).toList();
      names.forEach(n -> header.add(n.toUpperCase(Locale.ROOT) + "_DIFFERING"));
      TextTable t = TextTable.of(header.toArray(String[]::new));
      for (ReplayComparison.Group g : c.groups()) {
        List<Object> row =
            new ArrayList<>(
                List.of(
                    g.group() == null ? "(none)" : g.group(),
                    g.counts().matched(),
                    g.counts().onlyProduction(),
                    g.counts().onlyCandidate()));
        g.columns().forEach(col -> row.add(col.differing()));
        t.row(row.toArray());
      }
      t.print(out);
    }
    if (!c.duplicates().isEmpty()) {
      out.println();
      out.println("cases with duplicate outputs (the first of each side is compared):");
      for (ReplayComparison.Duplicate d : c.duplicates()) {
        out.printf(
            "  %s: production %s, candidate %s%n",
            d.inputs(), d.productionRecordIds(), d.candidateRecordIds());
      }
    }
    if (!c.onlyProductionExamples().isEmpty()) {
      out.println();
      out.println("production outputs the candidate did not answer: " + c.onlyProductionExamples());
    }
    if (!c.onlyCandidateExamples().isEmpty()) {
      out.println();
      out.println("candidate outputs without a production output: " + c.onlyCandidateExamples());
    }
  }

  private void counts(ReplayComparison.Counts k, String group) {
    TextTable t = TextTable.of("PAIRING", "COUNT");
    t.row("production outputs", k.productionOutputs());
    t.row("candidate outputs", k.candidateOutputs());
    t.row("matched cases", k.matched());
    t.row("only in production", k.onlyProduction());
    t.row("only in candidate", k.onlyCandidate());
    t.row("duplicate production outputs", k.duplicateProduction());
    t.row("duplicate candidate outputs", k.duplicateCandidate());
    t.row("production outputs citing no input", k.productionWithoutInputs());
    t.row("candidate outputs citing no input", k.candidateWithoutInputs());
    t.print(out);
  }

  private void columns(List<ReplayComparison.Column> columns) {
    out.println();
    TextTable t =
        TextTable.of(
            "COLUMN",
            "KIND",
            "COMPARED",
            "DIFFERING",
            "MEAN_ABS_DELTA",
            "MAX_ABS_DELTA",
            "MEAN_DELTA");
    for (ReplayComparison.Column c : columns) {
      t.row(
          c.column(),
          c.kind(),
          c.compared(),
          c.differing(),
          number(c.meanAbsDelta()),
          number(c.maxAbsDelta()),
          number(c.meanDelta()));
    }
    t.print(out);
  }

  private static String number(Double d) {
    return d == null ? null : String.format(Locale.ROOT, "%.6g", d);
  }

  /**
   * One row per figure: {@code group,metric,column,production_value,candidate_value,value}, the
   * whole comparison in one table a spreadsheet or a script can filter.
   */
  private void comparisonCsv(ReplayComparison c) {
    csv("group", "metric", "column", "production_value", "candidate_value", "value");
    csvFigures(null, c.counts(), c.columns());
    for (ReplayComparison.Group g : c.groups()) {
      csvFigures(c.groupBy() + "=" + (g.group() == null ? "" : g.group()), g.counts(), g.columns());
    }
  }

  private void csvFigures(
      String group, ReplayComparison.Counts k, List<ReplayComparison.Column> columns) {
    csv(group, "production_outputs", null, null, null, k.productionOutputs());
    csv(group, "candidate_outputs", null, null, null, k.candidateOutputs());
    csv(group, "matched", null, null, null, k.matched());
    csv(group, "only_production", null, null, null, k.onlyProduction());
    csv(group, "only_candidate", null, null, null, k.onlyCandidate());
    csv(group, "duplicate_production", null, null, null, k.duplicateProduction());
    csv(group, "duplicate_candidate", null, null, null, k.duplicateCandidate());
    csv(group, "production_without_inputs", null, null, null, k.productionWithoutInputs());
    csv(group, "candidate_without_inputs", null, null, null, k.candidateWithoutInputs());
    for (ReplayComparison.Column col : columns) {
      csv(group, "compared", col.column(), null, null, col.compared());
      csv(group, "differing", col.column(), null, null, col.differing());
      if (col.meanAbsDelta() != null) {
        csv(group, "mean_abs_delta", col.column(), null, null, col.meanAbsDelta());
        csv(group, "max_abs_delta", col.column(), null, null, col.maxAbsDelta());
        csv(group, "mean_delta", col.column(), null, null, col.meanDelta());
      }
      for (ReplayComparison.ValuePair p : col.confusion()) {
        csv(group, "pair", col.column(), p.production(), p.candidate(), p.count());
      }
    }
  }

  /** Prints one CSV line (RFC 4180: fields with commas, quotes or line breaks are quoted). */
  private void csv(Object... values) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        line.append(',');
      }
      Object v = values[i];
      if (v == null) {
        continue;
      }
      String s = v.toString();
      if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
        line.append('"').append(s.replace("\"", "\"\"")).append('"');
      } else {
        line.append(s);
      }
    }
    out.println(line);
  }
}
