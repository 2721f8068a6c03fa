package dev.tracelake.cli;

import dev.tracelake.lake.LakeConfig;
import java.nio.file.Files;
import picocli.CommandLine.Option;

/**
 * Where the lake is: the options every command that opens the lake takes. {@link GlobalOptions}
 * adds the table|json {@code --format}; {@code sql} and {@code explain} mix this in alone since
 * their {@code --format} has other values.
 */
final class LakeLocation {
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

  @Option(names = "--verbose", description = "Print stack traces and Tracelake's own log lines.")
  boolean verbose;

  /** Returns the lake configuration these options describe. */
  LakeConfig lakeConfig() {
    return LakeConfig.builder()
        .warehouse(warehouse)
        .catalogUri(catalogUri == null || catalogUri.isBlank() ? null : catalogUri)
        .build();
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
