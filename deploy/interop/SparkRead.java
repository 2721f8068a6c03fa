import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads one Tracelake table with Spark in local mode through Tracelake's JDBC catalog, at every
 * snapshot, tag and branch, by timestamp, and through the metadata tables; checks each snapshot's
 * row count against the snapshot summary. Run by spark-read.sh, which puts Spark on the class path.
 *
 * <p>Arguments: warehouse URI (file:/dir or s3://bucket/prefix), namespace.table, catalog JDBC URL.
 */
public final class SparkRead {
  // Must equal Tracelake's catalog name: the JDBC catalog keys every table by it.
  private static final String CATALOG = "tracelake";

  public static void main(String[] args) throws Exception {
    String warehouse = args[0];
    String table = CATALOG + "." + args[1];
    String catalogUri = args[2];
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[1]")
            .appName("tracelake-spark-read")
            .config("spark.ui.enabled", "false")
            // local mode: keep the driver on loopback
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.sql.session.timeZone", "UTC")
            .config(
                "spark.sql.extensions",
                "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
            .config("spark.sql.catalog." + CATALOG, "org.apache.iceberg.spark.SparkCatalog");
    boolean rest = catalogUri.startsWith("http://") || catalogUri.startsWith("https://");
    if (rest) {
      // Tracelake's Iceberg REST catalog (`tracelake serve`, --rest-port): no database
      // credentials, only the server token, as a bearer token or through OAuth2
      String token = System.getenv("TRACELAKE_TOKEN");
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException(
            "Set TRACELAKE_TOKEN to the server token (<warehouse>/.tracelake/token) to read"
                + " through the REST catalog");
      }
      builder
          .config("spark.sql.catalog." + CATALOG + ".type", "rest")
          .config("spark.sql.catalog." + CATALOG + ".uri", catalogUri)
          .config("spark.sql.catalog." + CATALOG + ".rest.auth.type", "oauth2")
          .config("spark.sql.catalog." + CATALOG + ".oauth2-server-uri", catalogUri + "/v1/oauth/tokens");
      if ("oauth2".equals(System.getenv("SPARK_READ_AUTH"))) {
        builder
            .config("spark.sql.catalog." + CATALOG + ".credential", "spark:" + token.strip())
            .config("spark.sql.catalog." + CATALOG + ".scope", "catalog");
      } else {
        builder.config("spark.sql.catalog." + CATALOG + ".token", token.strip());
      }
    } else {
      builder
          .config("spark.sql.catalog." + CATALOG + ".type", "jdbc")
          .config("spark.sql.catalog." + CATALOG + ".uri", catalogUri)
          .config("spark.sql.catalog." + CATALOG + ".jdbc.schema-version", "V1")
          .config("spark.sql.catalog." + CATALOG + ".warehouse", warehouse);
    }
    if (warehouse.startsWith("s3")) {
      // Iceberg's own S3 client (iceberg-aws-bundle); credentials from the AWS SDK's chain.
      builder.config("spark.sql.catalog." + CATALOG + ".io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
      setIfPresent(builder, "s3.endpoint", "TRACELAKE_S3_ENDPOINT");
      setIfPresent(builder, "s3.path-style-access", "TRACELAKE_S3_PATH_STYLE_ACCESS");
      setIfPresent(builder, "client.region", "TRACELAKE_S3_REGION");
    }
    setIfPresent(builder, "jdbc.user", "TRACELAKE_CATALOG_USER");
    setIfPresent(builder, "jdbc.password", "TRACELAKE_CATALOG_PASSWORD");
    int mismatches = 0;
    try (SparkSession spark = builder.getOrCreate()) {
      spark.sparkContext().setLogLevel("WARN");
      System.out.println(
          "Spark " + spark.version() + " reading " + table + (rest ? " through the REST catalog " + catalogUri : ""));

      show(spark, "SELECT count(*) AS rows_at_head FROM " + table);
      show(
          spark,
          "SELECT snapshot_id, parent_id, committed_at, operation,"
              + " summary['added-records'] AS added, summary['total-records'] AS total"
              + " FROM " + table + ".snapshots ORDER BY committed_at");
      show(spark, "SELECT name, type, snapshot_id FROM " + table + ".refs ORDER BY type, name");

      List<Row> snapshots =
          spark
              .sql(
                  "SELECT snapshot_id, CAST(summary['total-records'] AS BIGINT), committed_at"
                      + " FROM " + table + ".snapshots ORDER BY committed_at")
              .collectAsList();
      for (Row s : snapshots) {
        mismatches +=
            check(spark, table + " VERSION AS OF " + s.getLong(0), s.getLong(1), "snapshot id");
      }
      for (Row ref : spark.sql("SELECT name, type, snapshot_id FROM " + table + ".refs").collectAsList()) {
        long expected = totalAt(snapshots, ref.getLong(2));
        String name = ref.getString(0);
        mismatches += check(spark, table + " VERSION AS OF '" + name + "'", expected, ref.getString(1));
        if ("BRANCH".equals(ref.getString(1))) {
          mismatches += check(spark, table + ".`branch_" + name + "`", expected, "branch identifier");
        } else {
          mismatches += check(spark, table + ".`tag_" + name + "`", expected, "tag identifier");
        }
      }
      Row first = snapshots.get(0);
      mismatches +=
          check(
              spark,
              table + " TIMESTAMP AS OF '" + first.get(2) + "'",
              first.getLong(1),
              "timestamp of the first commit");

      show(spark, "SELECT made_current_at, snapshot_id, is_current_ancestor FROM " + table + ".history");
      show(spark, "SELECT file_format, record_count, file_size_in_bytes FROM " + table + ".files");
      show(spark, "SELECT * FROM " + table + " VERSION AS OF " + first.getLong(0) + " LIMIT 2");
      // provenance is kept as identity-partition values, not in the files: Spark fills it
      show(
          spark,
          "SELECT _run_id, _code_commit, _model_name, _model_version, count(*) AS records FROM "
              + table
              + " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4");
    }
    System.out.println(mismatches == 0 ? "ALL COUNTS MATCH" : mismatches + " COUNT(S) DIFFER");
    System.exit(mismatches == 0 ? 0 : 1);
  }

  private static void setIfPresent(SparkSession.Builder builder, String property, String env) {
    String value = System.getenv(env);
    if (value != null && !value.isBlank()) {
      builder.config("spark.sql.catalog." + CATALOG + "." + property, value);
    }
  }

  private static long totalAt(List<Row> snapshots, long snapshotId) {
    for (Row s : snapshots) {
      if (s.getLong(0) == snapshotId) {
        return s.getLong(1);
      }
    }
    throw new IllegalStateException("No snapshot " + snapshotId);
  }

  private static int check(SparkSession spark, String relation, long expected, String how) {
    long rows;
    try {
      rows = spark.sql("SELECT count(*) FROM " + relation).first().getLong(0);
    } catch (RuntimeException e) {
      System.out.printf("FAIL  %-70s by %s: %s%n", relation, how, e.getMessage().lines().findFirst().orElse(""));
      return 1;
    }
    boolean ok = rows == expected;
    System.out.printf("%s  %-70s %d rows (expected %d) by %s%n", ok ? "ok  " : "FAIL", relation, rows, expected, how);
    return ok ? 0 : 1;
  }

  private static void show(SparkSession spark, String sql) {
    System.out.println("> " + sql);
    Dataset<Row> result = spark.sql(sql);
    result.show(50, 60);
  }
}
