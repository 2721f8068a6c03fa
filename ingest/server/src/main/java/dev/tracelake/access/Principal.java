package dev.tracelake.access;

import java.util.Objects;

/**
 * Who a door authenticated: the identity every per-table check and (later) audit entry names.
 *
 * @param name the principal's name, e.g. {@code local} for the server's own credential
 * @param user the user name the client presented (a PostgreSQL {@code user}, an OAuth2 client id),
 *     kept so that logs say which client spoke even when several share one principal
 */
public record Principal(String name, String user) {
  public Principal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(user, "user");
  }
}
