package dev.tracelake.lineage.replay;

import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.LineageException;
import dev.tracelake.lineage.PageIndexRowSource;
import dev.tracelake.lineage.RowSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays over a lake: re-run the inputs production outputs cited, at the snapshots they cited
 * them, through a candidate model on a branch, and compare its outputs with production's, record by
 * record.
 *
 * <p>A replay is defined once ({@link #create}): its slice is pinned to a snapshot and its cases
 * (the distinct sets of inputs the slice's outputs cite) are numbered, so {@link #stream} always
 * yields the same batches and a candidate that writes batch N as offset N of the replay's writer
 * commits each batch exactly once, however often it reconnects or restarts. The candidate writes to
 * the replay's branch; {@code main} moves only when the replay is {@link #publish published}.
 * Definitions live in the lake table {@code tracelake.replays}, so every server sharing the catalog
 * knows every replay. Thread-safe; open one per lake.
 *
 * <pre>{@code
 * try (Replays replays = Replays.open(lake)) {
 *   ReplayInfo replay = replays.create(ReplaySpec.builder("fraud-v4",
 *           ReplaySlice.of(TableName.parse("fraud.predictions")).withModel("fraud", "v3"))
 *       .candidate(Candidate.of("fraud", "v4", sha)).build()).replay();
 *   try (ReplayStream stream = replays.stream("fraud-v4", 0, 0, allocator)) { ... }
 *   ReplayComparison diff = replays.compare("fraud-v4", CompareOptions.defaults().groupBy("day"));
 * }
 * }</pre>
 */
public final class Replays implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Replays.class);

  /** Cases kept in memory over all cached plans, so a resumed stream does not re-read its slice. */
  private static final long CACHED_CASES = 4_000_000;

  private final Lake lake;
  private final RowSource rows;
  private final BufferAllocator allocator = new RootAllocator();
  private final ReplayRegistry registry;
  // guarded by itself: plans by replay id, least recently used first
  private final LinkedHashMap<String, CachedPlan> plans = new LinkedHashMap<>(16, 0.75f, true);

  private record CachedPlan(long sourceSnapshotId, String fingerprint, List<CaseKey> cases) {}

  /**
   * The answer of {@link #create}.
   *
   * @param replay the replay
   * @param created false when the same replay existed already and is returned unchanged
   */
  public record Created(ReplayInfo replay, boolean created) {}

  private Replays(Lake lake, RowSource rows) {
    this.lake = lake;
    this.rows = rows;
    this.registry = new ReplayRegistry(lake, allocator);
  }

  /** Opens replays over {@code lake}, reading inputs through the Parquet page index. */
  public static Replays open(Lake lake) {
    return open(lake, PageIndexRowSource.of(Objects.requireNonNull(lake, "lake")));
  }

  /** Opens replays over {@code lake}, reading inputs with {@code rows}. */
  public static Replays open(Lake lake, RowSource rows) {
    return new Replays(Objects.requireNonNull(lake, "lake"), Objects.requireNonNull(rows, "rows"));
  }

  /** Returns whether {@code table} is the replays' own bookkeeping table. */
  public static boolean isBookkeeping(TableName table) {
    return ReplayRegistry.TABLE.equals(table);
  }

  // --- create

  /**
   * Creates a replay: pins its slice to a snapshot, numbers its cases, records it and creates its
   * branch at the head of {@code main}. Creating the same id again with an equal spec returns the
   * replay unchanged (and re-creates its branch if a crash left it out).
   *
   * @return the replay, and whether it was created now
   * @throws LakeException NOT_FOUND for an unknown table, ref or snapshot; ALREADY_EXISTS when the
   *     id names a replay with another spec, or the branch exists; INVALID_ARGUMENT for a snapshot
   *     range whose start is not an ancestor of its end
   * @throws LineageException FAILED_PRECONDITION when the slice selects no output citing inputs
   */
  public synchronized Created create(ReplaySpec spec) {
    return create(spec, inputTables -> {});
  }

  /**
   * Creates a replay as {@link #create(ReplaySpec)} does, first handing {@code inputCheck} the
   * input tables the slice's outputs cite ({@code namespace.name}), once they are known and before
   * anything is recorded or branched: a check that throws leaves the lake as it was. A retried
   * create checks the inputs of the replay as it was created.
   */
  public synchronized Created create(ReplaySpec spec, Consumer<List<String>> inputCheck) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(inputCheck, "inputCheck");
    Optional<ReplayRegistry.Entry> known = registry.entry(spec.replayId());
    if (known.isPresent()) {
      if (known.get().definition().spec().equals(spec)) {
        inputCheck.accept(known.get().definition().inputTables());
      }
      return existing(spec, known.get());
    }
    ReplaySlice slice = spec.slice();
    LakeTable table = lake.table(slice.table());
    long source = resolveSource(table, slice);
    if (table.refs().stream().anyMatch(r -> r.name().equals(spec.branch()))) {
      throw new LakeException(
          ErrorKind.ALREADY_EXISTS,
          String.format(
              "Table %s already has a ref '%s'; give replay %s another branch",
              table.name(), spec.branch(), spec.replayId()));
    }
    CasePlan plan = CasePlan.read(lake, slice, source, allocator);
    if (plan.cases().isEmpty()) {
      throw ReplayText.precondition(
          "Replay %s: the slice %s at snapshot %d selects %d outputs and none cites an input;"
              + " nothing to replay",
          spec.replayId(), slice.describe(), source, plan.productionOutputs());
    }
    inputCheck.accept(plan.inputTables());
    Map<String, Long> unpinned = new TreeMap<>();
    for (String t : plan.unpinnedTables()) {
      try {
        lake.table(TableName.parse(t))
            .scan()
            .snapshot()
            .ifPresent(s -> unpinned.put(t, s.snapshotId()));
      } catch (LakeException e) {
        // not a table (any more): its inputs cannot be read and are reported when streamed
      }
    }
    Long base =
        table.scan().atRef(LakeTable.MAIN).snapshot().map(SnapshotInfo::snapshotId).orElse(null);
    ReplayDefinition definition =
        new ReplayDefinition(
            spec,
            source,
            base,
            // milliseconds, as every transport carries times
            Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
            plan.productionOutputs(),
            plan.outputsWithoutInputs(),
            plan.cases().size(),
            plan.inputRefs(),
            plan.inputTables(),
            unpinned,
            plan.fingerprint());
    registry.created(definition);
    ReplayRegistry.Entry winner = registry.entry(spec.replayId()).orElseThrow();
    if (!winner.definition().equals(definition)) {
      // another server created this id at the same time, first
      return existing(spec, winner);
    }
    ensureBranch(table, definition);
    cache(definition, plan.cases());
    LOG.info(
        "Created replay {}: {} at snapshot {}, {} outputs, {} cases in {} batches, branch {}",
        spec.replayId(),
        slice.describe(),
        source,
        plan.productionOutputs(),
        plan.cases().size(),
        definition.batches(),
        spec.branch());
    return new Created(info(winner), true);
  }

  private Created existing(ReplaySpec spec, ReplayRegistry.Entry entry) {
    ReplaySpec before = entry.definition().spec();
    if (!before.equals(spec)) {
      throw new LakeException(
          ErrorKind.ALREADY_EXISTS,
          String.format(
              "Replay %s exists with another definition (%s); choose another id",
              spec.replayId(), differences(before, spec)));
    }
    if (!entry.dropped() && !entry.published()) {
      ensureBranch(lake.table(spec.slice().table()), entry.definition());
    }
    return new Created(info(entry), false);
  }

  private static String differences(ReplaySpec a, ReplaySpec b) {
    List<String> out = new ArrayList<>();
    if (!a.slice().equals(b.slice())) {
      out.add("slice " + a.slice().describe() + " instead of " + b.slice().describe());
    }
    if (!a.candidate().equals(b.candidate())) {
      out.add("candidate " + a.candidate() + " instead of " + b.candidate());
    }
    if (!a.branch().equals(b.branch())) {
      out.add("branch " + a.branch() + " instead of " + b.branch());
    }
    if (a.batchCases() != b.batchCases()) {
      out.add(a.batchCases() + " cases per batch instead of " + b.batchCases());
    }
    return String.join("; ", out);
  }

  private long resolveSource(LakeTable table, ReplaySlice slice) {
    long source;
    if (slice.toSnapshotId() != null) {
      source = table.snapshot(slice.toSnapshotId()).snapshotId();
    } else {
      String ref = slice.refName().orElse(LakeTable.MAIN);
      source =
          table
              .scan()
              .atRef(ref)
              .snapshot()
              .orElseThrow(
                  () ->
                      ReplayText.precondition(
                          "Table %s has no snapshot at %s: nothing to replay", table.name(), ref))
              .snapshotId();
    }
    if (slice.afterSnapshotId() != null) {
      table.snapshot(slice.afterSnapshotId()); // NOT_FOUND when unknown
      if (!table.isAncestor(slice.afterSnapshotId(), source)) {
        throw ReplayText.invalid(
            "Table %s: snapshot %d is not an ancestor of snapshot %d, so no outputs lie between"
                + " them",
            table.name(), slice.afterSnapshotId(), source);
      }
    }
    return source;
  }

  private void ensureBranch(LakeTable table, ReplayDefinition d) {
    String branch = d.spec().branch();
    if (table.refs().stream().anyMatch(r -> r.name().equals(branch))) {
      return;
    }
    try {
      if (d.baseSnapshotId() == null) {
        table.createBranch(branch);
      } else {
        table.createBranch(branch, d.baseSnapshotId());
      }
    } catch (LakeException e) {
      if (e.kind() != ErrorKind.ALREADY_EXISTS) {
        throw e;
      }
      // made by a concurrent create of the same replay
    }
  }

  // --- read

  /**
   * Returns a replay and how it stands.
   *
   * @throws LineageException NOT_FOUND when no replay has the id
   */
  public ReplayInfo get(String replayId) {
    return info(entry(replayId));
  }

  /** Returns every replay (of {@code table} when not null), newest first. */
  public List<ReplayInfo> list(TableName table) {
    List<ReplayInfo> out = new ArrayList<>();
    for (ReplayRegistry.Entry e : registry.entries().values()) {
      if (table == null || e.definition().spec().slice().table().equals(table)) {
        out.add(info(e));
      }
    }
    out.sort(
        Comparator.comparing((ReplayInfo r) -> r.definition().createdAt())
            .reversed()
            .thenComparing(ReplayInfo::replayId));
    return out;
  }

  private ReplayRegistry.Entry entry(String replayId) {
    ReplayText.replayId(replayId);
    return registry
        .entry(replayId)
        .orElseThrow(
            () -> {
              List<String> ids = new ArrayList<>(registry.entries().keySet());
              String shown = ids.size() <= 20 ? ids.toString() : ids.subList(0, 20) + " and more";
              return ReplayText.notFound("No replay has the id '%s'; replays: %s", replayId, shown);
            });
  }

  private ReplayInfo info(ReplayRegistry.Entry entry) {
    ReplayDefinition d = entry.definition();
    Long branchHead = null;
    long committed = 0;
    if (lake.exists(d.spec().slice().table())) {
      LakeTable table = lake.table(d.spec().slice().table());
      Optional<RefInfo> branch =
          table.refs().stream()
              .filter(r -> r.name().equals(d.spec().branch()) && r.type() == RefInfo.Type.BRANCH)
              .findFirst();
      if (branch.isPresent()) {
        branchHead = branch.get().snapshotId();
        committed = committedBatches(table, d);
      } else if (entry.candidateSnapshotId() != null) {
        committed = committedBatches(table, d, entry.candidateSnapshotId());
      }
    }
    ReplayState state;
    if (entry.published()) {
      state = ReplayState.PUBLISHED;
    } else if (entry.dropped()) {
      state = ReplayState.DROPPED;
    } else if (committed == 0) {
      state = ReplayState.CREATED;
    } else if (committed < d.batches()) {
      state = ReplayState.RUNNING;
    } else {
      state = ReplayState.COMPLETED;
    }
    Long candidate =
        branchHead != null && !entry.published() ? branchHead : entry.candidateSnapshotId();
    return new ReplayInfo(d, state, committed, entry.dropped() ? null : branchHead, candidate);
  }

  private static long committedBatches(LakeTable table, ReplayDefinition d) {
    return offsetsIn(table.branchHead(d.spec().branch()).history(), d);
  }

  private static long committedBatches(LakeTable table, ReplayDefinition d, long head) {
    try {
      List<SnapshotInfo> history = new ArrayList<>();
      Long at = head;
      while (at != null && history.size() < 100_000) {
        SnapshotInfo s = table.snapshot(at);
        history.add(s);
        at = s.parentId();
        if (at != null && at.equals(d.baseSnapshotId())) {
          break;
        }
      }
      return offsetsIn(history, d);
    } catch (LakeException e) {
      return 0;
    }
  }

  /** Reads the replay writer's last offset from the newest summary naming it, back to the base. */
  private static long offsetsIn(Iterable<SnapshotInfo> history, ReplayDefinition d) {
    String key = "tracelake.writer." + d.spec().writerId();
    for (SnapshotInfo s : history) {
      if (d.baseSnapshotId() != null && s.snapshotId() == d.baseSnapshotId()) {
        return 0;
      }
      String range = s.summary().get(key);
      if (range != null) {
        int dash = range.lastIndexOf('-');
        try {
          return Long.parseLong(range.substring(dash + 1)) + 1;
        } catch (NumberFormatException e) {
          LOG.warn("Snapshot {} has a malformed offset range {}={}", s.snapshotId(), key, range);
          return 0;
        }
      }
    }
    return 0;
  }

  // --- stream

  /**
   * Streams a replay's batches from batch {@code from} on, at most {@code max} of them (0 for all).
   *
   * @throws LineageException NOT_FOUND for an unknown replay; INVALID_ARGUMENT for a batch out of
   *     range; FAILED_PRECONDITION for a published or dropped replay, or when the slice no longer
   *     reads as it did when the replay was created
   */
  public ReplayStream stream(String replayId, long from, long max, BufferAllocator allocator) {
    Objects.requireNonNull(allocator, "allocator");
    ReplayInfo replay = get(replayId);
    if (replay.state() == ReplayState.DROPPED || replay.state() == ReplayState.PUBLISHED) {
      throw ReplayText.precondition(
          "Replay %s is %s: its inputs are not streamed any more",
          replayId, replay.state().name().toLowerCase(java.util.Locale.ROOT));
    }
    long batches = replay.definition().batches();
    if (from < 0 || from > batches) {
      throw ReplayText.invalid(
          "Replay %s has batches 0 to %d; cannot stream from batch %d",
          replayId, batches - 1, from);
    }
    if (max < 0) {
      throw ReplayText.invalid("Replay %s: at most %d batches makes no sense", replayId, max);
    }
    List<CaseKey> cases = cases(replay.definition());
    Map<String, Set<Long>> cited = new TreeMap<>();
    for (CaseKey key : cases) {
      for (int i = 0; i < key.size(); i++) {
        InputRef ref = key.ref(i);
        long at =
            ref.hasSnapshot()
                ? ref.snapshotId()
                : replay
                    .definition()
                    .unpinnedInputHeads()
                    .getOrDefault(ref.table(), InputRef.NO_SNAPSHOT);
        cited.computeIfAbsent(ref.table(), t -> new HashSet<>()).add(at);
      }
    }
    Map<String, InputTable> tables = new LinkedHashMap<>();
    cited.forEach((t, snapshots) -> tables.put(t, InputTable.open(lake, t, snapshots)));
    Schema casesSchema = casesSchema(replay.definition().spec().slice().table());
    BatchReader reader =
        new BatchReader(
            tables, replay.definition().unpinnedInputHeads(), rows, casesSchema, allocator);
    long end = max == 0 ? batches : Math.min(batches, from + max);
    return new ReplayStream(replay, cases, casesSchema, tables, reader, from, end);
  }

  private Schema casesSchema(TableName output) {
    Field lineage =
        lake.table(output).arrowSchema().getFields().stream()
            .filter(f -> f.getName().equals(MetadataColumns.LINEAGE))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("Table " + output + " has no _lineage"));
    return new Schema(
        List.of(
            new Field(InputTable.CASE, FieldType.notNullable(new ArrowType.Int(64, true)), null),
            lineage));
  }

  /** Returns a replay's ordered cases, read again when not cached, and checked. */
  private List<CaseKey> cases(ReplayDefinition d) {
    synchronized (plans) {
      CachedPlan cached = plans.get(d.replayId());
      if (cached != null
          && cached.sourceSnapshotId() == d.sourceSnapshotId()
          && cached.fingerprint().equals(d.fingerprint())) {
        return cached.cases();
      }
    }
    CasePlan plan = CasePlan.read(lake, d.spec().slice(), d.sourceSnapshotId(), allocator);
    if (!plan.fingerprint().equals(d.fingerprint())) {
      throw ReplayText.precondition(
          "Replay %s: the slice %s at snapshot %d no longer reads as it did when the replay was"
              + " created (%d cases now, %d then; fingerprint %s, was %s): its data files were"
              + " changed outside Tracelake",
          d.replayId(),
          d.spec().slice().describe(),
          d.sourceSnapshotId(),
          plan.cases().size(),
          d.cases(),
          plan.fingerprint(),
          d.fingerprint());
    }
    cache(d, plan.cases());
    return plan.cases();
  }

  private void cache(ReplayDefinition d, List<CaseKey> cases) {
    synchronized (plans) {
      plans.put(d.replayId(), new CachedPlan(d.sourceSnapshotId(), d.fingerprint(), cases));
      long total = 0;
      for (CachedPlan p : plans.values()) {
        total += p.cases().size();
      }
      var it = plans.entrySet().iterator();
      while (total > CACHED_CASES && plans.size() > 1 && it.hasNext()) {
        total -= it.next().getValue().cases().size();
        it.remove();
      }
    }
  }

  // --- compare

  /**
   * Compares a replay's candidate outputs with its production outputs.
   *
   * @throws LineageException NOT_FOUND for an unknown replay or column; INVALID_ARGUMENT for a bad
   *     group; FAILED_PRECONDITION when the candidate's outputs are no longer known (a dropped
   *     branch whose head was not recorded)
   */
  public ReplayComparison compare(String replayId, CompareOptions options) {
    Objects.requireNonNull(options, "options");
    ReplayInfo replay = get(replayId);
    Long head = replay.candidateSnapshotId();
    if (head == null) {
      throw ReplayText.precondition(
          "Replay %s: its branch %s is gone and its head was not recorded; nothing to compare",
          replayId, replay.spec().branch());
    }
    try (BufferAllocator child =
        allocator.newChildAllocator("compare-" + replayId, 0, Long.MAX_VALUE)) {
      return new Comparer(lake, replay, head, options, child).compare();
    }
  }

  // --- publish and drop

  /**
   * Publishes a completed replay: fast-forwards {@code main} of the output table to the branch
   * head. Publishing again is harmless.
   *
   * @throws LineageException FAILED_PRECONDITION when the replay is dropped or not complete
   * @throws LakeException FAILED_PRECONDITION when main moved on since the branch was made
   */
  public synchronized ReplayInfo publish(String replayId) {
    ReplayRegistry.Entry entry = entry(replayId);
    ReplayInfo replay = info(entry);
    if (replay.state() == ReplayState.PUBLISHED) {
      return replay;
    }
    if (replay.state() == ReplayState.DROPPED) {
      throw ReplayText.precondition("Replay %s was dropped; it cannot be published", replayId);
    }
    if (replay.state() != ReplayState.COMPLETED) {
      throw ReplayText.precondition(
          "Replay %s has committed %d of %d batches; publish it once it is complete",
          replayId, replay.committedBatches(), replay.definition().batches());
    }
    LakeTable table = lake.table(replay.spec().slice().table());
    RefInfo main = table.fastForward(LakeTable.MAIN, replay.spec().branch());
    registry.published(entry.definition(), replay.branchSnapshotId(), main.snapshotId());
    LOG.info("Published replay {}: main of {} is at {}", replayId, table.name(), main.snapshotId());
    return get(replayId);
  }

  /**
   * Commits batch {@code batch} of a replay without outputs (its cases were all skipped, or the
   * candidate answered none): an empty snapshot on the branch that carries the replay writer's
   * offset {@code batch}, so that batch N stays writer offset N. Ingest refuses an append without
   * rows; this is the one place an empty commit is made, and only for the replay's own writer.
   * Committing a batch that is committed already changes nothing.
   *
   * @return the replay afterwards
   * @throws LineageException NOT_FOUND for an unknown replay; INVALID_ARGUMENT for a batch out of
   *     range; FAILED_PRECONDITION for a published or dropped replay, or when batch {@code batch -
   *     1} is not committed yet (offsets are never skipped)
   */
  public synchronized ReplayInfo commitEmptyBatch(String replayId, long batch) {
    ReplayInfo replay = get(replayId);
    ReplayDefinition d = replay.definition();
    if (batch < 0 || batch >= d.batches()) {
      throw ReplayText.invalid(
          "Replay %s has batches 0 to %d; batch %d is out of range",
          replayId, d.batches() - 1, batch);
    }
    if (replay.state() == ReplayState.PUBLISHED || replay.state() == ReplayState.DROPPED) {
      throw ReplayText.precondition(
          "Replay %s is %s; its batches cannot be committed",
          replayId, replay.state().name().toLowerCase(java.util.Locale.ROOT));
    }
    LakeTable table = lake.table(d.spec().slice().table());
    Candidate c = d.spec().candidate();
    dev.tracelake.lake.Provenance provenance =
        dev.tracelake.lake.Provenance.builder()
            .model(c.modelName(), c.modelVersion())
            .codeCommit(c.codeCommit())
            .runId(c.runId())
            .producer(c.producer())
            .build();
    boolean[] already = new boolean[1];
    try (PendingAppend append = table.newAppend(provenance, d.spec().branch())) {
      append
          .summary("tracelake.writer." + d.spec().writerId(), batch + "-" + batch)
          .check(
              head -> {
                // checked on the head the commit builds on, so a racing writer cannot interleave
                long committed = offsetsIn(head.history(), d);
                if (committed > batch) {
                  already[0] = true;
                  throw ReplayText.precondition("committed already");
                }
                if (committed < batch) {
                  throw ReplayText.precondition(
                      "Replay %s: batch %d cannot be committed before batch %d (the writer %s has"
                          + " committed %d batches)",
                      replayId, batch, committed, d.spec().writerId(), committed);
                }
              });
      append.commit();
    } catch (LineageException e) {
      if (!already[0]) {
        throw e;
      }
    }
    LOG.info("Replay {}: batch {} committed without outputs", replayId, batch);
    return get(replayId);
  }

  /**
   * Drops a replay's branch; its snapshots stay readable by id and a comparison still reads them.
   * Dropping again is harmless.
   *
   * @throws LineageException NOT_FOUND for an unknown replay
   */
  public synchronized ReplayInfo drop(String replayId) {
    ReplayRegistry.Entry entry = entry(replayId);
    if (entry.dropped()) {
      return info(entry);
    }
    ReplayInfo replay = info(entry);
    if (replay.branchSnapshotId() != null) {
      lake.table(replay.spec().slice().table()).admin().dropBranch(replay.spec().branch());
    }
    registry.dropped(entry.definition(), replay.candidateSnapshotId());
    LOG.info("Dropped replay {} (branch {})", replayId, replay.spec().branch());
    return get(replayId);
  }

  @Override
  public void close() {
    synchronized (plans) {
      plans.clear();
    }
    allocator.close();
  }

  /** Returns the replays as a map by id, for tests. */
  Map<String, ReplayInfo> all() {
    Map<String, ReplayInfo> out = new HashMap<>();
    registry.entries().forEach((id, e) -> out.put(id, info(e)));
    return out;
  }
}
