package dev.tracelake.lineage.replay;

import dev.tracelake.lake.ColumnInfo;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeScan;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.PlannedColumn;
import dev.tracelake.lineage.replay.ReplayComparison.ColumnComparison;
import dev.tracelake.lineage.replay.ReplayComparison.Counts;
import dev.tracelake.lineage.replay.ReplayComparison.DuplicateCase;
import dev.tracelake.lineage.replay.ReplayComparison.GroupComparison;
import dev.tracelake.lineage.replay.ReplayComparison.Kind;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Pairs a replay's production outputs with the candidate's by case and accumulates their
 * differences, overall and per group. Each side is read once; only the first output of each case
 * (the smallest record id) keeps its values.
 */
final class Comparer {
  /** One compared column: its name now and in each side's version, and how it is compared. */
  private record Column(String name, Kind kind, String productionName, String candidateName) {}

  /** The outputs of one case on one side. */
  private static final class Outputs {
    String first;
    Object[] values;
    String group;
    List<String> others;

    int count() {
      return 1 + (others == null ? 0 : others.size());
    }
  }

  private final Lake lake;
  private final ReplayInfo replay;
  private final long candidateHead;
  private final CompareOptions options;
  private final BufferAllocator allocator;
  private final List<Column> columns = new ArrayList<>();
  private String productionGroup;
  private String candidateGroup;

  Comparer(
      Lake lake,
      ReplayInfo replay,
      long candidateHead,
      CompareOptions options,
      BufferAllocator allocator) {
    this.lake = lake;
    this.replay = replay;
    this.candidateHead = candidateHead;
    this.options = options;
    this.allocator = allocator;
  }

  ReplayComparison compare() {
    ReplayDefinition d = replay.definition();
    LakeTable table = lake.table(d.spec().slice().table());
    Map<Integer, String> atSource = names(table.scan().atSnapshot(d.sourceSnapshotId()));
    Map<Integer, String> atCandidate = names(table.scan().atSnapshot(candidateHead));
    resolveColumns(table, atSource, atCandidate);

    Map<CaseKey, Outputs> production = new HashMap<>();
    long[] production0 = new long[2];
    read(
        OutputRows.production(lake, d.spec().slice(), d.sourceSnapshotId()),
        true,
        production,
        production0);
    Map<CaseKey, Outputs> candidate = new HashMap<>();
    long[] candidate0 = new long[2];
    read(OutputRows.candidate(lake, d, candidateHead), false, candidate, candidate0);

    Tally overall = new Tally();
    Map<String, Tally> groups = new TreeMap<>(Comparator.nullsFirst(String::compareTo));
    Tally nullGroup = null;
    List<Map.Entry<CaseKey, Outputs>> onlyProduction = new ArrayList<>();
    List<String> onlyCandidate = new ArrayList<>();
    List<DuplicateCase> duplicates = new ArrayList<>();
    boolean grouped = options.groupBy() != null;
    for (Map.Entry<CaseKey, Outputs> e : production.entrySet()) {
      Outputs p = e.getValue();
      Outputs c = candidate.get(e.getKey());
      Tally group = null;
      if (grouped) {
        String g = p.group;
        if (g == null) {
          nullGroup = nullGroup == null ? new Tally() : nullGroup;
          group = nullGroup;
        } else {
          group = groups.computeIfAbsent(g, k -> new Tally());
        }
      }
      if (c == null) {
        overall.onlyProduction(p);
        if (group != null) {
          group.onlyProduction(p);
        }
        onlyProduction.add(e);
      } else {
        overall.matched(p, c);
        if (group != null) {
          group.matched(p, c);
        }
      }
      if (p.count() > 1 || (c != null && c.count() > 1)) {
        duplicates.add(duplicate(e.getKey(), p, c));
      }
    }
    for (Map.Entry<CaseKey, Outputs> e : candidate.entrySet()) {
      if (production.containsKey(e.getKey())) {
        continue;
      }
      Outputs c = e.getValue();
      overall.onlyCandidate(c);
      if (grouped) {
        Tally group;
        if (c.group == null) {
          nullGroup = nullGroup == null ? new Tally() : nullGroup;
          group = nullGroup;
        } else {
          group = groups.computeIfAbsent(c.group, k -> new Tally());
        }
        group.onlyCandidate(c);
      }
      onlyCandidate.add(c.first);
      if (c.count() > 1) {
        duplicates.add(duplicate(e.getKey(), null, c));
      }
    }
    List<GroupComparison> groupResults = new ArrayList<>();
    if (nullGroup != null) {
      groupResults.add(
          new GroupComparison(
              null, nullGroup.counts(0, 0, 0, 0), nullGroup.columns(options.maxPairs())));
    }
    groups.forEach(
        (g, t) ->
            groupResults.add(
                new GroupComparison(g, t.counts(0, 0, 0, 0), t.columns(options.maxPairs()))));
    int examples = options.maxExamples();
    duplicates.sort(
        Comparator.comparing(
            x ->
                x.productionRecordIds().isEmpty()
                    ? x.candidateRecordIds().get(0)
                    : x.productionRecordIds().get(0)));
    List<String> onlyProductionIds = new ArrayList<>();
    onlyProduction.forEach(e -> onlyProductionIds.add(e.getValue().first));
    onlyProductionIds.sort(null);
    onlyCandidate.sort(null);
    return new ReplayComparison(
        replay,
        candidateHead,
        overall.counts(production0[0], candidate0[0], production0[1], candidate0[1]),
        overall.columns(options.maxPairs()),
        options.groupBy(),
        groupResults,
        duplicates.subList(0, Math.min(examples, duplicates.size())),
        onlyProductionIds.subList(0, Math.min(examples, onlyProductionIds.size())),
        onlyCandidate.subList(0, Math.min(examples, onlyCandidate.size())));
  }

