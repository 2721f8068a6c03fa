package dev.tracelake.access;

import java.util.Objects;

/**
 * A principal holding a role.
 *
 * @param role the role
 * @param principal the principal
 */
public record RoleMember(String role, String principal) {
  public RoleMember {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(principal, "principal");
  }
}
