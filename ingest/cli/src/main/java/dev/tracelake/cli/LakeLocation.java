package dev.tracelake.cli;

import dev.tracelake.lake.LakeConfig;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/**
 * Where the lake is: the options every command that opens the lake takes. {@link GlobalOptions}
 * adds the table|json {@code --format}; {@code sql} and {@code explain} mix this in alone since
 * their {@code --format} has other values.
 *
 * <p>Each option falls back to an environment variable; the names are a contract with the
 * deployment manifests. The catalog password is read from the environment only, so that it never
 * shows in a process listing or a shell history. S3 credentials come from the AWS SDK's default
 * chain ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, web identity, ...).
 */
final class LakeLocation {
  static final String CATALOG_PASSWORD_ENV = "TRACELAKE_CATALOG_PASSWORD";

  /** Where environment variables are read; tests replace it. */
  UnaryOperator<String> environment = System::getenv;

  @picocli.CommandLine.Mixin ClientToken clientToken;

  @picocli.CommandLine.Mixin ClientTls clientTls;

  /** The bearer token for a server: see {@link ClientToken}. */
  String token() {
    LakeConfig lake;
    try {
      lake = lakeConfig();
    } catch (IllegalArgumentException e) {
      lake = null; // no local warehouse to find a token in
    }
    if (clientToken == null) {
      return null;
    }
    if (clientTls != null && clientTls.resolve(environment).cert() != null) {
      // a client certificate is the caller's identity: only a token given explicitly goes with
      // it (it would win), not the local server's token found in the warehouse
      return clientToken.resolve(environment, null);
    }
    return clientToken.resolve(environment, lake);
  }

  /** Connects to a server with the bearer token {@link #token()} finds. */
  dev.tracelake.client.TracelakeClient connect(String target) {
    return clientTls == null
        ? dev.tracelake.client.TracelakeClient.connect(target, token())
        : clientTls.connect(target, token(), environment);
  }

  @Option(
      names = "--warehouse",
      paramLabel = "<dir>",
      defaultValue = "${env:TRACELAKE_WAREHOUSE:-" + LakeConfig.DEFAULT_WAREHOUSE + "}",
      description =
          "Warehouse directory or URI (env TRACELAKE_WAREHOUSE; default: ${DEFAULT-VALUE}).")
  String warehouse;

  @Option(
      names = "--catalog-uri",
      paramLabel = "<jdbc-url>",
      defaultValue = "${env:TRACELAKE_CATALOG_URI}",
      description =
          "Catalog JDBC URL (env TRACELAKE_CATALOG_URI; default: an SQLite catalog inside the"
              + " warehouse).")
  String catalogUri;

  @Option(
      names = "--catalog-user",
      paramLabel = "<user>",
      defaultValue = "${env:TRACELAKE_CATALOG_USER}",
      description =
          "Catalog database user (env TRACELAKE_CATALOG_USER); the password is read from env "
              + CATALOG_PASSWORD_ENV
              + " only.")
  String catalogUser;

  @Option(
      names = "--s3-endpoint",
      paramLabel = "<url>",
      defaultValue = "${env:TRACELAKE_S3_ENDPOINT}",
      description =
          "Endpoint of an S3-compatible store for an s3:// warehouse, e.g. http://minio:9000 (env"
              + " TRACELAKE_S3_ENDPOINT; default: AWS). Credentials come from the AWS SDK's"
              + " default chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ...).")
  String s3Endpoint;

  @Option(
      names = "--s3-path-style-access",
      paramLabel = "true|false",
      arity = "0..1",
      fallbackValue = "true",
      defaultValue = "${env:TRACELAKE_S3_PATH_STYLE_ACCESS}",
      description =
          "Address buckets as <endpoint>/<bucket> instead of <bucket>.<endpoint>, as MinIO and"
              + " most S3-compatible stores need (env TRACELAKE_S3_PATH_STYLE_ACCESS).")
  Boolean s3PathStyleAccess;

