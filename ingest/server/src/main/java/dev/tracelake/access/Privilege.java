package dev.tracelake.access;

import java.util.Locale;

/** What a role may do on a scope (the whole lake, a namespace or a table), inherited downward. */
public enum Privilege {
  /** Read rows through SQL and see row values in explanations. */
  READ,
  /** Append rows, create tables in a namespace, tags, branches and additive schema changes. */
  WRITE,
  /** See lineage structure and provenance (explain, impact, trace, runs) without row values. */
  LINEAGE,
  /** Move or drop tags and branches, rebuild the index, manage tokens and grants. */
  ADMIN,
  /** Read the audit log, {@code tracelake.audit}. */
  AUDIT;

  /** The name users write: {@code read}, {@code write}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a privilege name, ignoring case.
   *
   * @throws IllegalArgumentException naming the value and the privileges there are
   */
  public static Privilege parse(String name) {
    if (name != null) {
      for (Privilege p : values()) {
        if (p.label().equalsIgnoreCase(name.strip())) {
          return p;
        }
      }
    }
    throw new IllegalArgumentException(
        "Unknown privilege '"
            + AccessNames.cap(name)
            + "'; privileges are read, write, lineage, admin and audit");
  }
}
