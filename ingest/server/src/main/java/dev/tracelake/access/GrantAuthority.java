package dev.tracelake.access;

import dev.tracelake.lake.TableName;
import dev.tracelake.query.QueryErrorKind;
import dev.tracelake.query.QueryException;
import java.util.List;

/**
 * What a caller may manage of the grants: everything with {@code admin} on {@code *}; with {@code
 * admin} on a namespace (or a table), the privileges on scopes inside it, and the members of roles
 * whose every privilege lies inside scopes it administers. Nobody below a lake admin grants on
 * {@code *}, grants {@code audit}, or hands out a role that reaches beyond its own scopes (a role
 * with a privilege elsewhere would let a namespace admin give that privilege away).
 *
 * @param caller what the caller may do
 */
record GrantAuthority(Grants caller) {
  /** Returns whether the caller administers the whole lake. */
  boolean lakeAdmin() {
    return caller.holdsEverywhere(Privilege.ADMIN);
  }

  /** Returns whether the caller may grant and revoke {@code privilege} on {@code scope}. */
  boolean manages(Privilege privilege, Scope scope) {
    if (lakeAdmin()) {
      return true;
    }
    if (privilege == Privilege.AUDIT || scope.namespace() == null) {
      return false;
    }
    if (scope.table() == null) {
      return caller.holdsOnNamespace(Privilege.ADMIN, scope.namespace());
    }
    return caller.holds(Privilege.ADMIN, new TableName(scope.namespace(), scope.table()));
  }

  /**
   * Checks that the caller may grant or revoke {@code privilege} on {@code scope}.
   *
   * @throws QueryException PERMISSION_DENIED naming the principal, the privilege and the scope
   */
  void checkPrivilege(Privilege privilege, Scope scope) {
    if (!manages(privilege, scope)) {
      throw denied(
          privilege == Privilege.AUDIT || scope.namespace() == null ? "*" : scope.toString(),
          " (to grant or revoke '" + privilege.label() + "' on " + scope + ")");
    }
  }

  /**
   * Checks that the caller may give {@code role} to a principal or take it away: a lake admin
   * always; another admin only when the role holds something and everything it holds lies inside
   * scopes the caller administers.
   *
   * @param roleGrants every privilege of every role (the store's)
   * @throws QueryException PERMISSION_DENIED naming the principal, the role and a scope beyond
   */
  void checkGive(String role, List<RoleGrant> roleGrants) {
    if (!lakeAdmin() && roleGrants.stream().noneMatch(g -> g.role().equals(role))) {
      // an empty role may later be granted anything, by someone who does not know who is in it
      throw denied("*", " (role '" + role + "' holds nothing yet: grant it privileges first)");
    }
    checkTake(role, roleGrants);
  }

  /**
   * Checks that the caller may take {@code role} from a principal: as {@link #checkGive}, but an
   * empty role may be left by anyone who may manage roles.
   */
  void checkTake(String role, List<RoleGrant> roleGrants) {
    if (lakeAdmin()) {
      return;
    }
    List<RoleGrant> of = roleGrants.stream().filter(g -> g.role().equals(role)).toList();
    for (RoleGrant g : of) {
      if (!manages(g.privilege(), g.scope())) {
        throw denied(
            g.scope().toString(),
            " (role '"
                + role
                + "' holds '"
                + g.privilege().label()
                + "' on "
                + g.scope()
                + ", beyond what this principal administers)");
      }
    }
  }

  /** Returns whether the caller may see {@code grant} in a listing. */
  boolean lists(RoleGrant grant) {
    return manages(grant.privilege(), grant.scope());
  }

  private QueryException denied(String on, String why) {
    return new QueryException(
        QueryErrorKind.PERMISSION_DENIED,
        "Permission denied: principal '"
            + caller.principal()
            + "' lacks privilege 'admin' on "
            + on
            + why);
  }
}
