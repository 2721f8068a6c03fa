package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.client.AppendAck;
import dev.tracelake.client.Provenance;
import dev.tracelake.client.SqlRows;
import dev.tracelake.client.TableWriter;
import dev.tracelake.client.TracelakeClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 * Stateless replicas: three {@code tracelake serve} processes on one PostgreSQL catalog and one
 * warehouse, writers behind a TCP load balancer (as behind a Kubernetes Service). Offsets live in
 * the table, so a writer that lands on another replica continues exactly once.
 */
class ReplicasTest {
  private static final String TABLE = "replicas.events";
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
    for (CompletableFuture<ServeProcess> s : starting) {
      replicas.add(s.join());
    }
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
  void sixWritersOnThreeReplicasKeepEveryRowExactlyOnceThroughAReplicaCrash() throws Exception {
    int writers = 6;
    int requestsPerWriter = 40;
    int rowsPerRequest = 25;
    try (TracelakeClient admin = TracelakeClient.connect(replicas.get(0).target())) {
      admin.createTable(TABLE, EVENTS);
    }
    CountDownLatch warmedUp = new CountDownLatch(writers);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<Integer>> done = new ArrayList<>();
    try (TcpBalancer balancer =
        new TcpBalancer(replicas.stream().map(ServeProcess::port).toList())) {
      for (int w = 0; w < writers; w++) {
        String writerId = "writer-" + w;
        done.add(
            pool.submit(
                () -> {
                  // one client (one connection) per writer: the balancer spreads them round-robin
                  try (TracelakeClient client = TracelakeClient.connect(balancer.target());
                      TableWriter writer =
                          client.openWriter(
                              TABLE,
                              writerId,
                              Provenance.builder().producer("replicas-test").build())) {
                    List<CompletableFuture<AppendAck>> acks = new ArrayList<>();
                    for (int r = 0; r < requestsPerWriter; r++) {
                      List<Map<String, Object>> rows = new ArrayList<>();
                      for (int i = 0; i < rowsPerRequest; i++) {
                        rows.add(Map.of("writer", writerId, "seq", (long) r * rowsPerRequest + i));
                      }
                      acks.add(writer.appendRows(rows));
                      if (r == 5) {
                        acks.get(0).get(60, TimeUnit.SECONDS);
                        warmedUp.countDown();
                      }
                      Thread.sleep(10);
                    }
                    for (CompletableFuture<AppendAck> ack : acks) {
                      ack.get(120, TimeUnit.SECONDS);
                    }
                    return acks.size();
                  }
                }));
      }
      assertThat(warmedUp.await(120, TimeUnit.SECONDS)).isTrue();
      // a node dies mid-stream: its writers' connections drop, they reconnect through the
      // balancer to the other replicas and resend what was not acknowledged
      replicas.get(1).kill();
      for (Future<Integer> f : done) {
        assertThat(f.get(180, TimeUnit.SECONDS)).isEqualTo(requestsPerWriter);
      }
    } finally {
      pool.shutdownNow();
    }

    long expected = (long) writers * requestsPerWriter * rowsPerRequest;
    try (TracelakeClient reader = TracelakeClient.connect(replicas.get(2).target())) {
      List<List<Object>> totals =
          sql(
              reader,
              "SELECT count(*), count(DISTINCT writer || ':' || seq), count(DISTINCT writer)"
                  + " FROM "
                  + TABLE);
      assertThat(totals.get(0))
          .as(
              "rows, distinct (writer, seq), writers; per writer (writer, rows, min seq, max seq):"
                  + " %s",
              sql(
                  reader,
                  "SELECT writer, count(*), min(seq), max(seq) FROM "
                      + TABLE
                      + " GROUP BY writer ORDER BY writer"))
          .containsExactly(expected, expected, (long) writers);
      // each writer's offsets were committed exactly once, in order, whichever replica took them
      for (int w = 0; w < writers; w++) {
        assertThat(reader.writerOffset(TABLE, "writer-" + w)).hasValue(requestsPerWriter - 1);
      }
    }
    // the surviving replicas both committed (metrics from the processes themselves)
    assertThat(committedRows(replicas.get(0))).isPositive();
    assertThat(committedRows(replicas.get(2))).isPositive();
  }

  @Test
  void aWriterMovingToAnotherReplicaContinuesAfterItsLastCommittedOffset() throws Exception {
    ServeProcess first = replicas.get(0);
    ServeProcess second = replicas.get(2);
    try (TracelakeClient a = TracelakeClient.connect(first.target())) {
      a.createTable(TABLE, EVENTS);
      try (TableWriter writer = a.openWriter(TABLE, "mover", Provenance.none())) {
        for (long r = 0; r < 5; r++) {
          writer.appendRows(List.of(Map.of("writer", "mover", "seq", r))).get(60, TimeUnit.SECONDS);
        }
      }
    }
    try (TracelakeClient b = TracelakeClient.connect(second.target())) {
      // the other replica knows the writer's offsets: they are in the table, not in memory
      assertThat(b.writerOffset(TABLE, "mover")).hasValue(4);
      try (TableWriter writer = b.openWriter(TABLE, "mover", Provenance.none())) {
        AppendAck ack =
            writer
                .appendRows(List.of(Map.of("writer", "mover", "seq", 5L)))
                .get(60, TimeUnit.SECONDS);
        assertThat(ack.offset()).isEqualTo(5);
        assertThat(ack.alreadyCommitted()).isFalse();
      }
      assertThat(sql(b, "SELECT count(*), count(DISTINCT seq) FROM " + TABLE).get(0))
          .containsExactly(6L, 6L);
    }
    // a resend of an offset committed through the first replica, to the second: acknowledged as
    // a duplicate, nothing written again
    io.grpc.ManagedChannel channel = IngestServerTestBase.channel(second.port());
    try (AppendStream stream = new AppendStream(channel, TABLE, "mover")) {
      stream.sendJson(3, List.of("{\"writer\": \"mover\", \"seq\": 3}"));
      var response = stream.take();
      assertThat(response.getAlreadyCommitted()).isTrue();
      assertThat(response.getOffset()).isEqualTo(3);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    try (TracelakeClient c = TracelakeClient.connect(replicas.get(1).target())) {
      assertThat(sql(c, "SELECT count(*) FROM " + TABLE).get(0)).containsExactly(6L);
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

  private static double committedRows(ServeProcess replica) throws Exception {
    String scrape =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + replica.metricsPort() + "/metrics"))
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
  }
}
