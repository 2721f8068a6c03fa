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
 * @param warehouse a local directory, a {@code file:} URI, or an object-store URI ({@code s3://})
 * @param catalogUri the catalog's JDBC URL, or null for the embedded SQLite catalog
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
  }

  /** Returns the embedded default on a local warehouse directory. */
  public static LakeConfig embedded(Path warehouseDir) {
    return new LakeConfig(warehouseDir.toString(), null, null, Map.of());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Returns whether the warehouse is on the local file system. */
  public boolean isLocalWarehouse() {
    return warehouse.startsWith("file:") || !warehouse.contains("://");
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