  private DuplicateCase duplicate(CaseKey key, Outputs p, Outputs c) {
    return new DuplicateCase(key.describe(), ids(p), ids(c));
  }

  private static List<String> ids(Outputs o) {
    if (o == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    out.add(o.first);
    if (o.others != null) {
      List<String> rest = new ArrayList<>(o.others);
      rest.sort(null);
      out.addAll(rest);
    }
    return out;
  }

  /** Pairing counts and column stats of matched cases, overall or in a group. */
  private final class Tally {
    long matched;
    long onlyProduction;
    long onlyCandidate;
    long duplicateProduction;
    long duplicateCandidate;
    long productionOutputs;
    long candidateOutputs;
    final List<ColumnStats> stats = new ArrayList<>();

    Tally() {
      for (Column c : columns) {
        stats.add(new ColumnStats(c.name(), c.kind()));
      }
    }

    void matched(Outputs p, Outputs c) {
      matched++;
      production(p);
      candidate(c);
      for (int i = 0; i < stats.size(); i++) {
        stats.get(i).add(p.values[i], c.values[i]);
      }
    }

    void onlyProduction(Outputs p) {
      onlyProduction++;
      production(p);
    }

    void onlyCandidate(Outputs c) {
      onlyCandidate++;
      candidate(c);
    }

    private void production(Outputs p) {
      productionOutputs += p.count();
      duplicateProduction += p.count() - 1;
    }

    private void candidate(Outputs c) {
      candidateOutputs += c.count();
      duplicateCandidate += c.count() - 1;
    }

    /** The counts; {@code all*} and {@code *WithoutInputs} count outputs not in any case. */
    Counts counts(
        long allProduction, long allCandidate, long productionWithout, long candidateWithout) {
      return new Counts(
          Math.max(allProduction, productionOutputs),
          Math.max(allCandidate, candidateOutputs),
          matched,
          onlyProduction,
          onlyCandidate,
          duplicateProduction,
          duplicateCandidate,
          productionWithout,
          candidateWithout);
    }

    List<ColumnComparison> columns(int maxPairs) {
      return stats.stream().map(s -> s.result(maxPairs)).toList();
    }
  }

  /** Returns each column's name at a version, by field id. */
  private static Map<Integer, String> names(LakeScan scan) {
    Map<Integer, String> out = new HashMap<>();
    for (PlannedColumn c : scan.plan().columns()) {
      out.put(c.fieldId(), c.name());
    }
    return out;
  }

  private void resolveColumns(
      LakeTable table, Map<Integer, String> atSource, Map<Integer, String> atCandidate) {
    Map<String, ColumnInfo> current = new LinkedHashMap<>();
    for (ColumnInfo c : table.describe().columns()) {
      current.put(c.name(), c);
    }
    List<String> wanted = options.columns();
    if (wanted.isEmpty()) {
      wanted = current.values().stream().filter(c -> !c.metadata()).map(ColumnInfo::name).toList();
    }
    for (String name : wanted) {
      ColumnInfo c = current.get(name);
      if (c == null || c.metadata()) {
        throw ReplayText.notFound(
            "Table %s has no column '%s' to compare; columns: %s",
            table.name(),
            ReplayText.shown(name),
            current.values().stream().filter(x -> !x.metadata()).map(ColumnInfo::name).toList());
      }
      columns.add(
          new Column(
              name, kind(c.type()), atSource.get(c.fieldId()), atCandidate.get(c.fieldId())));
    }
    String g = options.groupBy();
    if (g == null) {
      return;
    }
    String metadata =
        switch (g) {
          case CompareOptions.GROUP_MODEL_VERSION -> MetadataColumns.MODEL_VERSION;
          case CompareOptions.GROUP_RUN -> MetadataColumns.RUN_ID;
          case CompareOptions.GROUP_DAY -> MetadataColumns.INGESTED_AT;
          default -> null;
        };
    if (metadata != null) {
      productionGroup = metadata;
      candidateGroup = metadata;
      return;
    }
    ColumnInfo c = current.get(g);
    if (c == null || c.metadata()) {
      throw ReplayText.invalid(
          "Cannot group by '%s': use model_version, run, day or a column of %s: %s",
          ReplayText.shown(g),
          table.name(),
          current.values().stream().filter(x -> !x.metadata()).map(ColumnInfo::name).toList());
    }
    productionGroup = atSource.get(c.fieldId());
    candidateGroup = atCandidate.get(c.fieldId());
  }

  static Kind kind(String icebergType) {
    if (icebergType.equals("int")
        || icebergType.equals("long")
        || icebergType.equals("float")
        || icebergType.equals("double")
        || icebergType.startsWith("decimal")) {
      return Kind.NUMERIC;
    }
    if (icebergType.equals("string") || icebergType.equals("boolean")) {
      return Kind.CATEGORICAL;
    }
    return Kind.OTHER;
  }

  private void read(
      LakeScan scan, boolean isProduction, Map<CaseKey, Outputs> into, long[] totals) {
    List<String> select = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    for (Column c : columns) {
      String name = isProduction ? c.productionName() : c.candidateName();
      positions.add(name == null ? -1 : addColumn(select, name));
    }
    String groupColumn = isProduction ? productionGroup : candidateGroup;
    int groupAt = groupColumn == null ? -1 : addColumn(select, groupColumn);
    boolean byDay = CompareOptions.GROUP_DAY.equals(options.groupBy());
    new OutputRows()
        .read(
            scan,
            select,
            allocator,
            (root, row, recordId, key) -> {
              totals[0]++;
              if (key == null) {
                totals[1]++;
                return;
              }
              Outputs known = into.get(key);
              if (known != null && known.first.compareTo(recordId) <= 0) {
                (known.others == null ? known.others = new ArrayList<>() : known.others)
                    .add(recordId);
                return;
              }
              Outputs o = known == null ? new Outputs() : known;
              if (known != null) {
                (o.others == null ? o.others = new ArrayList<>() : o.others).add(o.first);
              }
              o.first = recordId;
              o.values = new Object[columns.size()];
              for (int i = 0; i < columns.size(); i++) {
                int at = positions.get(i);
                o.values[i] =
                    at < 0 ? null : value(root, select.get(at), row, columns.get(i).kind());
              }
              o.group = groupAt < 0 ? null : group(root, select.get(groupAt), row, byDay);
              into.put(key, o);
            });
  }

  private static int addColumn(List<String> select, String name) {
    int at = select.indexOf(name);
    if (at < 0) {
      select.add(name);
      at = select.size() - 1;
    }
    return at;
  }

  private static Object value(VectorSchemaRoot root, String column, int row, Kind kind) {
    FieldVector v = root.getVector(column);
    if (v.isNull(row)) {
      return null;
    }
    Object value = v.getObject(row);
    return switch (kind) {
      case NUMERIC ->
          value instanceof BigDecimal d ? d.doubleValue() : ((Number) value).doubleValue();
      case CATEGORICAL -> value.toString();
      case OTHER -> value instanceof org.apache.arrow.vector.util.Text t ? t.toString() : value;
    };
  }

  private static String group(VectorSchemaRoot root, String column, int row, boolean byDay) {
    FieldVector v = root.getVector(column);
    if (v.isNull(row)) {
      return null;
    }
    if (byDay && v instanceof TimeStampVector ts) {
      long micros = ts.get(row);
      boolean tz = ((ArrowType.Timestamp) v.getField().getType()).getTimezone() != null;
      Instant at = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L));
      return (tz ? at.atOffset(ZoneOffset.UTC) : at.atOffset(ZoneOffset.UTC))
          .toLocalDate()
          .toString();
    }
    return v.getObject(row).toString();
  }
}
