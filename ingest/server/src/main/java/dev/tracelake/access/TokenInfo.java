package dev.tracelake.access;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the server keeps of a bearer token: never the secret, only its SHA-256 in the store.
 *
 * @param id the token's id, not secret: for listing, revoking and as the PostgreSQL user name
 * @param principal the principal it authenticates
 * @param created when it was issued
 * @param expires when it stops working
 * @param revoked when it was revoked, if it was
 * @param description free text given at issue
 */
public record TokenInfo(
    String id,
    String principal,
    Instant created,
    Instant expires,
    Optional<Instant> revoked,
    String description) {
  public TokenInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(expires, "expires");
    Objects.requireNonNull(revoked, "revoked");
    description = description == null ? "" : description;
  }

  /** Returns whether the token authenticates at {@code now}: not expired and not revoked. */
  public boolean validAt(Instant now) {
    return revoked.isEmpty() && now.isBefore(expires);
  }
}
