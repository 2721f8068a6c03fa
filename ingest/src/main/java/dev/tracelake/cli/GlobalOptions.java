package dev.tracelake.cli;

import dev.tracelake.lake.LakeConfig;
import java.nio.file.Files;
import picocli.CommandLine.Option;

/** The options every subcommand takes: where the lake is, and how to print. */
final class GlobalOptions {
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
      names = "--format",
      paramLabel = "table|json",
      defaultValue = "table",
      description = "Output format: table (default) or json.")
  OutputFormat format;

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
}