  @Option(
      names = "--s3-region",
      paramLabel = "<region>",
      defaultValue = "${env:TRACELAKE_S3_REGION}",
      description =
          "Region of the S3 bucket (env TRACELAKE_S3_REGION; default: the AWS SDK's chain, e.g."
              + " AWS_REGION).")
  String s3Region;

  @Option(names = "--verbose", description = "Print stack traces and Tracelake's own log lines.")
  boolean verbose;

  /**
   * Returns the lake configuration these options describe.
   *
   * @throws IllegalArgumentException for a malformed warehouse or catalog URI, or an object-store
   *     warehouse without a catalog URI
   */
  LakeConfig lakeConfig() {
    String catalog = blankToNull(catalogUri);
    if (catalog == null && warehouse.contains("://") && !warehouse.startsWith("file:")) {
      throw new IllegalArgumentException(
          "Warehouse "
              + warehouse
              + " is not a local directory, so the catalog cannot live inside it: pass"
              + " --catalog-uri <jdbc-url> (or set TRACELAKE_CATALOG_URI), e.g."
              + " jdbc:postgresql://db:5432/tracelake");
    }
    LakeConfig.Builder builder = LakeConfig.builder().warehouse(warehouse).catalogUri(catalog);
    catalogProperties().forEach(builder::catalogProperty);
    return builder.build();
  }

  /**
   * Returns the Iceberg catalog properties that the catalog and S3 options set: {@code jdbc.user},
   * {@code jdbc.password}, {@code s3.endpoint}, {@code s3.path-style-access}, {@code
   * client.region}. Options left unset add nothing.
   */
  Map<String, String> catalogProperties() {
    Map<String, String> props = new LinkedHashMap<>();
    putIfSet(props, "jdbc.user", catalogUser);
    putIfSet(props, "jdbc.password", environment.apply(CATALOG_PASSWORD_ENV));
    putIfSet(props, "s3.endpoint", s3Endpoint);
    if (s3PathStyleAccess != null) {
      props.put("s3.path-style-access", s3PathStyleAccess.toString());
    }
    putIfSet(props, "client.region", s3Region);
    return props;
  }

  private static void putIfSet(Map<String, String> props, String key, String value) {
    String v = blankToNull(value);
    if (v != null) {
      props.put(key, v);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** Returns whether the warehouse was given explicitly rather than left at the default. */
  boolean warehouseIsDefault() {
    return LakeConfig.DEFAULT_WAREHOUSE.equals(warehouse);
  }

  /**
   * Fails unless the embedded lake already exists, so that a read on a mistyped path does not
   * silently create an empty warehouse.
   */
  void requireExistingLake(LakeConfig config) {
    if (config.catalogUri() == null
        && config.isLocalWarehouse()
        && !Files.isDirectory(config.warehousePath())) {
      throw CliException.of(
          "No Tracelake warehouse at %s; pass --warehouse <dir> (or set TRACELAKE_WAREHOUSE), or"
              + " create one with 'tracelake demo' or 'tracelake load --create'",
          config.warehousePath());
    }
  }

  /**
   * Refuses an explicit {@code --token} for a command about to read the embedded lake: the token
   * would be ignored without a word, and whoever gave it would believe a server's grants applied.
   * What an embedded reader may read is the file system's (or the object store's) to decide.
   *
   * @throws CliException naming the lake and the two ways on
   */
  void refuseTokenForEmbedded(LakeConfig lake) {
    if (clientToken != null && clientToken.token != null && !clientToken.token.isBlank()) {
      throw new CliException(
          "--token is for a server, but this command reads the lake at "
              + lake.warehouse()
              + " directly (embedded), where the files' own permissions decide what may be read;"
              + " ask a server with --server <host:port>, where the token's grants apply, or drop"
              + " --token");
    }
  }

  /**
   * Returns the configuration of an embedded lake that already exists.
   *
   * @throws IllegalArgumentException for a malformed warehouse or catalog URI
   * @throws CliException when there is no warehouse at the given path
   */
  LakeConfig existingLake() {
    LakeConfig config = lakeConfig();
    requireExistingLake(config);
    return config;
  }
}
