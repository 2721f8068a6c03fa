package dev.tracelake.lake;

import java.util.Optional;

/** The case rule of table names ({@link TableName}) applied to the catalog's tables. */
final class TableNames {
  private TableNames() {}

  /**
   * Refuses to create {@code name} when a table whose name differs from it only in case exists.
   *
   * @throws LakeException ALREADY_EXISTS naming the existing table
   */
  static void refuseCaseVariant(Lake lake, TableName name) {
    Optional<TableName> variant = variantOf(lake, name);
    if (variant.isPresent() && !variant.get().equals(name)) {
      throw new LakeException(
              ErrorKind.ALREADY_EXISTS,
              String.format(
                  "Table %s cannot be created: table %s exists, and table names that differ only"
                      + " in case name the same table",
                  name, variant.get()))
          .with("table", variant.get())
          .with("field", "table");
    }
  }

  /** Returns the existing table {@code name} names: itself, or its only case variant. */
  static TableName resolve(Lake lake, TableName name) {
    if (lake.exists(name)) {
      return name;
    }
    return variantOf(lake, name).orElse(name);
  }

  private static Optional<TableName> variantOf(Lake lake, TableName name) {
    return lake.tables().stream().filter(name::sameTable).findFirst();
  }
}
