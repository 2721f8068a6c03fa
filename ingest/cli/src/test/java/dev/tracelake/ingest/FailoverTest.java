package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.client.AppendAck;
import dev.tracelake.client.Provenance;
import dev.tracelake.client.SqlRows;
import dev.tracelake.client.TableWriter;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.client.WriterOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client-side failover, with no load balancer: one client given the three replicas' addresses
 * spreads its writers over them, and when a replica is killed with SIGKILL mid-stream its writers
 * move to the others and resend what was not acknowledged. Every acknowledged row is in the table
 * exactly once, and every row appended is acknowledged.
 */
class FailoverTest {
  private static final String TABLE = "failover.events";
  private static final Schema EVENTS =
      new Schema(
          List.of(
              new Field("writer", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
              new Field("seq", FieldType.notNullable(new ArrowType.Int(64, true)), null)));

  @TempDir Path dir;
  private TestPostgres postgres;
  private final List<ServeProcess> replicas = new ArrayList<>();
  private final RootAllocator allocator = new RootAllocator();

  @BeforeEach
  void startReplicas() throws Exception {
    postgres = TestPostgres.createDatabase();
    Path config = dir.resolve("tracelake.properties");
    Files.writeString(
        config,
        "catalog.jdbc.user="
            + TestPostgres.USER
            + "\ncatalog.jdbc.password="
            + TestPostgres.PASSWORD
            + "\n",
        StandardCharsets.UTF_8);
    List<String> args =
        List.of(
            "--warehouse",
            dir.resolve("warehouse").toString(),
            "--catalog-uri",
            postgres.jdbcUrl(),
            "--config",
            config.toString(),
            "--commit-interval-ms",
            "100",
            "--metrics-port",
            "0");
    replicas.addAll(start(args));
  }

  /** Starts the three replicas, each {@code serve} with {@code args}. */
  List<ServeProcess> start(List<String> args) throws Exception {
    List<CompletableFuture<ServeProcess>> starting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      starting.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return ServeProcess.start(args, Map.of());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    List<ServeProcess> started = new ArrayList<>();
    for (CompletableFuture<ServeProcess> s : starting) {
      started.add(s.join());
    }
    return started;
  }

  /** What the client is given: here, the replicas' addresses, separated by commas. */
  String target(List<ServeProcess> replicas) {
    return String.join(",", replicas.stream().map(ServeProcess::target).toList());
  }

  @AfterEach
  void stopReplicas() throws Exception {
    for (ServeProcess r : replicas) {
      r.close();
    }
    allocator.close();
    postgres.close();
  }

  @Test
  void writersSpreadOverTheGivenReplicasAndMoveOffAKilledOneExactlyOnce() throws Exception {
    int writers = 6;
    int rowsPerRequest = 20;
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<List<AppendAck>>> done = new ArrayList<>();
    // one client, as one service instance would hold, given every replica
    try (TracelakeClient client = TracelakeClient.connect(target(replicas))) {
      client.createTable(TABLE, EVENTS);
      for (int w = 0; w < writers; w++) {
        String writerId = "writer-" + w;
        done.add(
            pool.submit(
                () -> {
                  WriterOptions options =
                      WriterOptions.builder()
                          .provenance(Provenance.builder().producer("failover-test").build())
                          .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                          .retryTimeout(Duration.ofMinutes(2))
                          .build();
                  List<CompletableFuture<AppendAck>> acks = new ArrayList<>();
                  try (TableWriter writer = client.openWriter(TABLE, writerId, options)) {
                    // bounded: at most 400 requests, until the test has seen the failover
                    for (int r = 0; r < 400 && !(stop.get() && r >= 60); r++) {
                      List<Map<String, Object>> rows = new ArrayList<>();
                      for (int i = 0; i < rowsPerRequest; i++) {
                        rows.add(Map.of("writer", writerId, "seq", (long) r * rowsPerRequest + i));
                      }
                      acks.add(writer.appendRows(rows));
                      Thread.sleep(10);
                    }
                  }
                  List<AppendAck> result = new ArrayList<>();
                  for (CompletableFuture<AppendAck> ack : acks) {
                    result.add(ack.get(120, TimeUnit.SECONDS));
                  }
                  return result;
                }));
      }
      // the writers spread: every replica commits rows before one of them dies
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!replicas.stream().allMatch(r -> committedRows(r) > 0)) {
        assertThat(System.nanoTime()).as("every replica to commit rows").isLessThan(deadline);
        Thread.sleep(50);
      }
      replicas.get(1).kill();
      stop.set(true);

      long expected = 0;
      for (Future<List<AppendAck>> f : done) {
        List<AppendAck> acks = f.get(240, TimeUnit.SECONDS);
        // acknowledged in offset order, each exactly once
        for (int i = 0; i < acks.size(); i++) {
          assertThat(acks.get(i).offset()).isEqualTo(i);
        }
        expected += (long) acks.size() * rowsPerRequest;
      }
      List<List<Object>> totals =
          sql(
              client,
              "SELECT count(*), count(DISTINCT writer || ':' || seq), count(DISTINCT writer)"
                  + " FROM "
                  + TABLE);
      assertThat(totals.get(0)).containsExactly(expected, expected, (long) writers);
      for (int w = 0; w < writers; w++) {
        long rows =
            (Long)
                sql(client, "SELECT count(*) FROM " + TABLE + " WHERE writer = 'writer-" + w + "'")
                    .get(0)
                    .get(0);
        assertThat(client.writerOffset(TABLE, "writer-" + w)).hasValue(rows / rowsPerRequest - 1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private List<List<Object>> sql(TracelakeClient client, String query) {
    List<List<Object>> rows = new ArrayList<>();
    try (SqlRows result = client.sql(query, allocator)) {
      while (result.loadNextBatch()) {
        var root = result.root();
        for (int r = 0; r < root.getRowCount(); r++) {
          List<Object> row = new ArrayList<>();
          for (FieldVector v : root.getFieldVectors()) {
            row.add(v.getObject(r));
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }

  private static double committedRows(ServeProcess replica) {
    try {
      String scrape =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://"
                                  + replica.host()
                                  + ":"
                                  + replica.metricsPort()
                                  + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher m =
          Pattern.compile(
                  "(?m)^tracelake_ingest_rows_total\\{table=\""
                      + Pattern.quote(TABLE)
                      + "\"\\} ([0-9.eE+]+)$")
              .matcher(scrape);
      return m.find() ? Double.parseDouble(m.group(1)) : 0;
    } catch (java.io.IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}
