package dev.tracelake.lake;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a lake lives: a warehouse for data and metadata files and a catalog that points at each
 * table's current metadata.
 *
 * <p>The embedded default is a local warehouse directory holding an Iceberg {@code JdbcCatalog} on
 * an SQLite file ({@code <warehouse>/catalog.db}); no external service. A shared deployment sets
 * {@code catalogUri} to a PostgreSQL JDBC URL; the code path is the same.
 *
 * <p>A warehouse in an S3-compatible bucket ({@code s3://bucket/prefix}) is read and written
 * through Iceberg's {@code S3FileIO}; it needs an explicit {@code catalogUri}, since the default
 * SQLite file lives inside a local warehouse directory. The S3 client takes its settings from the
 * catalog properties ({@code s3.endpoint}, {@code s3.path-style-access}, {@code client.region}) and
 * its credentials from the AWS SDK's default chain ({@code AWS_ACCESS_KEY_ID}, ...).
 *
 * @param warehouse a local directory, a {@code file:} URI, or an S3 URI ({@code
 *     s3://bucket/prefix}); other schemes need an {@code io-impl} catalog property naming a FileIO
 *     that reads them
 * @param catalogUri the catalog's JDBC URL, or null for the embedded SQLite catalog (local
 *     warehouses only)
 * @param catalogName the catalog's name; Spark and Trino must use the same name to see the tables
 * @param catalogProperties extra Iceberg catalog properties ({@code jdbc.user}, {@code
 *     jdbc.password}, {@code io-impl}, {@code s3.endpoint}, ...)
 */
public record LakeConfig(
    String warehouse,
    String catalogUri,
    String catalogName,
    Map<String, String> catalogProperties) {
  /** The embedded default's warehouse directory, relative to the working directory. */
  public static final String DEFAULT_WAREHOUSE = "./tracelake-data";

  public static final String DEFAULT_CATALOG_NAME = "tracelake";

  public LakeConfig {
    Objects.requireNonNull(warehouse, "warehouse");
    if (warehouse.isBlank()) {
      throw new IllegalArgumentException("Warehouse location must not be blank");
    }
    if (catalogUri != null && !catalogUri.startsWith("jdbc:")) {
      throw new IllegalArgumentException(
          "Catalog URI must be a JDBC URL (jdbc:sqlite:... or jdbc:postgresql://...), got "
              + catalogUri);
    }
    catalogName = catalogName == null ? DEFAULT_CATALOG_NAME : catalogName;
    catalogProperties = Map.copyOf(catalogProperties == null ? Map.of() : catalogProperties);
    if (!isLocal(warehouse)) {
      if (catalogUri == null) {
        throw new IllegalArgumentException(
            "Warehouse "
                + warehouse
                + " is not a local directory, so it needs an explicit catalog URI (a JDBC URL"
                + " such as jdbc:postgresql://host:5432/db or jdbc:sqlite:/path/catalog.db); the"
                + " default SQLite catalog lives only inside a local warehouse");
      }
      if (!isS3(warehouse) && !catalogProperties.containsKey(IO_IMPL)) {
        throw new IllegalArgumentException(
            "Warehouse "
                + warehouse
                + " has a scheme Tracelake cannot read: use a local directory, a file: URI or"
                + " s3://bucket/prefix (or name a FileIO in the catalog property "
                + IO_IMPL
                + ")");
      }
    }
  }

  /** The catalog property naming the Iceberg FileIO class. */
  static final String IO_IMPL = "io-impl";

  /** Returns the embedded default on a local warehouse directory. */
  public static LakeConfig embedded(Path warehouseDir) {
    return new LakeConfig(warehouseDir.toString(), null, null, Map.of());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Returns whether the warehouse is on the local file system. */
  public boolean isLocalWarehouse() {
    return isLocal(warehouse);
  }

  /**
   * Returns whether the warehouse is in an S3-compatible bucket ({@code s3://}, {@code s3a://}).
   */
  public boolean isS3Warehouse() {
    return isS3(warehouse);
  }

  private static boolean isLocal(String warehouse) {
    return warehouse.startsWith("file:") || !warehouse.contains("://");
  }

  private static boolean isS3(String warehouse) {
    return warehouse.startsWith("s3://")
        || warehouse.startsWith("s3a://")
        || warehouse.startsWith("s3n://");
  }

  /** Returns the local warehouse directory; only for a local warehouse. */
  public Path warehousePath() {
    if (!isLocalWarehouse()) {
      throw new IllegalStateException("Warehouse " + warehouse + " is not a local directory");
    }
    return LocalFileIO.toPath(warehouse).toAbsolutePath().normalize();
  }

  /** Returns the catalog JDBC URL in force: the given one or the embedded SQLite file. */
  public String effectiveCatalogUri() {
    if (catalogUri != null) {
      return catalogUri;
    }
    return "jdbc:sqlite:" + warehousePath().resolve("catalog.db");
  }

  /** Returns the catalog URI with any password in it masked, for logs and status output. */
  public String describeCatalog() {
    return effectiveCatalogUri().replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  /** Shows the configuration with passwords, secrets and tokens masked. */
  @Override
  public String toString() {
    Map<String, String> shown = new java.util.TreeMap<>();
    catalogProperties.forEach((k, v) -> shown.put(k, isSecret(k) ? "***" : v));
    return "LakeConfig[warehouse="
        + warehouse
        + ", catalogUri="
        + (catalogUri == null ? null : describeCatalog())
        + ", catalogName="
        + catalogName
        + ", catalogProperties="
        + shown
        + "]";
  }

  private static boolean isSecret(String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    return k.contains("password") || k.contains("secret") || k.contains("token");
  }

  /** Builds a {@link LakeConfig}. */
  public static final class Builder {
    private String warehouse = DEFAULT_WAREHOUSE;
    private String catalogUri;
    private String catalogName;
    private final Map<String, String> properties = new LinkedHashMap<>();

    private Builder() {}

    public Builder warehouse(String value) {
      this.warehouse = value;
      return this;
    }

    public Builder catalogUri(String value) {
      this.catalogUri = value;
      return this;
    }

    public Builder catalogName(String value) {
      this.catalogName = value;
      return this;
    }

    public Builder catalogProperty(String key, String value) {
      properties.put(key, value);
      return this;
    }

    public LakeConfig build() {
      return new LakeConfig(warehouse, catalogUri, catalogName, properties);
    }
  }
}
