package dev.tracelake.benchmarks.pgwire;

import dev.tracelake.access.LocalCredential;
import dev.tracelake.access.TableAccess;
import dev.tracelake.benchmarks.EventBatches;
import dev.tracelake.benchmarks.sql.Machine;
import dev.tracelake.client.SqlRows;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.ingest.IngestConfig;
import dev.tracelake.ingest.TracelakeServer;
import dev.tracelake.lake.DataFileInfo;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import dev.tracelake.pgwire.PgServer;
import dev.tracelake.pgwire.PgServerConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * How fast a large query result reaches a client through each of Tracelake's doors, against DuckDB
 * reading the same Parquet files directly in the same JVM: a 1,000,000-row, 10-column result of
 * {@code SELECT ... FROM events} read to the end.
 *
 * <ul>
 *   <li>{@code duckdb-jdbc}, the baseline: DuckDB's JDBC driver over {@code read_parquet} of the
 *       table's files, every value read with a typed getter;
 *   <li>{@code duckdb-arrow}: DuckDB's Arrow export of the same query, reading the event_id column:
 *       the columnar baseline for {@code grpc-arrow};
 *   <li>{@code pg-text}: pgjdbc over the PostgreSQL endpoint with the simple query protocol (text,
 *       what psql receives), every value read as a string;
 *   <li>{@code pg-binary}: pgjdbc with the extended protocol and binary results, typed getters;
 *   <li>{@code psql}: Debian's psql 15 printing unaligned rows to /dev/null, when installed;
 *   <li>{@code grpc-arrow}: the Java client's {@code sql()} over gRPC QueryService, Arrow batches,
 *       reading the event_id column.
 * </ul>
 *
 * Targets run round-robin, one run each per round, so load on the machine hits all alike; the
 * report gives medians and each target's median as a ratio of the baseline's.
 */
public final class ResultTransferBenchmark {
  private static final String TOKEN = "tl_benchmark-token-0123456789";
  private static final String COLUMNS =
      "event_id, user_id, merchant_id, amount, currency, country, event_time, score, is_fraud,"
          + " features_version";

