package dev.tracelake.benchmarks.ingest;

import dev.tracelake.client.AppendAck;
import dev.tracelake.client.Provenance;
import dev.tracelake.client.SqlRows;
import dev.tracelake.client.TableWriter;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.proto.v1.AuthServiceGrpc;
import dev.tracelake.proto.v1.CreateTokenRequest;
import dev.tracelake.proto.v1.GrantRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * What access control and TLS cost (issue 17's target: at most 5% of ingest throughput). Each
 * repeat starts one server per configuration on a fresh warehouse, in rotating order, and measures
 * on each: ingest throughput (one writer appending the event data set through gRPC, submit to last
 * acknowledgement), SQL latency (a count and a point lookup over QueryService) and the latency of a
 * small metadata call (ListTables: the per-call cost of authentication is largest relative to it).
 *
 * <ul>
 *   <li>{@code plain}: {@code --insecure-no-auth}, plaintext (the baseline);
 *   <li>{@code auth}: access control on; the client holds an issued token (not the server's own)
 *       whose principal has write and read on namespace {@code bench} through a role, so every call
 *       goes the production path (token lookup, grants, audit log);
 *   <li>{@code auth-tls}: as {@code auth}, over TLS (a certificate made with openssl per run).
 * </ul>
 *
 * Medians over the repeats and the ratio of each configuration to plain, from the same run.
 */
public final class AccessOverheadBenchmark {
  private AccessOverheadBenchmark() {}

  enum Config {
    PLAIN("plain"),
    AUTH("auth"),
    AUTH_TLS("auth-tls");

    final String label;

    Config(String label) {
      this.label = label;
    }

    static Config parse(String s) {
      for (Config c : values()) {
        if (c.label.equals(s)) {
          return c;
        }
      }
      throw new IllegalArgumentException(
          "Unknown configuration '" + s + "': plain, auth, auth-tls");
    }
  }

  record Sample(
      Config config,
      int repeat,
      double rowsPerSecond,
      double sqlCountMs,
      double sqlPointMs,
      double listTablesMs) {}

  /**
   * Options: {@code --jar} (the CLI jar), {@code --rows} per ingest run (default 1,000,000), {@code
   * --batch} rows per append (10,000), {@code --repeats} (5), {@code --queries} per SQL figure
   * (30), {@code --configs} (plain,auth,auth-tls), {@code --commit-interval-ms} (50), {@code --dir}
   * (a temp directory).
   */
  public static void main(String[] args) throws Exception {
    Path jar = Path.of("ingest/cli/target/tracelake.jar");
    long rows = 1_000_000;
    int batch = 10_000;
    int repeats = 5;
    int queries = 30;
    long commitMs = 50;
    Path dir = null;
    List<Config> configs = List.of(Config.PLAIN, Config.AUTH, Config.AUTH_TLS);
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--jar" -> jar = Path.of(v);
        case "--rows" -> rows = Long.parseLong(v);
        case "--batch" -> batch = Integer.parseInt(v);
        case "--repeats" -> repeats = Integer.parseInt(v);
        case "--queries" -> queries = Integer.parseInt(v);
        case "--commit-interval-ms" -> commitMs = Long.parseLong(v);
        case "--dir" -> dir = Path.of(v);
        case "--configs" -> {
          List<Config> c = new ArrayList<>();
          for (String s : v.split(",")) {
            c.add(Config.parse(s.strip()));
          }
          configs = List.copyOf(c);
        }
        default -> throw new IllegalArgumentException("Unknown option " + args[i]);
      }
      i++;
    }
    Path run =
        Files.createTempDirectory(
            dir == null ? Path.of(System.getProperty("java.io.tmpdir")) : dir, "access-bench-");
    run(jar, rows, batch, repeats, queries, commitMs, configs, run, System.out);
  }

  static List<Sample> run(
      Path jar,
      long rows,
      int batch,
      int repeats,
      int queries,
      long commitMs,
      List<Config> configs,
      Path run,
      PrintStream out)
      throws Exception {
    out.printf(
        Locale.ROOT,
        "access overhead: %,d rows in batches of %,d, %d repeats, %d queries per SQL figure,"
            + " configs %s, %s, %s%n",
        rows,
        batch,
        repeats,
        queries,
        configs.stream().map(c -> c.label).toList(),
        IngestBenchmark.loadAverage(),
        run);
    Path tls = configs.contains(Config.AUTH_TLS) ? makeCertificate(run.resolve("tls")) : null;
    List<Sample> samples = new ArrayList<>();
    try (AppendHarness.Dataset data = AppendHarness.generate(rows, batch, 42)) {
      for (int r = 0; r <= repeats; r++) { // repeat 0 warms the client JVM up and is not counted
        for (int k = 0; k < configs.size(); k++) {
          Config config = configs.get((k + r) % configs.size());
          Sample s = once(jar, config, r, data, queries, commitMs, run, tls);
          out.printf(
              Locale.ROOT,
              "%s %-8s %,10.0f rows/s  sql count p50 %7.2f ms  point p50 %7.2f ms"
                  + "  ListTables p50 %6.3f ms%n",
              r == 0 ? "warmup" : "r" + r + "    ",
              config.label,
              s.rowsPerSecond(),
              s.sqlCountMs(),
              s.sqlPointMs(),
              s.listTablesMs());
          if (r > 0) {
            samples.add(s);
          }
        }
      }
    }
    summarize(samples, configs, out);
    out.printf(Locale.ROOT, "%s%n", IngestBenchmark.loadAverage());
    return samples;
  }

  private static Sample once(
      Path jar,
      Config config,
      int repeat,
      AppendHarness.Dataset data,
      int queries,
      long commitMs,
      Path run,
      Path tlsDir)
      throws Exception {
    Path dir = run.resolve(config.label + "-" + repeat);
    // the certificate is used by the TLS configuration only: the others speak plaintext
    Path tls = config == Config.AUTH_TLS ? tlsDir : null;
    Path warehouse = dir.resolve("warehouse");
    List<String> serveArgs = new ArrayList<>();
    // only gRPC: the other endpoints' default ports would clash between runs for nothing
    serveArgs.addAll(
        List.of(
            "--openlineage-port",
            "-1",
            "--metrics-port",
            "-1",
            "--console-port",
            "-1",
            "--pg-port",
            "-1",
            "--rest-port",
            "-1"));
    if (config == Config.PLAIN) {
      serveArgs.add("--insecure-no-auth");
    }
    if (config == Config.AUTH_TLS) {
      serveArgs.addAll(
          List.of(
              "--tls-cert",
              tls.resolve("cert.pem").toString(),
              "--tls-key",
              tls.resolve("key.pem").toString()));
    }
    try (ServerProcess server =
        ServerProcess.startWith(
            jar, warehouse, commitMs, List.of("-Xmx2g"), serveArgs, dir.resolve("server.log"))) {
      String token = null;
      if (config != Config.PLAIN) {
        String local =
            Files.readString(
                    warehouse.resolve(".tracelake").resolve("token"), StandardCharsets.UTF_8)
                .strip();
        token = issueWriterToken(server.target(), local, tls);
      }
      ManagedChannel channel = channel(server.target(), token, tls);
      try (TracelakeClient client = TracelakeClient.using(channel)) {
        client.createTable("bench.events", AppendHarness.schema());
        double rowsPerSecond = ingest(client, data);
        double count = sqlMedianMs(client, "SELECT count(*) FROM bench.events", queries);
        double point =
            sqlMedianMs(client, "SELECT * FROM bench.events WHERE event_id = 4242", queries);
        double list = listTablesMedianMs(client, queries * 10);
        return new Sample(config, repeat, rowsPerSecond, count, point, list);
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  /** As the server's own token: a principal with write and read on bench, and its token. */
  private static String issueWriterToken(String target, String adminToken, Path tls)
      throws Exception {
    ManagedChannel admin = channel(target, adminToken, tls);
    try {
      var auth = AuthServiceGrpc.newBlockingStub(admin).withDeadlineAfter(60, TimeUnit.SECONDS);
      for (String privilege : List.of("write", "read")) {
        auth.grant(
            GrantRequest.newBuilder()
                .setRole("bench-writer")
                .setPrivilege(privilege)
                .setScope("bench")
                .build());
      }
      auth.grant(
          GrantRequest.newBuilder().setRole("bench-writer").setPrincipal("bench-service").build());
      return auth.createToken(
              CreateTokenRequest.newBuilder()
                  .setPrincipal("bench-service")
                  .setDescription("access overhead benchmark")
                  .build())
          .getToken();
    } finally {
      admin.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static ManagedChannel channel(String target, String token, Path tls) throws IOException {
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target);
    if (tls != null) {
      builder.sslContext(
          GrpcSslContexts.forClient().trustManager(tls.resolve("cert.pem").toFile()).build());
    } else {
      builder.usePlaintext();
    }
    builder.maxInboundMessageSize(64 << 20);
    if (token != null) {
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    return builder.build();
  }

  private static double ingest(TracelakeClient client, AppendHarness.Dataset data) {
    Provenance provenance =
        Provenance.builder().producer("access-bench").runId("access-bench").build();
    try (TableWriter writer = client.openWriter("bench.events", "access-bench", provenance)) {
      long start = System.nanoTime();
      List<CompletableFuture<AppendAck>> acks = new ArrayList<>();
      for (VectorSchemaRoot b : data.batches()) {
        acks.add(writer.append(b));
      }
      writer.flush();
      long acked = acks.stream().mapToLong(f -> f.join().rowCount()).sum();
      long nanos = System.nanoTime() - start;
      if (acked != data.rows()) {
        throw new IllegalStateException("Acknowledged " + acked + " rows of " + data.rows());
      }
      return acked / (nanos / 1e9);
    }
  }

  private static double sqlMedianMs(TracelakeClient client, String sql, int n) {
    List<Double> ms = new ArrayList<>();
    try (RootAllocator allocator = new RootAllocator()) {
      for (int i = 0; i < n + 3; i++) {
        long start = System.nanoTime();
        long seen = 0;
        try (SqlRows rows = client.sql(sql, allocator)) {
          while (rows.loadNextBatch()) {
            seen += rows.root().getRowCount();
          }
        }
        if (seen == 0) {
          throw new IllegalStateException("No rows from " + sql);
        }
        if (i >= 3) {
          ms.add((System.nanoTime() - start) / 1e6);
        }
      }
    }
    return median(ms);
  }

  private static double listTablesMedianMs(TracelakeClient client, int n) {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < n + 10; i++) {
      long start = System.nanoTime();
      if (client.listTables().isEmpty()) {
        throw new IllegalStateException("ListTables returned nothing");
      }
      if (i >= 10) {
        ms.add((System.nanoTime() - start) / 1e6);
      }
    }
    return median(ms);
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static void summarize(List<Sample> samples, List<Config> configs, PrintStream out) {
    Map<Config, double[]> medians = new EnumMap<>(Config.class);
    for (Config c : configs) {
      List<Sample> mine = samples.stream().filter(s -> s.config() == c).toList();
      medians.put(
          c,
          new double[] {
            median(mine.stream().map(Sample::rowsPerSecond).toList()),
            median(mine.stream().map(Sample::sqlCountMs).toList()),
            median(mine.stream().map(Sample::sqlPointMs).toList()),
            median(mine.stream().map(Sample::listTablesMs).toList())
          });
    }
    out.printf(
        Locale.ROOT,
        "%nmedians over %d repeats (ratio to plain)%n",
        samples.size() / configs.size());
    double[] base = medians.get(Config.PLAIN);
    for (Config c : configs) {
      double[] m = medians.get(c);
      out.printf(
          Locale.ROOT,
          "%-8s ingest %,10.0f rows/s%s  sql count %7.2f ms%s  point %7.2f ms%s  ListTables"
              + " %6.3f ms%s%n",
          c.label,
          m[0],
          ratio(m[0], base, 0),
          m[1],
          ratio(m[1], base, 1),
          m[2],
          ratio(m[2], base, 2),
          m[3],
          ratio(m[3], base, 3));
    }
    if (base != null) {
      for (Config c : configs) {
        if (c != Config.PLAIN) {
          double cost = 1 - medians.get(c)[0] / base[0];
          out.printf(
              Locale.ROOT,
              "%s ingest throughput cost: %.1f%% (target <= 5%%: %s)%n",
              c.label,
              cost * 100,
              cost <= 0.05 ? "met" : "NOT met");
        }
      }
    }
  }

  private static String ratio(double value, double[] base, int i) {
    return base == null ? "" : String.format(Locale.ROOT, " (%.3fx)", value / base[i]);
  }

  /** A self-signed certificate for 127.0.0.1 and localhost, made with openssl. */
  static Path makeCertificate(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Process p =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout",
                dir.resolve("key.pem").toString(),
                "-out",
                dir.resolve("cert.pem").toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("openssl could not make a certificate: " + output);
    }
    return dir;
  }
}
