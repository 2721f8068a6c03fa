package dev.tracelake.access;

import java.util.List;
import java.util.Objects;

/**
 * Who a door authenticated: the identity every per-table check and audit entry names.
 *
 * @param name the principal's name, e.g. {@code local} for the server's own credential
 * @param user the user name the client presented (a PostgreSQL {@code user}, an OAuth2 client id, a
 *     client certificate's subject), kept so that logs say which client spoke even when several
 *     share one principal
 * @param credential what the principal proved itself with; only {@link Credential#SERVER_TOKEN}
 *     carries the server's own power, whatever the name says
 * @param claimedRoles roles the credential itself brings (an OIDC token's roles claim), on top of
 *     the principal's stored memberships; those that name no existing role grant nothing
 */
public record Principal(
    String name, String user, Credential credential, List<String> claimedRoles) {
  /** What a principal authenticated with. */
  public enum Credential {
    /** The server's own token ({@link LocalCredential}): every privilege everywhere. */
    SERVER_TOKEN,
    /** A token issued by {@code tracelake auth token create}. */
    ISSUED_TOKEN,
    /** A JWT from the configured OIDC issuer. */
    OIDC,
    /** A TLS client certificate that chains to the configured client CA. */
    CERTIFICATE
  }

  public Principal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(credential, "credential");
    claimedRoles = List.copyOf(claimedRoles);
  }

  /** A principal authenticated by an issued token. */
  public Principal(String name, String user) {
    this(name, user, Credential.ISSUED_TOKEN, List.of());
  }

  /** The server's own principal, as its {@link LocalCredential} authenticates it. */
  static Principal server(String user) {
    return new Principal(LocalCredential.PRINCIPAL, user, Credential.SERVER_TOKEN, List.of());
  }

  /** Returns whether this is the server's own principal, proved by the server's own token. */
  public boolean isServer() {
    return credential == Credential.SERVER_TOKEN && LocalCredential.PRINCIPAL.equals(name);
  }
}
