package dev.tracelake.access;

import java.util.Base64;

/** A SCRAM verifier as PostgreSQL writes one: {@code SCRAM-SHA-256$iter:salt$stored:server}. */
final class ScramText {
  private static final String PREFIX = "SCRAM-SHA-256$";

  private ScramText() {}

  static String format(ScramVerifier v) {
    Base64.Encoder b64 = Base64.getEncoder();
    return PREFIX
        + v.iterations()
        + ":"
        + b64.encodeToString(v.salt())
        + "$"
        + b64.encodeToString(v.storedKey())
        + ":"
        + b64.encodeToString(v.serverKey());
  }

  static ScramVerifier parse(String text) {
    if (text == null || !text.startsWith(PREFIX)) {
      throw new IllegalStateException("Stored SCRAM verifier is malformed");
    }
    String[] parts = text.substring(PREFIX.length()).split("[$:]");
    if (parts.length != 4) {
      throw new IllegalStateException("Stored SCRAM verifier is malformed");
    }
    Base64.Decoder b64 = Base64.getDecoder();
    return new ScramVerifier(
        b64.decode(parts[1]),
        Integer.parseInt(parts[0]),
        b64.decode(parts[2]),
        b64.decode(parts[3]));
  }
}
