package dev.tracelake.access;

import java.util.Optional;

/**
 * Turns the credentials a door receives into a {@link Principal}. Every door (PostgreSQL wire
 * protocol, Iceberg REST) authenticates through one instance, once per connection or request, in
 * one place; the doors never compare secrets themselves.
 *
 * <p>Today's implementation is {@link LocalCredential}: one secret token for the whole server. The
 * access-control work replaces it with a token store mapping many tokens to principals, without
 * changing the doors.
 */
public interface Authenticator {
  /**
   * Authenticates a bearer token or a cleartext password (the token given as password).
   *
   * @param user the user name the client presented; may be empty
   * @param token the secret the client presented
   * @return the principal, or empty when the token is not valid
   */
  Optional<Principal> authenticateToken(String user, String token);

  /**
   * Returns the SCRAM-SHA-256 verifier for {@code user}, derived from the user's secret, so that a
   * PostgreSQL client proves it knows the secret without sending it.
   *
   * @return the verifier, or empty when the user is unknown (the door then runs the exchange
   *     against a made-up verifier, so an unknown user cannot be told from a wrong password)
   */
  Optional<ScramVerifier> scramVerifier(String user);

  /** Returns the principal of a user whose SCRAM proof matched {@link #scramVerifier(String)}. */
  Principal scramPrincipal(String user);

  /**
   * Returns whether a PostgreSQL client logging in as {@code user} should send its secret as a
   * cleartext password, checked with {@link #authenticateToken}, instead of a SCRAM proof: for
   * secrets the server cannot derive a SCRAM verifier of beforehand (OIDC tokens). Doors ask for it
   * only over TLS or from loopback.
   */
  default boolean wantsPassword(String user) {
    return false;
  }
}
