package dev.tracelake.access;

import dev.tracelake.lake.TableName;
import java.util.List;
import java.util.Objects;

/**
 * Everything one principal may do: its roles' privileges, or everything for the server's own token.
 *
 * <p>The audit log ({@link #AUDIT_TABLE}) is special: reading it takes {@link Privilege#AUDIT} (a
 * {@code read} on {@code *} does not reach it), and nobody writes it through the API, not even the
 * server's own token: only the server appends to it.
 *
 * @param principal the principal's name
 * @param kind what the principal is
 * @param roles its roles
 * @param grants the privileges those roles hold
 */
public record Grants(
    String principal, PrincipalKind kind, List<String> roles, List<RoleGrant> grants) {
  /** The audit log's table. */
  public static final TableName AUDIT_TABLE = new TableName("tracelake", "audit");

  public Grants {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(kind, "kind");
    roles = List.copyOf(roles);
    grants = List.copyOf(grants);
  }

  /** The server's own token: every privilege everywhere. */
  public static Grants superuser(String principal) {
    return new Grants(principal, PrincipalKind.LOCAL, List.of(), List.of());
  }

  /** Returns whether the principal holds every privilege everywhere. */
  public boolean superuser() {
    return kind == PrincipalKind.LOCAL;
  }

  /** Returns whether the principal holds {@code privilege} on {@code table}. */
  public boolean holds(Privilege privilege, TableName table) {
    if (table.sameTable(AUDIT_TABLE)) {
      return switch (privilege) {
        case READ, AUDIT -> superuser() || granted(Privilege.AUDIT, table);
        case LINEAGE -> superuser() || granted(Privilege.AUDIT, table);
        case WRITE, ADMIN -> false; // append-only, written by the server alone
      };
    }
    return superuser() || granted(privilege, table);
  }

  private boolean granted(Privilege privilege, TableName table) {
    for (RoleGrant g : grants) {
      if (g.privilege() == privilege && g.scope().covers(table)) {
        return true;
      }
    }
    return false;
  }

  /** Returns whether the principal holds {@code privilege} on the whole namespace {@code ns}. */
  public boolean holdsOnNamespace(Privilege privilege, String ns) {
    if (superuser()) {
      return true;
    }
    for (RoleGrant g : grants) {
      if (g.privilege() == privilege && g.scope().coversNamespace(ns)) {
        return true;
      }
    }
    return false;
  }

  /** Returns whether the principal holds {@code privilege} on the whole lake. */
  public boolean holdsEverywhere(Privilege privilege) {
    if (superuser()) {
      return true;
    }
    for (RoleGrant g : grants) {
      if (g.privilege() == privilege && g.scope().equals(Scope.ALL)) {
        return true;
      }
    }
    return false;
  }

  /** Returns whether the principal holds {@code privilege} on anything at all. */
  public boolean holdsAnywhere(Privilege privilege) {
    return superuser() || grants.stream().anyMatch(g -> g.privilege() == privilege);
  }

  /**
   * Returns whether the principal may know {@code table} exists: it holds some privilege on it, or
   * may create tables in its namespace. A table it may not see answers as a missing one.
   */
  public boolean sees(TableName table) {
    if (table.sameTable(AUDIT_TABLE)) {
      return holds(Privilege.AUDIT, table);
    }
    // 'audit' is about the audit log only: it shows no other table
    for (Privilege p :
        List.of(Privilege.READ, Privilege.WRITE, Privilege.LINEAGE, Privilege.ADMIN)) {
      if (holds(p, table)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns whether the principal may know namespace {@code ns} exists: it holds some privilege on
   * the lake, on the namespace or on a table inside it ({@code audit} shows only the audit log's
   * namespace). A namespace it may not see answers as a missing one.
   */
  public boolean seesNamespace(String ns) {
    if (superuser()) {
      return true;
    }
    for (RoleGrant g : grants) {
      if (g.privilege() == Privilege.AUDIT) {
        if (AUDIT_TABLE.namespace().equalsIgnoreCase(ns)) {
          return true;
        }
      } else if (g.scope().equals(Scope.ALL) || g.scope().within(ns)) {
        return true;
      }
    }
    return false;
  }
}
