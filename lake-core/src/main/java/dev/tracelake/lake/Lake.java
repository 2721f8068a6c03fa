package dev.tracelake.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A versioned data lake: Iceberg tables in one catalog and warehouse. Open one per process with
 * {@link #open(LakeConfig)} and share it; it is thread-safe.
 *
 * <p>Tables are created immutable by default: garbage collection is off ({@code gc.enabled=false}),
 * so snapshot expiry cannot delete data files, and no Tracelake operation rewrites or deletes a
 * committed data file.
 */
public final class Lake implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Lake.class);

  /** The JVM-wide Iceberg setting that plans scans of several manifests on its worker pool. */
  static final String PLAN_IN_WORKER_POOL = "iceberg.scan.plan-in-worker-pool";

  static {
    // Iceberg plans a scan of more than one manifest on its worker pool, and the planning thread
    // polls for the pool's results with 10 ms sleeps: planning a 22-manifest table took ~60 ms,
    // serially ~10 ms. Tracelake's tables have many small manifests (one per append until they
    // are merged), and a SQL query or an explain plans several scans. Iceberg reads this
    // property once, when its scan classes load; a value set by the user is kept.
    if (System.getProperty(PLAN_IN_WORKER_POOL) == null) {
      System.setProperty(PLAN_IN_WORKER_POOL, "false");
    }
  }

  /**
   * The catalog namespace under which each table's archive of expired snapshots lives, as {@code
   * tracelake_archive.<namespace>.<name>}: an append-only Iceberg table any engine can read.
   */
  public static final String ARCHIVE_NAMESPACE = SnapshotArchive.NAMESPACE;

  /** Most rows per Parquet page in the tables Tracelake creates. */
  public static final int PAGE_ROW_LIMIT = 2_000;

  /**
   * How many earlier metadata files a table keeps. Each holds only the live window of history (the
   * rest is archived), so keeping a few bounds the disk; the archive keeps every snapshot.
   */
  static final String PREVIOUS_METADATA_VERSIONS = "20";

  /**
   * Manifests a merge append lets pile up before merging them. Every snapshot's manifest list names
   * all of the head's manifests, so fewer than Iceberg's 100 keeps each snapshot's own metadata
   * small; compaction keeps the merged manifest small (benchmarks/RESULTS.md, "History").
   */
  static final String MANIFEST_MIN_MERGE_COUNT = "16";

  /** Table properties every Tracelake table is created with. */
  static final Map<String, String> TABLE_DEFAULTS =
      Map.ofEntries(
          Map.entry(TableProperties.FORMAT_VERSION, "2"),
          Map.entry(TableProperties.PARQUET_COMPRESSION, "zstd"),
          // Explain reads a record through the page index: it decodes the pages holding the
          // record, skipping value by value to it. 2,000 rows a page (Iceberg's default 20,000)
          // makes that 10x less work (benchmarks/RESULTS.md, "Lineage").
          Map.entry(TableProperties.PARQUET_PAGE_ROW_LIMIT, Integer.toString(PAGE_ROW_LIMIT)),
          Map.entry(TableProperties.GC_ENABLED, "false"),
          // An old metadata file is only an older copy of the live window; every snapshot it
          // names is live or archived. Keeping them all made disk grow with the square of history.
          Map.entry(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true"),
          Map.entry(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, PREVIOUS_METADATA_VERSIONS),
          Map.entry(TableProperties.MANIFEST_MIN_MERGE_COUNT, MANIFEST_MIN_MERGE_COUNT),
          // Tracelake retries commits itself, re-checking its conditions (e.g. writer offsets)
          // on the new head; Iceberg's own retry would re-apply an append without that check.
          Map.entry(TableProperties.COMMIT_NUM_RETRIES, "0"),
          Map.entry("tracelake.table-version", "2"));

  private final LakeConfig config;
  private final JdbcCatalog catalog;
  private final java.util.concurrent.ConcurrentMap<TableName, Table> readTables =
      new java.util.concurrent.ConcurrentHashMap<>();

  // the properties the catalog was initialized with, for FileIOs of our own (health probes, reads
  // of data files by other engines)
  private final Map<String, String> catalogProperties;
  // guarded by this
  private FileIO fileIo;
  private final SnapshotFiles snapshotFiles = new SnapshotFiles();
  private final SnapshotArchive archive = new SnapshotArchive(this);
  private final TableHistory history = new TableHistory(archive);
  private final HistoryArchiver archiver = new HistoryArchiver(this, archive);
  private final HistoryKeeper keeper = new HistoryKeeper(archiver);
  private final java.util.concurrent.ConcurrentMap<String, java.util.concurrent.locks.ReentrantLock>
      compactionLocks = new java.util.concurrent.ConcurrentHashMap<>();

  private Lake(LakeConfig config, JdbcCatalog catalog, Map<String, String> catalogProperties) {
    this.config = config;
    this.catalog = catalog;
    this.catalogProperties = Map.copyOf(catalogProperties);
  }

  JdbcCatalog catalog() {
    return catalog;
  }

  /** The table histories of this lake: live metadata and archive as one. */
  TableHistory history() {
    return history;
  }

  HistoryArchiver archiver() {
    return archiver;
  }

  HistoryKeeper keeper() {
    return keeper;
  }

  private final java.util.concurrent.ConcurrentMap<String, java.util.concurrent.locks.ReentrantLock>
      commitLocks = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The lock that every commit to a table (by uuid) holds in this process while it commits (not
   * while it writes files). Commits of one process then never race each other: no attempt is
   * wasted, and none leaves a metadata file of a lost race behind. Other processes still race, and
   * Iceberg's optimistic commit settles those.
   */
  java.util.concurrent.locks.ReentrantLock commitLock(String tableUuid) {
    return commitLocks.computeIfAbsent(
        tableUuid, k -> new java.util.concurrent.locks.ReentrantLock());
  }

  /** The lock that keeps one compaction of a table (by uuid) at a time in this process. */
  java.util.concurrent.locks.ReentrantLock compactionLock(String tableUuid) {
    return compactionLocks.computeIfAbsent(
        tableUuid, k -> new java.util.concurrent.locks.ReentrantLock());
  }

  /**
   * Opens the lake that {@code config} describes, creating the embedded warehouse and catalog on
   * first use. An object-store warehouse is checked first: its bucket must answer a listing.
   *
   * @throws LakeException FAILED_PRECONDITION when the catalog cannot be opened or the object-store
   *     warehouse cannot be reached (the message names the warehouse, bucket and endpoint)
   */
  public static Lake open(LakeConfig config) {
    CommitPool.initialize(); // before any shutdown can begin: see CommitPool
    Map<String, String> props = new HashMap<>();
    props.put(CatalogProperties.URI, config.effectiveCatalogUri());
    props.put("jdbc.schema-version", "V1");
    if (config.isLocalWarehouse()) {
      try {
        Files.createDirectories(config.warehousePath());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot create warehouse directory " + config.warehousePath(), e);
      }
      // file: URIs keep table locations readable by Spark and Trino through Hadoop.
      props.put(CatalogProperties.WAREHOUSE_LOCATION, "file:" + config.warehousePath());
      props.put(CatalogProperties.FILE_IO_IMPL, LocalFileIO.class.getName());
    } else {
      props.put(CatalogProperties.WAREHOUSE_LOCATION, config.warehouse());
    }
    if (config.effectiveCatalogUri().startsWith("jdbc:sqlite:")) {
      // Several threads (and processes) share the SQLite file: wait for locks instead of failing.
      props.put("jdbc.busy_timeout", "30000");
      props.put("jdbc.journal_mode", "WAL");
    }
    props.putAll(config.catalogProperties());
    if (!config.isLocalWarehouse()) {
      ObjectStoreWarehouse.addFileIo(config, props);
      ObjectStoreWarehouse.requireReachable(config, props);
    }
    JdbcCatalog catalog = initializeCatalog(config, props);
    LOG.info(
        "Opened lake: warehouse {}, catalog {} ({})",
        config.warehouse(),
        config.catalogName(),
        config.describeCatalog());
    return new Lake(config, catalog, props);
  }

  /**
   * Initializes the JdbcCatalog, creating its tables in a fresh database. Replicas starting at once
   * on a fresh shared catalog race to create those tables and all but one fail ("relation already
   * exists"); a second attempt finds them. So a failed initialization is tried again, three times
   * in all.
   */
  private static JdbcCatalog initializeCatalog(LakeConfig config, Map<String, String> props) {
    for (int attempt = 1; ; attempt++) {
      JdbcCatalog catalog = new JdbcCatalog();
      try {
        catalog.initialize(config.catalogName(), props);
        return catalog;
      } catch (RuntimeException e) {
        try {
          catalog.close();
        } catch (RuntimeException closing) {
          e.addSuppressed(closing);
        }
        if (attempt >= 3) {
          throw new LakeException(
              ErrorKind.FAILED_PRECONDITION,
              "Cannot open catalog " + config.describeCatalog() + ": " + e.getMessage(),
              e);
        }
        LOG.info(
            "Opening catalog {} failed (attempt {}), trying again: {}",
            config.describeCatalog(),
            attempt,
            e.getMessage());
        try {
          Thread.sleep(
              100L * attempt + java.util.concurrent.ThreadLocalRandom.current().nextInt(100));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new LakeException(
              ErrorKind.FAILED_PRECONDITION,
              "Interrupted while opening catalog " + config.describeCatalog(),
              interrupted);
        }
      }
    }
  }

  /**
   * Returns the lake's Iceberg catalog, for adapters that serve it to other engines (the Iceberg
   * REST catalog). Read through it only: Tracelake's promises (provenance in every snapshot, writer
   * offsets, immutable data files) hold only for writes through {@link LakeTable}.
   */
  public org.apache.iceberg.catalog.Catalog icebergCatalog() {
    return catalog;
  }

  /** The planned data files of whole snapshots, shared by every scan of this lake. */
  SnapshotFiles snapshotFiles() {
    return snapshotFiles;
  }

  public LakeConfig config() {
    return config;
  }

  /**
   * Lists every table in every namespace, sorted by name. The archives of tables' histories (in the
   * {@value #ARCHIVE_NAMESPACE} namespace) are not tables of the lake and are not listed.
   */
  public List<TableName> tables() {
    List<TableName> names = new ArrayList<>();
    for (Namespace namespace : catalog.listNamespaces()) {
      if (namespace.length() > 0 && ARCHIVE_NAMESPACE.equals(namespace.level(0))) {
        continue;
      }
      for (TableIdentifier id : catalog.listTables(namespace)) {
        names.add(new TableName(id.namespace().toString(), id.name()));
      }
    }
    names.sort(Comparator.comparing(TableName::toString));
    return names;
  }

  /**
   * Returns whether the table exists. Asks through the read cache: Iceberg's {@code tableExists}
   * loads the whole table (parses its metadata file, 10 MB at 10,000 snapshots) every time.
   */
  public boolean exists(TableName name) {
    try {
      readTable(name);
      return true;
    } catch (NoSuchTableException e) {
      return false;
    }
  }

  /**
   * Creates a table from an Arrow schema; the metadata columns are added after its columns.
   *
   * @throws LakeException ALREADY_EXISTS when the table exists, INVALID_ARGUMENT when a column's
   *     name is reserved or its type cannot be stored
   */
  public LakeTable createTable(TableName name, Schema arrowSchema) {
    if (ARCHIVE_NAMESPACE.equals(name.namespace())) {
      throw LakeException.invalid(
          "Invalid table name '%s': namespace '%s' holds the archives of tables' histories",
          name, ARCHIVE_NAMESPACE);
    }
    TableNames.refuseCaseVariant(this, name);
    AtomicInteger ids = new AtomicInteger(1);
    var columns = ArrowSchemas.toIcebergColumns(name.toString(), arrowSchema, ids);
    org.apache.iceberg.Schema schema = MetadataColumns.withMetadataColumns(columns, ids.get());
    Namespace namespace = Namespace.of(name.namespace());
    if (!catalog.namespaceExists(namespace)) {
      try {
        catalog.createNamespace(namespace);
      } catch (AlreadyExistsException e) {
        // created concurrently in this process: fine
      } catch (RuntimeException e) {
        // created concurrently by another process: the JDBC catalog reports the duplicate key
        // as an SQL failure, not as AlreadyExistsException
        if (!catalog.namespaceExists(namespace)) {
          throw e;
        }
      }
    }
    try {
      catalog
          .buildTable(identifier(name), schema)
          .withPartitionSpec(MetadataColumns.provenanceSpec(schema))
          .withProperties(TABLE_DEFAULTS)
          .create();
    } catch (AlreadyExistsException e) {
      throw new LakeException(ErrorKind.ALREADY_EXISTS, "Table " + name + " already exists", e);
    }
    LOG.info("Created table {}", name);
    return new LakeTable(this, name);
  }

  /**
   * Returns the table.
   *
   * @throws LakeException NOT_FOUND when it does not exist
   */
  public LakeTable table(TableName name) {
    TableName resolved = TableNames.resolve(this, name); // the case rule: see TableName
    loadForRead(resolved); // NOT_FOUND when missing; warms the read cache
    return new LakeTable(this, resolved);
  }

  /**
   * Returns a table for reading, refreshed to its current metadata. One instance per table is kept:
   * a refresh asks the catalog for the metadata location and re-reads the metadata file only when
   * it changed, which matters for tables with long histories. Never commit through it: a concurrent
   * refresh could move its base between a check and the commit. Writers use {@link #load}.
   */
  Table loadForRead(TableName name) {
    try {
      return readTable(name);
    } catch (NoSuchTableException e) {
      throw notFound(name);
    }
  }

  /** The shared read instance, refreshed; throws Iceberg's NoSuchTableException when missing. */
  private Table readTable(TableName name) {
    Table cached = readTables.get(name);
    if (cached != null) {
      try {
        cached.refresh();
        return cached;
      } catch (NoSuchTableException e) {
        readTables.remove(name, cached);
        throw e;
      }
    }
    Table fresh = catalog.loadTable(identifier(name));
    Table raced = readTables.putIfAbsent(name, fresh);
    return raced == null ? fresh : raced;
  }

  /** Loads the current metadata of a table from the catalog, as a private instance. */
  Table load(TableName name) {
    try {
      return catalog.loadTable(identifier(name));
    } catch (NoSuchTableException e) {
      throw notFound(name);
    }
  }

  private LakeException notFound(TableName name) {
    return LakeException.tableNotFound(name, tables());
  }

  private static TableIdentifier identifier(TableName name) {
    return TableIdentifier.of(name.namespace(), name.name());
  }

  /**
   * Checks that the catalog answers (it lists namespaces) and that the warehouse takes a write: a
   * small probe object is written under {@code <warehouse>/.tracelake-health/} and deleted again,
   * through a FileIO configured like the catalog's. Never throws; the failures are in the result.
   */
  public LakeHealth checkHealth() {
    String catalogError = null;
    try {
      catalog.listNamespaces();
    } catch (RuntimeException e) {
      catalogError = config.describeCatalog() + ": " + rootMessage(e);
    }
    String warehouseError = null;
    String root = catalogProperties.get(CatalogProperties.WAREHOUSE_LOCATION);
    String probe =
        (root.endsWith("/") ? root : root + "/")
            + ".tracelake-health/"
            + java.util.UUID.randomUUID();
    try {
      FileIO io = fileIo();
      try (var out = io.newOutputFile(probe).createOrOverwrite()) {
        out.write(Instant.now().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      io.deleteFile(probe);
    } catch (IOException | RuntimeException e) {
      warehouseError = config.warehouse() + ": " + rootMessage(e);
    }
    return new LakeHealth(Instant.now(), catalogError, warehouseError);
  }

  /**
   * Returns a FileIO configured like the catalog's, which reads the data files of every table of
   * this lake (local or object store), for readers that open data files themselves. It is shared
   * and closed with the lake: do not close it.
   */
  public synchronized FileIO fileIo() {
    if (fileIo == null) {
      fileIo =
          CatalogUtil.loadFileIO(
              catalogProperties.getOrDefault(
                  CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.hadoop.HadoopFileIO"),
              catalogProperties,
              new org.apache.hadoop.conf.Configuration());
    }
    return fileIo;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return root == e ? message : e.getMessage() + " (" + message + ")";
  }

  @Override
  public void close() {
    keeper.close();
    synchronized (this) {
      if (fileIo != null) {
        fileIo.close();
      }
    }
    catalog.close();
  }
}
