package dev.tracelake.access;

import java.util.Objects;

/**
 * A privilege a role holds on a scope.
 *
 * @param role the role
 * @param privilege the privilege
 * @param scope where it holds (and below)
 */
public record RoleGrant(String role, Privilege privilege, Scope scope) {
  public RoleGrant {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(privilege, "privilege");
    Objects.requireNonNull(scope, "scope");
  }
}
