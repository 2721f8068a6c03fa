package dev.tracelake.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.TypeUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the small data files of a table's head ({@code main}) into larger ones, as one Iceberg
 * {@code replace} snapshot: the head then reads the same rows from fewer files. Rows keep every
 * stored value ({@code _record_id}, {@code _ingested_at}, {@code _lineage}) and their file's
 * partition (the provenance), in the order they were committed. Nothing is deleted: the replaced
 * files stay on disk, referenced by the snapshots before the rewrite, which read exactly as before.
 *
 * <p>Safe beside writers and other compactors: the commit is Iceberg's optimistic one, retried when
 * appends land first (they never conflict with a rewrite) and abandoned when another compaction
 * already replaced one of the files (Iceberg's rewrite validation). A crash leaves only
 * unreferenced new files, which the orphan cleaner removes.
 */
final class Compaction {
  private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);
  private static final int ATTEMPTS = 20;
  static final String SUMMARY_COMPACTION_ID = "tracelake.compaction-id";
  static final String PRODUCER = "tracelake-compaction";

  /** Test hook: runs after the new files are written and before the commit (a crash there). */
  static final ThreadLocal<Runnable> AFTER_WRITE = new ThreadLocal<>();

  private Compaction() {}

  private record Input(DataFile file, PartitionSpec spec) {}

  private record Group(PartitionSpec spec, StructLike partition, List<Input> inputs) {}

  /** Compacts the head of {@code table}, which is a private instance the caller may commit with. */
  static CompactionResult compact(
      Lake lake, String displayName, Table table, CompactionOptions options) {
    var lock = lake.compactionLock(table.uuid().toString());
    if (!lock.tryLock()) {
      return CompactionResult.nothing(displayName, -1, "a compaction of this table is running");
    }
    try {
      return compactLocked(lake, displayName, table, options);
    } finally {
      lock.unlock();
    }
  }

  private static CompactionResult compactLocked(
      Lake lake, String displayName, Table table, CompactionOptions options) {
    table.refresh();
    Snapshot head = table.currentSnapshot();
    if (head == null) {
      return CompactionResult.nothing(displayName, 0, "the table has no snapshot");
    }
    Map<String, Group> groups = new LinkedHashMap<>();
    int headFiles = 0;
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(head.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        headFiles++;
        DataFile f = task.file();
        if (!task.deletes().isEmpty() || f.fileSizeInBytes() >= options.targetFileBytes() * 3 / 4) {
          continue; // rows deleted by another engine, or large enough already
        }
        PartitionSpec spec = table.specs().get(f.specId());
        String key = f.specId() + "/" + spec.partitionToPath(f.partition());
        groups
            .computeIfAbsent(key, k -> new Group(spec, f.partition(), new ArrayList<>()))
            .inputs()
            .add(new Input(f.copyWithoutStats(), spec));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan the head of " + displayName, e);
    }
    List<List<Input>> rewrites = choose(groups, options);
    if (rewrites.isEmpty()) {
      return CompactionResult.nothing(displayName, headFiles, "no tier has enough small files");
    }
    String compactionId = UUID.randomUUID().toString();
    AtomicInteger fileSeq = new AtomicInteger();
    List<DataFile> written = new ArrayList<>();
    Set<DataFile> replaced = new HashSet<>();
    long rows = 0;
    long bytesIn = 0;
    boolean committed = false;
    try {
      for (List<Input> rewrite : rewrites) {
        rows += rewrite(table, rewrite, options, compactionId, fileSeq, written);
        for (Input in : rewrite) {
          replaced.add(in.file());
          bytesIn += in.file().fileSizeInBytes();
        }
      }
      Runnable hook = AFTER_WRITE.get();
      if (hook != null) {
        hook.run();
      }
      Long snapshotId = commit(lake, displayName, table, head, replaced, written, compactionId);
      committed = snapshotId != null;
      long bytesOut = written.stream().mapToLong(DataFile::fileSizeInBytes).sum();
      if (!committed) {
        return CompactionResult.nothing(
            displayName, headFiles, "another compaction replaced some of the files first");
      }
      LOG.info(
          "{}: compacted {} files ({} bytes, {} rows) into {} ({} bytes) as snapshot {}",
          displayName,
          replaced.size(),
          bytesIn,
          rows,
          written.size(),
          bytesOut,
          snapshotId);
      return new CompactionResult(
          displayName,
          Optional.of(snapshotId),
          replaced.size(),
          written.size(),
          bytesIn,
          bytesOut,
          rows,
          headFiles,
          headFiles - replaced.size() + written.size(),
          "");
    } catch (CommitStateUnknownException e) {
      committed = true; // the new files may be referenced now: never delete them
      throw new LakeException(
          ErrorKind.UNKNOWN_OUTCOME,
          String.format(
              "%s: the catalog did not confirm compaction %s; look for a snapshot whose summary"
                  + " has %s=%s",
              displayName, compactionId, SUMMARY_COMPACTION_ID, compactionId),
          e);
    } finally {
      if (!committed) {
        // never committed: no snapshot references them
        written.forEach(f -> table.io().deleteFile(f.location()));
      }
    }
  }

  /** Picks, per partition and size tier, the sets of files to merge, within the run's budget. */
  static List<List<Input>> choose(Map<String, Group> groups, CompactionOptions options) {
    // the smallest tiers first: they hold the most files per byte
    TreeMap<Integer, List<List<Input>>> byTier = new TreeMap<>();
    for (Group g : groups.values()) {
      Map<Integer, List<Input>> tiers = new TreeMap<>();
      for (Input in : g.inputs()) {
        tiers
            .computeIfAbsent(options.tier(in.file().fileSizeInBytes()), t -> new ArrayList<>())
            .add(in);
      }
      tiers.forEach(
          (tier, files) -> {
            if (files.size() >= options.fanIn()) {
              files.sort(
                  Comparator.comparing((Input in) -> in.file().dataSequenceNumber())
                      .thenComparing(in -> in.file().location()));
              byTier.computeIfAbsent(tier, t -> new ArrayList<>()).add(files);
            }
          });
    }
    List<List<Input>> chosen = new ArrayList<>();
    long bytes = 0;
    int files = 0;
    for (List<List<Input>> sets : byTier.values()) {
      for (List<Input> set : sets) {
        List<Input> take = new ArrayList<>();
        for (Input in : set) {
          if (files + take.size() >= options.maxInputFiles()
              || bytes + in.file().fileSizeInBytes() > options.maxInputBytes()) {
            break;
          }
          take.add(in);
          bytes += in.file().fileSizeInBytes();
        }
        if (take.size() >= 2) {
          chosen.add(take);
          files += take.size();
        } else {
          for (Input in : take) {
            bytes -= in.file().fileSizeInBytes(); // one file alone is not worth rewriting
          }
        }
      }
    }
    return chosen;
  }

  /**
   * The columns a data file of this spec stores: identity-partition sources are partition values.
   */
  static Schema fileSchema(Schema schema, PartitionSpec spec) {
    Set<Integer> inPartition = new HashSet<>();
    for (PartitionField f : spec.fields()) {
      if (f.transform().isIdentity()) {
        inPartition.add(f.sourceId());
      }
    }
    return inPartition.isEmpty() ? schema : TypeUtil.selectNot(schema, inPartition);
  }

  /** Reads the inputs in order into new files of the same partition; returns the rows copied. */
  private static long rewrite(
      Table table,
      List<Input> inputs,
      CompactionOptions options,
      String compactionId,
      AtomicInteger fileSeq,
      List<DataFile> written) {
    PartitionSpec spec = inputs.get(0).spec();
    StructLike partition = inputs.get(0).file().partition();
    Schema schema = fileSchema(table.schema(), spec);
    long rows = 0;
    DataWriter<Record> writer = null;
    try {
      for (Input in : inputs) {
        try (CloseableIterable<Record> records =
            Parquet.read(table.io().newInputFile(in.file().location()))
                .project(schema)
                .createReaderFunc(message -> GenericParquetReaders.buildReader(schema, message))
                .build()) {
          for (Record r : records) {
            if (writer == null) {
              writer = newWriter(table, spec, partition, schema, compactionId, fileSeq, written);
            }
            writer.write(r);
            rows++;
            if ((rows & 1023) == 0 && writer.length() >= options.targetFileBytes()) {
              finish(writer, written);
              writer = null;
            }
          }
        }
      }
      if (writer != null) {
        finish(writer, written);
        writer = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot compact files of " + table.name(), e);
    } finally {
      if (writer != null) {
        try {
          writer.close();
        } catch (IOException | RuntimeException e) {
          LOG.warn("Cannot close an abandoned compaction file of {}", table.name(), e);
        }
      }
    }
    return rows;
  }

  private static DataWriter<Record> newWriter(
      Table table,
      PartitionSpec spec,
      StructLike partition,
      Schema schema,
      String compactionId,
      AtomicInteger fileSeq,
      List<DataFile> written)
      throws IOException {
    String name = String.format("%s-%05d.parquet", compactionId, fileSeq.getAndIncrement());
    return Parquet.writeData(
            table.io().newOutputFile(table.locationProvider().newDataLocation(name)))
        .forTable(table)
        .schema(schema)
        .withSpec(spec)
        .withPartition(spec.isUnpartitioned() ? null : partition)
        .createWriterFunc(GenericParquetWriter::create)
        .build();
  }

  private static void finish(DataWriter<Record> writer, List<DataFile> written) throws IOException {
    writer.close();
    written.add(writer.toDataFile());
  }

  /** Commits the rewrite; returns its snapshot id, or null when another compaction won. */
  private static Long commit(
      Lake lake,
      String displayName,
      Table table,
      Snapshot head,
      Set<DataFile> replaced,
      List<DataFile> written,
      String compactionId) {
    for (int attempt = 1; ; attempt++) {
      table.refresh();
      RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(head.snapshotId());
      replaced.forEach(rewrite::deleteFile);
      written.forEach(rewrite::addFile);
      rewrite.set(SUMMARY_COMPACTION_ID, compactionId);
      rewrite.set(Provenance.SUMMARY_PRODUCER, PRODUCER);
      rewrite.set("tracelake.compaction.input-files", Integer.toString(replaced.size()));
      // an archive table keeps its running totals in its head's summary: carry them over
      Snapshot current = table.currentSnapshot();
      if (current != null && current.summary() != null) {
        current
            .summary()
            .forEach(
                (k, v) -> {
                  if (k.startsWith(SnapshotArchive.SUMMARY_TOTAL_PREFIX)) {
                    rewrite.set(k, v);
                  }
                });
      }
      var lock = lake.commitLock(table.uuid().toString());
      lock.lock();
      try {
        rewrite.commit();
      } catch (CommitFailedException e) {
        lock.unlock();
        if (attempt >= ATTEMPTS) {
          throw new LakeException(
              ErrorKind.CONFLICT,
              displayName + ": compaction lost to concurrent commits " + attempt + " times",
              e);
        }
        backoff(attempt);
        continue;
      } catch (ValidationException e) {
        LOG.info("{}: compaction abandoned: {}", displayName, e.getMessage());
        return null;
      } finally {
        if (lock.isHeldByCurrentThread()) {
          lock.unlock();
        }
      }
      table.refresh();
      for (Snapshot s : TableHistory.liveAncestors(table, table.currentSnapshot())) {
        if (compactionId.equals(s.summary().get(SUMMARY_COMPACTION_ID))) {
          return s.snapshotId();
        }
      }
      throw new IllegalStateException(
          displayName + ": committed compaction " + compactionId + " is not on main");
    }
  }

  private static void backoff(int attempt) {
    long cap = Math.min(1000L, 10L << Math.min(attempt, 6));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakeException(ErrorKind.CONFLICT, "Interrupted while compacting", e);
    }
  }
}
