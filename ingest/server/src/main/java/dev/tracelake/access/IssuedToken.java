package dev.tracelake.access;

import java.util.Objects;

/**
 * A token just issued: its secret, shown this once, and its record.
 *
 * @param secret the bearer token to give the principal; the server keeps only its hash
 * @param info the token's record
 */
public record IssuedToken(String secret, TokenInfo info) {
  public IssuedToken {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(info, "info");
  }

  @Override
  public String toString() {
    return "IssuedToken[secret=***, info=" + info + "]"; // never log a secret by accident
  }
}
