package dev.tracelake.access;

import java.util.Objects;

/**
 * Who a door authenticated: the identity every per-table check and (later) audit entry names.
 *
 * @param name the principal's name, e.g. {@code local} for the server's own credential
 * @param user the user name the client presented (a PostgreSQL {@code user}, an OAuth2 client id, a
 *     client certificate's subject), kept so that logs say which client spoke even when several
 *     share one principal
 * @param source which credential authenticated it; superuser power comes from {@link
 *     Source#SERVER_TOKEN} alone, never from a name
 */
public record Principal(String name, String user, Source source) {
  /** Which kind of credential authenticated a principal. */
  public enum Source {
    /** A token issued with {@code tracelake auth token create} (or its SCRAM password). */
    ISSUED_TOKEN,
    /** The server's own token ({@link LocalCredential}): every privilege everywhere. */
    SERVER_TOKEN,
    /** A TLS client certificate that chains to the configured client CA. */
    CERTIFICATE
  }

  public Principal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(source, "source");
  }

  /** A principal authenticated by an issued token. */
  public Principal(String name, String user) {
    this(name, user, Source.ISSUED_TOKEN);
  }
}
