package dev.tracelake.lake;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A table's name: a namespace and a name, written {@code namespace.name}. A bare name lives in the
 * {@value #DEFAULT_NAMESPACE} namespace.
 *
 * <p>The case rule, the same on every surface (gRPC, CLI, SQL, lineage): names keep the case they
 * were created with, but two names that differ only in case name the same table. Creating a table
 * whose name equals an existing one ignoring case fails (ALREADY_EXISTS), and a lookup in another
 * case finds the table ({@link #sameTable}). SQL, which folds unquoted identifiers, therefore can
 * never see two tables where the catalog has them apart.
 */
public record TableName(String namespace, String name) {
  public static final String DEFAULT_NAMESPACE = "default";
  private static final Pattern PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  public TableName {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    checkPart(namespace, "namespace", namespace + "." + name);
    checkPart(name, "name", namespace + "." + name);
  }

  /**
   * Parses {@code name} or {@code namespace.name}.
   *
   * @throws LakeException INVALID_ARGUMENT when the text is not a valid table name
   */
  public static TableName parse(String text) {
    Objects.requireNonNull(text, "table name");
    int dot = text.indexOf('.');
    if (dot < 0) {
      return new TableName(DEFAULT_NAMESPACE, text);
    }
    if (text.indexOf('.', dot + 1) >= 0) {
      throw LakeException.invalid(
          "Invalid table name %s: use 'name' or 'namespace.name' (one dot at most)",
          InputText.shown(text));
    }
    return new TableName(text.substring(0, dot), text.substring(dot + 1));
  }

  private static void checkPart(String part, String what, String whole) {
    if (!PART.matcher(part).matches()) {
      throw LakeException.invalid(
          "Invalid table name %s: %s %s must start with a letter or '_' and hold only"
              + " letters, digits and '_' (at most 128)",
          InputText.shown(whole), what, InputText.shown(part));
    }
  }

  /** Returns whether {@code other} names the same table under the case rule (ignoring case). */
  public boolean sameTable(TableName other) {
    return namespace.equalsIgnoreCase(other.namespace) && name.equalsIgnoreCase(other.name);
  }

  @Override
  public String toString() {
    return namespace + "." + name;
  }
}
