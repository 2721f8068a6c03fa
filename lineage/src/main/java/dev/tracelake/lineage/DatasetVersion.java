package dev.tracelake.lineage;

import java.util.Objects;

/**
 * A dataset at a version, as OpenLineage names it. For a Tracelake table the name is {@code
 * namespace.name} and the version is the Iceberg snapshot id.
 *
 * @param namespace the dataset namespace, e.g. {@code tracelake} or {@code postgres://db:5432}
 * @param name the dataset name within the namespace
 * @param version the dataset version, or null when unknown
 */
public record DatasetVersion(String namespace, String name, String version) {
  public DatasetVersion {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    if (namespace.isBlank() || name.isBlank()) {
      throw new IllegalArgumentException(
          "A dataset needs a namespace and a name, got namespace='"
              + namespace
              + "' name='"
              + name
              + "'");
    }
    version = version == null || version.isBlank() ? null : version;
  }

  /** Returns a Tracelake table at a snapshot. */
  static DatasetVersion ofTable(String namespace, String table, long snapshotId) {
    return new DatasetVersion(namespace, table, Long.toString(snapshotId));
  }

  @Override
  public String toString() {
    return namespace + ":" + name + (version == null ? "" : "@" + version);
  }
}
