package dev.tracelake.cli;

import dev.tracelake.lake.LakeConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every lake subcommand takes: where the lake is, and how to print. */
final class GlobalOptions {
  @Mixin LakeLocation location;

  @Option(
      names = "--format",
      paramLabel = "table|json",
      defaultValue = "table",
      description = "Output format: table (default) or json.")
  OutputFormat format;

  /** Returns the lake configuration these options describe. */
  LakeConfig lakeConfig() {
    return location.lakeConfig();
  }

  /** Returns whether the warehouse was given explicitly rather than left at the default. */
  boolean warehouseIsDefault() {
    return location.warehouseIsDefault();
  }

  /** Fails unless the embedded lake already exists (see {@link LakeLocation}). */
  void requireExistingLake(LakeConfig config) {
    location.requireExistingLake(config);
  }
}
