package dev.tracelake.lineage;

import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.SnapshotInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every run the lake knows of, derived from the runs table (registrations and updates, folded in
 * commit order) and from snapshot summaries (a run id in a summary without a registration is a run
 * with what the summary says). Like the graph, it is rebuilt by a reindex.
 *
 * <p>Guarded by the lock of the owning {@link IndexState}.
 */
final class RunRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(RunRegistry.class);

  private final String datasetNamespace;
  private final Map<String, RunInfo> recorded = new LinkedHashMap<>();
  private final Map<String, Seen> seen = new LinkedHashMap<>();
  private final Map<String, Set<DatasetVersion>> readByRecords = new HashMap<>();
  private final Set<String> summarized = new HashSet<>();

  /** What snapshot summaries say about a run. */
  private static final class Seen {
    String codeCommit;
    String modelName;
    String modelVersion;
    String producer;
    Instant first;
    Instant last;
    final Set<DatasetVersion> outputs = new LinkedHashSet<>();
  }

  RunRegistry(String datasetNamespace) {
    this.datasetNamespace = datasetNamespace;
  }

  int size() {
    Set<String> ids = new HashSet<>(recorded.keySet());
    ids.addAll(seen.keySet());
    return ids.size();
  }

  /** Folds one row of the runs table in; a row that makes no valid run is skipped. */
  void apply(RunRow row) {
    try {
      merge(row);
    } catch (IllegalArgumentException e) {
      // written by another tool or a newer version: one bad row must not stop the index
      LOG.warn("Skipping a row of the runs table for run {}: {}", row.runId(), e.getMessage());
    }
  }

  private void merge(RunRow row) {
    RunInfo old = recorded.get(row.runId());
    RunInfo.Builder b = old == null ? RunInfo.builder(row.runId()) : old.toBuilder();
    if (old == null) {
      b.source(row.source() == null ? RunSource.REGISTERED : row.source());
    }
    if (row.jobNamespace() != null || row.jobName() != null) {
      b.job(
          pick(row.jobNamespace(), old == null ? null : old.jobNamespace()),
          pick(row.jobName(), old == null ? null : old.jobName()));
    }
    if (row.codeRepository() != null || row.codeCommit() != null) {
      b.code(
          pick(row.codeRepository(), old == null ? null : old.codeRepository()),
          pick(row.codeCommit(), old == null ? null : old.codeCommit()));
    }
    if (row.modelName() != null || row.modelVersion() != null) {
      b.model(
          pick(row.modelName(), old == null ? null : old.modelName()),
          pick(row.modelVersion(), old == null ? null : old.modelVersion()));
    }
    b.parameters(row.parameters());
    if (row.startedAt() != null) {
      b.startedAt(row.startedAt());
    }
    if (row.endedAt() != null) {
      b.endedAt(row.endedAt());
    }
    if (row.status() != null) {
      b.status(row.status());
    }
    if (row.parent() != null) {
      b.parent(row.parent());
    }
    if (row.nominalStartTime() != null) {
      b.nominalTime(
          row.nominalStartTime(),
          row.nominalEndTime() != null
              ? row.nominalEndTime()
              : old == null ? null : old.nominalEndTime());
    }
    if (row.failureMessage() != null) {
      b.failureMessage(row.failureMessage());
    }
    row.inputs().forEach(b::input);
    row.outputs().forEach(b::output);
    recorded.put(row.runId(), b.build());
  }

  /** Takes a snapshot's provenance in, once per snapshot. */
  void addSnapshot(String table, SnapshotInfo snapshot) {
    Provenance p = snapshot.provenance();
    if (p.runId() == null || !summarized.add(table + "@" + snapshot.snapshotId())) {
      return;
    }
    Seen s = seen.computeIfAbsent(p.runId(), k -> new Seen());
    s.codeCommit = pick(s.codeCommit, p.codeCommit());
    s.modelName = pick(s.modelName, p.modelName());
    s.modelVersion = pick(s.modelVersion, p.modelVersion());
    s.producer = pick(s.producer, p.producer());
    Instant at = snapshot.committedAt();
    s.first = s.first == null || at.isBefore(s.first) ? at : s.first;
    s.last = s.last == null || at.isAfter(s.last) ? at : s.last;
    s.outputs.add(DatasetVersion.ofTable(datasetNamespace, table, snapshot.snapshotId()));
  }

  /** Takes in the (table, snapshot) pairs that runs' records read. */
  void addInputs(RunInputs inputs) {
    inputs.byRun.forEach(
        (run, pairs) -> {
          Set<DatasetVersion> read = readByRecords.computeIfAbsent(run, k -> new LinkedHashSet<>());
          for (RunInputs.TableSnapshot pair : pairs) {
            read.add(
                new DatasetVersion(
                    datasetNamespace,
                    pair.table(),
                    pair.snapshotId() == LineageGraph.NO_SNAPSHOT
                        ? null
                        : Long.toString(pair.snapshotId())));
          }
        });
  }

  /** When a snapshot of the run was last committed, if any. */
  Instant lastCommit(String runId) {
    Seen s = seen.get(runId);
    return s == null ? null : s.last;
  }

  Optional<RunInfo> run(String runId) {
    RunInfo base = recorded.get(runId);
    Seen s = seen.get(runId);
    Set<DatasetVersion> read = readByRecords.get(runId);
    if (base == null && s == null && read == null) {
      return Optional.empty();
    }
    RunInfo.Builder b;
    if (base == null) {
      b = RunInfo.builder(runId).source(RunSource.INGEST).status(RunStatus.UNKNOWN);
      if (s != null) {
        // a run seen only in summaries: the producer is the best job name there is, and the
        // first commit is the earliest evidence of the run
        b.job(null, s.producer)
            .code(null, s.codeCommit)
            .model(s.modelName, s.modelVersion)
            .startedAt(s.first);
      }
    } else {
      b = base.toBuilder();
      if (s != null) {
        if (base.codeCommit() == null && s.codeCommit != null) {
          b.code(base.codeRepository(), s.codeCommit);
        }
        if (base.modelName() == null && base.modelVersion() == null) {
          b.model(s.modelName, s.modelVersion);
        }
        if (base.jobName() == null && s.producer != null) {
          b.job(base.jobNamespace(), s.producer);
        }
        if (base.startedAt() == null) {
          b.startedAt(s.first);
        }
      }
    }
    if (read != null) {
      read.forEach(b::input);
    }
    if (s != null) {
      s.outputs.forEach(b::output);
    }
    return Optional.of(b.build());
  }

  List<RunInfo> runs() {
    Set<String> ids = new LinkedHashSet<>(recorded.keySet());
    ids.addAll(seen.keySet());
    ids.addAll(readByRecords.keySet());
    List<RunInfo> all = new ArrayList<>();
    for (String id : ids) {
      run(id).ifPresent(all::add);
    }
    all.sort(
        Comparator.comparing(
                RunInfo::startedAt, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
            .thenComparing(RunInfo::runId));
    return all;
  }

  private static String pick(String preferred, String fallback) {
    return preferred != null ? preferred : fallback;
  }
}
