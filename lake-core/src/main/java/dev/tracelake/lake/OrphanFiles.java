package dev.tracelake.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and removes files under a table's location that no snapshot references: what a crash in the
 * middle of an append, a compaction or a commit leaves behind (data files, manifests, manifest
 * lists, metadata files). Two checks stand between a file and its deletion:
 *
 * <ol>
 *   <li>it is older than the cut-off (at least an hour: older than any commit in flight could be),
 *       and no snapshot of the table, live or archived, on any branch, references it (every
 *       manifest list, every manifest read);
 *   <li>a data file named by a Tracelake append or compaction ({@code <id>-NNNNN.parquet}) is kept
 *       when a committed snapshot's summary names that id.
 * </ol>
 *
 * Snapshots committed while the walk runs are walked too before anything is deleted.
 */
final class OrphanFiles {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanFiles.class);
  private static final Pattern WRITE_ID =
      Pattern.compile(
          "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-\\d{5}\\.parquet$");

  private OrphanFiles() {}

  static OrphanReport run(Lake lake, TableName name, Duration olderThan, boolean delete) {
    Table table = lake.load(name);
    FileIO io = table.io();
    if (!(io instanceof SupportsPrefixOperations listing)) {
      throw LakeException.precondition(
          "Table %s: its file IO (%s) cannot list files, so orphans cannot be found",
          name, io.getClass().getName());
    }
    Instant cutoff = Instant.now().minus(olderThan);
    String root = table.location();
    List<FileInfo> candidates = new ArrayList<>();
    long scanned = 0;
    for (String dir : List.of(root + "/data", root + "/metadata")) {
      for (FileInfo f : listing.listPrefix(dir)) {
        scanned++;
        if (f.createdAtMillis() < cutoff.toEpochMilli() && kind(root, f.location()) != null) {
          candidates.add(f);
        }
      }
    }
    if (candidates.isEmpty()) {
      return new OrphanReport(name, delete, cutoff, scanned, 0, List.of(), List.of());
    }
    Referenced refs = new Referenced(lake, name, table);
    refs.walkAll();
    List<FileInfo> orphans = refs.unreferenced(candidates);
    // commits that landed during the walk may reference some of them: walk those too
    table.refresh();
    refs.walkLive();
    orphans = refs.unreferenced(orphans);
    List<OrphanReport.OrphanFile> found = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (FileInfo f : orphans) {
      String kind = kind(root, f.location());
      Matcher m = WRITE_ID.matcher(f.location());
      if ("data".equals(kind) && m.find() && refs.committedWriteIds.contains(m.group(1))) {
        LOG.warn(
            "Table {}: {} is in no manifest, but a committed snapshot names its write id {}; kept",
            name,
            f.location(),
            m.group(1));
        kept.add(f.location());
        continue;
      }
      found.add(
          new OrphanReport.OrphanFile(
              f.location(), f.size(), Instant.ofEpochMilli(f.createdAtMillis()), kind));
    }
    if (delete) {
      for (OrphanReport.OrphanFile f : found) {
        io.deleteFile(f.location());
        LOG.info(
            "Table {}: removed orphan {} file {} ({} bytes)",
            name,
            f.kind(),
            f.location(),
            f.bytes());
      }
    }
    return new OrphanReport(name, delete, cutoff, scanned, refs.count(), found, kept);
  }

  /** Returns what kind of table file a location is, or null for files the cleaner leaves alone. */
  static String kind(String root, String location) {
    String rel = location.startsWith(root) ? location.substring(root.length()) : location;
    String fileName = rel.substring(rel.lastIndexOf('/') + 1);
    if (rel.startsWith("/data/")) {
      return "data";
    }
    if (!rel.startsWith("/metadata/")) {
      return null;
    }
    if (fileName.startsWith("snap-") && fileName.endsWith(".avro")) {
      return "manifest-list";
    }
    if (fileName.endsWith(".avro")) {
      return "manifest";
    }
    if (fileName.endsWith(".metadata.json") || fileName.endsWith(".metadata.json.gz")) {
      return "metadata";
    }
    return null; // statistics and anything else: never touched
  }

  static String normalize(String location) {
    if (location.startsWith("file:")) {
      return LocalFileIO.toPath(location).toAbsolutePath().normalize().toString();
    }
    return location;
  }

  /** Every file the table's snapshots reference, gathered by reading all their metadata. */
  private static final class Referenced {
    private final Lake lake;
    private final TableName name;
    private final Table table;
    private final Set<String> files = new HashSet<>();
    private final Set<String> manifests = new HashSet<>();
    private final Set<Long> walked = new HashSet<>();
    final Set<String> committedWriteIds = new HashSet<>();

    Referenced(Lake lake, TableName name, Table table) {
      this.lake = lake;
      this.name = name;
      this.table = table;
    }

    long count() {
      return files.size();
    }

    void walkAll() {
      walkLive();
      Iterator<ArchivedSnapshot> rows =
          lake.history().archive().descending(name, table.uuid().toString(), Long.MAX_VALUE);
      while (rows.hasNext()) {
        walk(rows.next().toIceberg());
      }
    }

    void walkLive() {
      TableMetadata meta = ((HasTableOperations) table).operations().current();
      files.add(normalize(meta.metadataFileLocation()));
      meta.previousFiles().forEach(e -> files.add(normalize(e.file())));
      for (Snapshot s : table.snapshots()) {
        walk(s);
      }
    }

    private void walk(Snapshot s) {
      if (!walked.add(s.snapshotId())) {
        return;
      }
      Map<String, String> summary = s.summary() == null ? Map.of() : s.summary();
      for (String key :
          List.of(PendingAppend.SUMMARY_APPEND_ID, Compaction.SUMMARY_COMPACTION_ID)) {
        if (summary.get(key) != null) {
          committedWriteIds.add(summary.get(key));
        }
      }
      files.add(normalize(s.manifestListLocation()));
      Map<Integer, PartitionSpec> specs = table.specs();
      for (ManifestFile m : s.allManifests(table.io())) {
        if (!manifests.add(m.path())) {
          continue;
        }
        files.add(normalize(m.path()));
        try {
          if (m.content() == ManifestContent.DATA) {
            try (CloseableIterable<String> paths = ManifestFiles.readPaths(m, table.io(), specs)) {
              paths.forEach(p -> files.add(normalize(p)));
            }
          } else {
            try (ManifestReader<DeleteFile> reader =
                ManifestFiles.readDeleteManifest(m, table.io(), specs)) {
              reader.forEach(d -> files.add(normalize(d.location())));
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot read manifest " + m.path() + " of " + name, e);
        }
      }
    }

    List<FileInfo> unreferenced(List<FileInfo> candidates) {
      List<FileInfo> out = new ArrayList<>();
      for (FileInfo f : candidates) {
        if (!files.contains(normalize(f.location()))) {
          out.add(f);
        }
      }
      return out;
    }
  }
}