  private ResultTransferBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = 1_000_000;
    int repeats = 5;
    int warmups = 1;
    Path out = Path.of(System.getProperty("java.io.tmpdir"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[++i]);
        case "--repeats" -> repeats = Integer.parseInt(args[++i]);
        case "--warmups" -> warmups = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println(
              "usage: ResultTransferBenchmark [--rows N] [--repeats N] [--warmups N] [--out DIR]");
          System.exit(2);
        }
      }
    }
    final long total = rows;
    Path warehouse = Files.createTempDirectory(out, "pgwire-bench-");
    System.out.printf(Locale.ROOT, "warehouse %s, %,d rows%n", warehouse, rows);
    try (Lake lake = Lake.open(LakeConfig.embedded(warehouse))) {
      List<String> files = build(lake, total);
      TracelakeServer server =
          TracelakeServer.onNetty(lake, IngestConfig.defaults().withPort(0)).start();
      try (PgServer pg =
              PgServer.start(
                  PgServerConfig.defaults().withPort(0),
                  server.sqlEngine(),
                  lake,
                  LocalCredential.of(TOKEN),
                  TableAccess.ALL_AUTHENTICATED);
          TracelakeClient client = TracelakeClient.connect("127.0.0.1:" + server.port());
          BufferAllocator allocator = new RootAllocator()) {
        Map<String, Target> targets = new LinkedHashMap<>();
        targets.put("duckdb-jdbc", () -> duckDb(files));
        targets.put("duckdb-arrow", () -> duckDbArrow(files));
        targets.put("pg-text", () -> pgText(pg.address().getPort()));
        targets.put("pg-binary", () -> pgBinary(pg.address().getPort()));
        String psql = psql();
        if (psql != null) {
          targets.put("psql", () -> psqlCli(psql, pg.address().getPort()));
        }
        targets.put("grpc-arrow", () -> grpcArrow(client, allocator));
        run(targets, total, repeats, warmups);
      } finally {
        server.stop();
      }
    }
  }

  /** One measured read of the whole result; returns the rows the client saw. */
  private interface Target {
    long read() throws Exception;
  }

  private static void run(Map<String, Target> targets, long rows, int repeats, int warmups)
      throws Exception {
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    targets.keySet().forEach(k -> seconds.put(k, new ArrayList<>()));
    for (int round = 0; round < warmups + repeats; round++) {
      for (Map.Entry<String, Target> t : targets.entrySet()) {
        long start = System.nanoTime();
        long seen = t.getValue().read();
        double s = (System.nanoTime() - start) / 1e9;
        if (seen != rows && !t.getKey().equals("psql")) {
          throw new IllegalStateException(t.getKey() + " read " + seen + " rows, expected " + rows);
        }
        if (round >= warmups) {
          seconds.get(t.getKey()).add(s);
        }
        System.out.printf(
            Locale.ROOT,
            "round %d %-12s %.3f s%s%n",
            round,
            t.getKey(),
            s,
            round < warmups ? " (warm-up)" : "");
      }
    }
    System.out.printf(Locale.ROOT, "load average %s%n", Machine.loadAverage());
    System.out.printf(
        Locale.ROOT,
        "%-12s %5s %9s %9s %9s %12s %8s%n",
        "target",
        "runs",
        "median s",
        "min s",
        "max s",
        "rows/s",
        "vs duckdb");
    double baseline = median(seconds.get("duckdb-jdbc"));
    for (Map.Entry<String, List<Double>> e : seconds.entrySet()) {
      List<Double> s = e.getValue();
      double median = median(s);
      System.out.printf(
          Locale.ROOT,
          "%-12s %5d %9.3f %9.3f %9.3f %,12.0f %8.2f%n",
          e.getKey(),
          s.size(),
          median,
          s.stream().mapToDouble(Double::doubleValue).min().orElse(0),
          s.stream().mapToDouble(Double::doubleValue).max().orElse(0),
          rows / median,
          baseline / median);
    }
    for (String k : seconds.keySet()) {
      if (!k.startsWith("duckdb")) {
        System.out.printf(
            Locale.ROOT, "RATIO %s/duckdb-jdbc = %.2f%n", k, baseline / median(seconds.get(k)));
      }
    }
    // the columnar door against the columnar baseline
    System.out.printf(
        Locale.ROOT,
        "RATIO grpc-arrow/duckdb-arrow = %.2f%n",
        median(seconds.get("duckdb-arrow")) / median(seconds.get("grpc-arrow")));
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Writes the events table in 4 appends and returns the local paths of its data files. */
  private static List<String> build(Lake lake, long rows) {
    TableName name = new TableName(TableName.DEFAULT_NAMESPACE, "events");
    LakeTable table = lake.createTable(name, EventBatches.SCHEMA);
    SplittableRandom random = new SplittableRandom(42);
    try (BufferAllocator allocator = new RootAllocator()) {
      long written = 0;
      for (int a = 0; a < 4; a++) {
        long until = rows * (a + 1) / 4;
        try (PendingAppend append =
            table.newAppend(Provenance.builder().codeCommit("bench").runId("r" + a).build())) {
          while (written < until) {
            int count = (int) Math.min(65_536, until - written);
            try (VectorSchemaRoot batch = EventBatches.batch(allocator, random, written, count)) {
              append.write(batch);
            }
            written += count;
          }
          append.commit();
        }
      }
    }
    return lake.table(name).scan().plan().files().stream().map(DataFileInfo::localPath).toList();
  }

  private static long duckDb(List<String> files) throws Exception {
    Properties props = new Properties();
    props.setProperty("threads", "2");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:", props);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT "
                    + COLUMNS
                    + " FROM read_parquet(["
                    + files.stream().map(f -> "'" + f + "'").collect(Collectors.joining(", "))
                    + "])")) {
      return typed(rs);
    }
  }

  /** DuckDB's own Arrow export of the same query: the columnar baseline for grpc-arrow. */
  private static long duckDbArrow(List<String> files) throws Exception {
    Properties props = new Properties();
    props.setProperty("threads", "2");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:", props);
        Statement s = c.createStatement();
        org.duckdb.DuckDBResultSet rs =
            (org.duckdb.DuckDBResultSet)
                s.executeQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM read_parquet(["
                        + files.stream().map(f -> "'" + f + "'").collect(Collectors.joining(", "))
                        + "])");
        BufferAllocator allocator = new RootAllocator();
        org.apache.arrow.vector.ipc.ArrowReader reader =
            (org.apache.arrow.vector.ipc.ArrowReader) rs.arrowExportStream(allocator, 8192)) {
      long n = 0;
      long check = 0;
      while (reader.loadNextBatch()) {
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        BigIntVector ids = (BigIntVector) root.getVector("event_id");
        for (int i = 0; i < root.getRowCount(); i++) {
          check += ids.get(i);
        }
        n += root.getRowCount();
      }
      if (n > 1 && check == 0) {
        throw new IllegalStateException("nothing read");
      }
      return n;
    }
  }

  private static long pgText(int port) throws Exception {
    Properties p = credentials();
    p.setProperty("preferQueryMode", "simple"); // text rows, as psql gets them
    try (Connection c = DriverManager.getConnection(url(port), p)) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.setFetchSize(10_000);
        try (ResultSet rs = s.executeQuery("SELECT " + COLUMNS + " FROM events")) {
          long n = 0;
          long chars = 0;
          while (rs.next()) {
            for (int i = 1; i <= 10; i++) {
              String v = rs.getString(i);
              chars += v == null ? 0 : v.length();
            }
            n++;
          }
          if (chars == 0) {
            throw new IllegalStateException("no text read");
          }
          return n;
        }
      }
    }
  }

  private static long pgBinary(int port) throws Exception {
    Properties p = credentials();
    p.setProperty("prepareThreshold", "-1"); // binary results from the first execution
    try (Connection c = DriverManager.getConnection(url(port), p)) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.setFetchSize(10_000);
        try (ResultSet rs = s.executeQuery("SELECT " + COLUMNS + " FROM events")) {
          return typed(rs);
        }
      }
    }
  }

  /** Reads every value of the 10 columns with its typed getter. */
  private static long typed(ResultSet rs) throws Exception {
    long n = 0;
    long check = 0;
    while (rs.next()) {
      check += rs.getLong(1);
      check += rs.getString(2).length() + rs.getString(3).length();
      check += (long) rs.getDouble(4);
      check += rs.getString(5).length();
      String country = rs.getString(6);
      check += country == null ? 0 : 1;
      OffsetDateTime at = rs.getObject(7, OffsetDateTime.class);
      check += at.getSecond();
      check += (long) rs.getDouble(8);
      check += rs.getBoolean(9) ? 1 : 0;
      check += rs.getInt(10);
      n++;
    }
    if (check == 0) {
      throw new IllegalStateException("nothing read");
    }
    return n;
  }

  private static long psqlCli(String psql, int port) throws Exception {
    ProcessBuilder b =
        new ProcessBuilder(
            psql,
            "-X",
            "-A",
            "-t",
            "-o",
            "/dev/null",
            "host=127.0.0.1 port=" + port + " user=bench dbname=tracelake",
            "-c",
            "SELECT " + COLUMNS + " FROM events");
    b.environment().put("PGPASSWORD", TOKEN);
    b.redirectErrorStream(true);
    b.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = b.start();
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("psql failed");
    }
    return -1;
  }

  private static long grpcArrow(TracelakeClient client, BufferAllocator allocator) {
    long n = 0;
    long check = 0;
    try (SqlRows result = client.sql("SELECT " + COLUMNS + " FROM events", allocator)) {
      while (result.loadNextBatch()) {
        VectorSchemaRoot root = result.root();
        BigIntVector ids = (BigIntVector) root.getVector("event_id");
        for (int i = 0; i < root.getRowCount(); i++) {
          check += ids.get(i);
        }
        n += root.getRowCount();
      }
    }
    if (n > 1 && check == 0) {
      throw new IllegalStateException("nothing read");
    }
    return n;
  }

  private static String psql() {
    for (String dir : Arrays.asList("/usr/bin", "/usr/local/bin")) {
      File f = new File(dir, "psql");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    return null;
  }

  private static Properties credentials() {
    Properties p = new Properties();
    p.setProperty("user", "bench");
    p.setProperty("password", TOKEN);
    return p;
  }

  private static String url(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/tracelake";
  }
}
