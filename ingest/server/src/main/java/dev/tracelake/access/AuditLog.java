package dev.tracelake.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: an ordinary Iceberg table, {@code tracelake.audit}, so it is versioned, queryable
 * with SQL and append-only like every table (nobody may write it through the API; only this class
 * appends). Entries are batched: queued and appended at most {@link #FLUSH_INTERVAL} later, many
 * per snapshot; {@link #recordDurably} appends at once, for admin actions, before their caller
 * hears of them. Reading it takes the {@code audit} privilege.
 */
public final class AuditLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long an entry may wait in the queue. */
  public static final Duration FLUSH_INTERVAL = Duration.ofSeconds(5);

  private static final int QUEUE_CAPACITY = 100_000;
  private static final Provenance PROVENANCE =
      Provenance.builder().producer("tracelake-audit").build();

  static final Schema SCHEMA =
      new Schema(
          List.of(
              new Field(
                  "event_time",
                  FieldType.notNullable(
                      new ArrowType.Timestamp(
                          org.apache.arrow.vector.types.TimeUnit.MICROSECOND, "UTC")),
                  null),
              string("principal"),
              string("client_user"),
              string("action"),
              string("access"),
              string("tables"),
              string("detail"),
              string("snapshot_ids"),
              new Field("row_count", FieldType.notNullable(new ArrowType.Int(64, true)), null),
              string("outcome"),
              string("message")));

  private final Lake lake;
  private final TableName name = Grants.AUDIT_TABLE;
  private final BlockingQueue<AuditEvent> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final BufferAllocator allocator = new RootAllocator();
  private final ScheduledExecutorService flusher;
  private final Object appendLock = new Object();
  private volatile boolean closed;

  private AuditLog(Lake lake) {
    this.lake = lake;
    this.flusher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tracelake-audit");
              t.setDaemon(true);
              return t;
            });
  }

  /** Opens the audit log of {@code lake}, creating its table on first use, and starts flushing. */
  public static AuditLog open(Lake lake) {
    AuditLog log = new AuditLog(lake);
    log.table(); // fail at start, not at the first call, when the table cannot be made
    log.flusher.scheduleWithFixedDelay(
        log::flushQuietly,
        FLUSH_INTERVAL.toMillis(),
        FLUSH_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
    return log;
  }

  private static Field string(String name) {
    return new Field(name, FieldType.nullable(ArrowType.Utf8.INSTANCE), null);
  }

  /** Queues an entry; it is appended within {@link #FLUSH_INTERVAL}. */
  public void record(AuditEvent event) {
    if (!queue.offer(event)) {
      // the lake cannot keep up: write this one now rather than lose it
      recordDurably(event);
    }
  }

  /**
   * Appends an entry, and every queued one, before returning.
   *
   * @return whether it is committed; false when the append failed (logged)
   */
  public boolean recordDurably(AuditEvent event) {
    List<AuditEvent> batch = new ArrayList<>();
    queue.drainTo(batch);
    batch.add(event);
    try {
      append(batch);
      return true;
    } catch (RuntimeException e) {
      LOG.error(
          "Could not write {} audit entries (the action '{}' by '{}' is done): {}",
          batch.size(),
          event.action(),
          event.principal(),
          e.getMessage(),
          e);
      return false;
    }
  }

  /** Appends every queued entry now. */
  public void flush() {
    List<AuditEvent> batch = new ArrayList<>();
    queue.drainTo(batch);
    if (!batch.isEmpty()) {
      append(batch);
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.error("Could not write audit entries; they are lost: {}", e.getMessage(), e);
    }
  }

  private void append(List<AuditEvent> events) {
    List<String> rows = new ArrayList<>(events.size());
    for (AuditEvent e : events) {
      ObjectNode o = JSON.createObjectNode();
      o.put("event_time", e.time().toString());
      o.put("principal", e.principal());
      o.put("client_user", e.clientUser());
      o.put("action", e.action());
      o.put("access", e.access());
      o.put("tables", String.join(",", e.tables()));
      o.put("detail", e.detail());
      ArrayNode ids = JSON.createArrayNode();
      e.snapshotIds().forEach(ids::add);
      o.put("snapshot_ids", e.snapshotIds().isEmpty() ? "" : ids.toString());
      o.put("row_count", e.rows());
      o.put("outcome", e.outcome());
      o.put("message", e.message());
      rows.add(o.toString());
    }
    synchronized (appendLock) {
      LakeTable table = table();
      try (VectorSchemaRoot batch = table.batchChecker().fromJson(rows, allocator)) {
        table.append(PROVENANCE, batch);
      }
    }
  }

  private LakeTable table() {
    if (lake.exists(name)) {
      return lake.table(name);
    }
    try {
      return lake.createTable(name, SCHEMA);
    } catch (LakeException e) {
      if (e.kind() == ErrorKind.ALREADY_EXISTS) {
        return lake.table(name);
      }
      throw e;
    }
  }

  /** Flushes what is queued and stops. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    flusher.shutdown();
    try {
      flusher.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flushQuietly();
    allocator.close();
  }
}
