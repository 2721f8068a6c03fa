package dev.tracelake.cli;

import dev.tracelake.lake.LakeConfig;
import picocli.CommandLine.Option;

/**
 * Where the embedded lake is, for commands whose {@code --format} differs from {@link
 * GlobalOptions}'s table|json ({@code sql}, {@code explain}).
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

  /**
   * Returns the configuration of an embedded lake that already exists.
   *
   * @throws IllegalArgumentException for a malformed warehouse or catalog URI
   * @throws CliException when there is no warehouse at the given path
   */
  LakeConfig existingLake() {
    GlobalOptions global = new GlobalOptions();
    global.warehouse = warehouse;
    global.catalogUri = catalogUri;
    LakeConfig config = global.lakeConfig();
    global.requireExistingLake(config);
    return config;
  }
}
