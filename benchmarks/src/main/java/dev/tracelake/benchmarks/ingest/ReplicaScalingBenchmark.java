package dev.tracelake.benchmarks.ingest;

import dev.tracelake.client.AppendAck;
import dev.tracelake.client.Provenance;
import dev.tracelake.client.TableWriter;
import dev.tracelake.client.TracelakeClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Ingest throughput with 1, 2 and 3 replicas ({@code tracelake serve} processes) on one shared
 * PostgreSQL catalog and one warehouse, all writing one table. The same data set is sent by the
 * same writers in every configuration; writer {@code w} talks to replica {@code w mod N}. Reports
 * rows per second (median of the repeats), the ratio to one replica measured in the same run, the
 * CPU all servers used per million rows, and the commit retries that contention on the table's
 * single metadata pointer caused.
 *
 * <pre>
 * benchmarks/scripts/replica_bench.sh --rows 1000000 --repeats 3
 * </pre>
 */
public final class ReplicaScalingBenchmark {
  private static final Pattern METRICS = Pattern.compile("metrics on http://[^:]+:(\\d+)/metrics");

  record Options(
      Path serverJar,
      String pgHostUrl,
      String pgUser,
      String pgPassword,
      List<Integer> replicas,
      long rows,
      int batchSize,
      int writers,
      int repeats,
      int warmups,
      long commitIntervalMs,
      String serverHeap) {}

  record Sample(
      int replicas,
      int run,
      boolean warmup,
      long rows,
      long nanos,
      long serverCpuNanos,
      double retries,
      double commits) {
    double rowsPerSecond() {
      return rows / (nanos / 1e9);
    }

    double serverCpuSecondsPerMillionRows() {
      return serverCpuNanos / 1e9 / (rows / 1e6);
    }
  }

  private final Options options;
  private final PrintStream out;
  private final Path runDirectory;

  private ReplicaScalingBenchmark(Options options, PrintStream out, Path runDirectory) {
    this.options = options;
    this.out = out;
    this.runDirectory = runDirectory;
  }

  public static void main(String[] args) throws Exception {
    Options options = parse(args);
    Path dir = Files.createTempDirectory("replica-bench");
    run(options, System.out, dir);
  }

  /** Runs every configuration, printing each run and the summary; returns every sample. */
  static List<Sample> run(Options options, PrintStream out, Path runDirectory) throws Exception {
    return new ReplicaScalingBenchmark(options, out, runDirectory).run();
  }

  static Options parse(String[] args) {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("Expected --name value pairs, got " + args[i]);
      }
      a.put(args[i].substring(2), args[++i]);
    }
    Options o =
        new Options(
            Path.of(a.getOrDefault("server-jar", "ingest/cli/target/tracelake.jar")),
            a.getOrDefault("pg-url", "jdbc:postgresql://localhost:5432"),
            a.getOrDefault("pg-user", System.getenv().getOrDefault("PGUSER", "postgres")),
            a.getOrDefault("pg-password", System.getenv().getOrDefault("PGPASSWORD", "bench")),
            java.util.Arrays.stream(a.getOrDefault("replicas", "1,2,3").split(","))
                .map(String::trim)
                .map(Integer::valueOf)
                .toList(),
            Long.parseLong(a.getOrDefault("rows", "1000000")),
            Integer.parseInt(a.getOrDefault("batch-size", "10000")),
            Integer.parseInt(a.getOrDefault("writers", "6")),
            Integer.parseInt(a.getOrDefault("repeats", "3")),
            Integer.parseInt(a.getOrDefault("warmups", "1")),
            Long.parseLong(a.getOrDefault("commit-interval-ms", "1000")),
            a.getOrDefault("server-heap", "-Xmx1g"));
    Map<String, String> unknown = new LinkedHashMap<>(a);
    for (String known :
        List.of(
            "server-jar",
            "pg-url",
            "pg-user",
            "pg-password",
            "replicas",
            "rows",
            "batch-size",
            "writers",
            "repeats",
            "warmups",
            "commit-interval-ms",
            "server-heap")) {
      unknown.remove(known);
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("Unknown options " + unknown.keySet());
    }
    return o;
  }

  private List<Sample> run() throws Exception {
    String database = "tl_replica_bench_" + System.currentTimeMillis();
    admin("CREATE DATABASE " + database);
    List<Sample> samples = new ArrayList<>();
    try (AppendHarness.Dataset data =
        AppendHarness.generate(options.rows(), options.batchSize(), 42)) {
      out.printf(
          Locale.ROOT,
          "== replica scaling: %,d rows in %d batches, %d writers, one table, catalog %s/%s,"
              + " commit interval %d ms, %d cores ==%n",
          data.rows(),
          data.batches().size(),
          options.writers(),
          options.pgHostUrl(),
          database,
          options.commitIntervalMs(),
          Runtime.getRuntime().availableProcessors());
      int rounds = options.warmups() + options.repeats();
      for (int round = 1; round <= rounds; round++) {
        boolean warmup = round <= options.warmups();
        List<Integer> order = new ArrayList<>(options.replicas());
        if (round % 2 == 0) {
          java.util.Collections.reverse(order); // alternate the order against drift
        }
        for (int n : order) {
          Sample s = measure(database, data.batches(), data.rows(), n, round, warmup);
          samples.add(s);
          out.printf(
              Locale.ROOT,
              "%s%d replicas=%d: %,.0f rows/s, %.2f s, server CPU %.1f s per million rows,"
                  + " %.0f commits, %.0f retries%n",
              warmup ? "w" : "r",
              round,
              n,
              s.rowsPerSecond(),
              s.nanos() / 1e9,
              s.serverCpuSecondsPerMillionRows(),
              s.commits(),
              s.retries());
        }
      }
    } finally {
      admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
    summarize(samples);
    return samples;
  }

  private Sample measure(
      String database, List<VectorSchemaRoot> batches, long rows, int n, int round, boolean warmup)
      throws Exception {
    Path config = runDirectory.resolve("catalog.properties");
    Files.writeString(
        config,
        "catalog.jdbc.user="
            + options.pgUser()
            + "\ncatalog.jdbc.password="
            + options.pgPassword()
            + "\n",
        StandardCharsets.UTF_8);
    Path warehouse = runDirectory.resolve("warehouse");
    List<String> serveArgs =
        List.of(
            "--catalog-uri",
            options.pgHostUrl() + "/" + database,
            "--config",
            config.toString(),
            "--openlineage-port",
            "-1",
            "--metrics-port",
            "0");
    List<ServerProcess> servers = new ArrayList<>();
    List<TracelakeClient> clients = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(options.writers());
    try {
      for (int i = 0; i < n; i++) {
        servers.add(
            ServerProcess.start(
                options.serverJar(),
                warehouse,
                options.commitIntervalMs(),
                List.of(options.serverHeap()),
                serveArgs,
                runDirectory.resolve("server-" + n + "-" + round + "-" + i + ".log")));
        clients.add(TracelakeClient.connect(servers.get(i).target()));
      }
      Provenance provenance = Provenance.builder().producer("replica-bench").build();
      // fresh JVMs: warm every server up (JIT) on a table of its own before measuring
      String warm = "bench.warmup_" + n + "_" + round;
      clients.get(0).createTable(warm, AppendHarness.schema());
      for (int i = 0; i < n; i++) {
        try (TableWriter writer = clients.get(i).openWriter(warm, "warmup-" + i, provenance)) {
          for (int b = 0; b < Math.min(batches.size(), 20); b++) {
            writer.append(batches.get(b));
          }
          writer.flush();
        }
      }
      String table = "bench.replicas_" + n + "_" + round;
      clients.get(0).createTable(table, AppendHarness.schema());
      List<TableWriter> writers = new ArrayList<>();
      for (int w = 0; w < options.writers(); w++) {
        writers.add(clients.get(w % n).openWriter(table, "writer-" + w, provenance));
      }
      long serverCpu = servers.stream().mapToLong(ServerProcess::cpuNanos).sum();
      long start = System.nanoTime();
      List<Future<Long>> sent = new ArrayList<>();
      for (int w = 0; w < writers.size(); w++) {
        TableWriter writer = writers.get(w);
        int first = w;
        sent.add(
            threads.submit(
                () -> {
                  List<CompletableFuture<AppendAck>> acks = new ArrayList<>();
                  for (int i = first; i < batches.size(); i += options.writers()) {
                    acks.add(writer.append(batches.get(i)));
                  }
                  writer.flush();
                  return acks.stream().mapToLong(f -> f.join().rowCount()).sum();
                }));
      }
      long acked = 0;
      for (Future<Long> f : sent) {
        acked += f.get();
      }
      long nanos = System.nanoTime() - start;
      long cpu = servers.stream().mapToLong(ServerProcess::cpuNanos).sum() - serverCpu;
      writers.forEach(TableWriter::close);
      if (acked != rows) {
        throw new IllegalStateException("Acknowledged " + acked + " rows, expected " + rows);
      }
      // every row exactly once, whichever replica committed it
      try (var allocator = new org.apache.arrow.memory.RootAllocator();
          var result =
              clients
                  .get(clients.size() - 1)
                  .sql("SELECT count(*), count(DISTINCT event_id) FROM " + table, allocator)) {
        result.loadNextBatch();
        var root = result.root();
        long count = ((Number) root.getVector(0).getObject(0)).longValue();
        long distinct = ((Number) root.getVector(1).getObject(0)).longValue();
        if (count != rows || distinct != rows) {
          throw new IllegalStateException(
              String.format(
                  "Table %s holds %d rows, %d distinct event ids; expected %d",
                  table, count, distinct, rows));
        }
      }
      double retries = 0;
      double commits = 0;
      for (ServerProcess s : servers) {
        String scrape = scrape(s);
        retries += sum(scrape, "tracelake_commit_retries_total");
        commits += sum(scrape, "tracelake_commits_total");
      }
      return new Sample(n, round, warmup, acked, nanos, cpu, retries, commits);
    } finally {
      threads.shutdownNow();
      clients.forEach(TracelakeClient::close);
      servers.forEach(ServerProcess::close);
      deleteRecursively(warehouse);
    }
  }

  private static String scrape(ServerProcess server) throws IOException, InterruptedException {
    Matcher m = METRICS.matcher(Files.readString(server.log(), StandardCharsets.UTF_8));
    if (!m.find()) {
      throw new IllegalStateException("No metrics endpoint in " + server.log());
    }
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Sums every sample of {@code name} (all label sets). */
  static double sum(String scrape, String name) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? ([0-9.eE+\\-]+)$")
            .matcher(scrape);
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  private void summarize(List<Sample> samples) {
    out.printf("%n== summary (medians of %d measured runs) ==%n", options.repeats());
    double base = Double.NaN;
    for (int n : options.replicas()) {
      List<Sample> measured =
          samples.stream().filter(s -> s.replicas() == n && !s.warmup()).toList();
      double rps = median(measured.stream().mapToDouble(Sample::rowsPerSecond).toArray());
      double cpu =
          median(measured.stream().mapToDouble(Sample::serverCpuSecondsPerMillionRows).toArray());
      double retries = median(measured.stream().mapToDouble(Sample::retries).toArray());
      double commits = median(measured.stream().mapToDouble(Sample::commits).toArray());
      if (n == options.replicas().get(0)) {
        base = rps;
      }
      out.printf(
          Locale.ROOT,
          "replicas=%d: %,.0f rows/s  RATIO vs %d replica(s) %.2fx  server CPU %.1f s/M rows"
              + "  commits %.0f  retries %.0f%n",
          n,
          rps,
          options.replicas().get(0),
          rps / base,
          cpu,
          commits,
          retries);
    }
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private void admin(String sql) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                options.pgHostUrl() + "/postgres", options.pgUser(), options.pgPassword());
        var statement = c.createStatement()) {
      statement.execute(sql);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
