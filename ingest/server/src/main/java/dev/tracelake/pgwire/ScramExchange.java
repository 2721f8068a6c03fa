package dev.tracelake.pgwire;

import dev.tracelake.access.ScramVerifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802/7677) as PostgreSQL runs it: the client
 * proves it knows the secret behind a {@link ScramVerifier}, and the server proves it knows the
 * verifier. Channel binding is not offered (no SCRAM-SHA-256-PLUS), so the client must send the gs2
 * header {@code n,,} or {@code y,,}.
 */
final class ScramExchange {
  static final String MECHANISM = "SCRAM-SHA-256";

  private final ScramVerifier verifier;
  private final SecureRandom random;
  private String clientFirstBare;
  private String serverFirst;
  private String nonce;

  ScramExchange(ScramVerifier verifier, SecureRandom random) {
    this.verifier = verifier;
    this.random = random;
  }

  /**
   * Takes the client-first-message and returns the server-first-message.
   *
   * @throws PgException 08P01 when the message is malformed or asks for channel binding
   */
  String clientFirst(String message) {
    if (!(message.startsWith("n,") || message.startsWith("y,"))) {
      throw PgException.fatal(
          PgException.PROTOCOL_VIOLATION,
          "SCRAM: unsupported gs2 header (channel binding is not offered); expected 'n,,' or 'y,,'");
    }
    int second = message.indexOf(',', 2);
    if (second < 0) {
      throw malformed("client-first-message has no gs2 header end");
    }
    clientFirstBare = message.substring(second + 1);
    String clientNonce = attribute(clientFirstBare, 'r');
    if (clientNonce.isEmpty()) {
      throw malformed("client-first-message has no nonce");
    }
    byte[] raw = new byte[18];
    random.nextBytes(raw);
    nonce = clientNonce + Base64.getEncoder().encodeToString(raw);
    serverFirst =
        "r="
            + nonce
            + ",s="
            + Base64.getEncoder().encodeToString(verifier.salt())
            + ",i="
            + verifier.iterations();
    return serverFirst;
  }

  /**
   * Takes the client-final-message and returns the server-final-message when the proof is right.
   *
   * @return the server-final-message, or null when the proof is wrong
   */
  String clientFinal(String message) {
    int proofAt = message.lastIndexOf(",p=");
    if (proofAt < 0) {
      throw malformed("client-final-message has no proof");
    }
    String withoutProof = message.substring(0, proofAt);
    if (!nonce.equals(attribute(withoutProof, 'r'))) {
      throw malformed("client-final-message has the wrong nonce");
    }
    byte[] proof;
    try {
      proof = Base64.getDecoder().decode(message.substring(proofAt + 3));
    } catch (IllegalArgumentException e) {
      throw malformed("client proof is not base64");
    }
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] authBytes = authMessage.getBytes(StandardCharsets.UTF_8);
    byte[] clientSignature = ScramVerifier.hmac(verifier.storedKey(), authBytes);
    if (proof.length != clientSignature.length) {
      return null;
    }
    byte[] clientKey = new byte[proof.length];
    for (int i = 0; i < proof.length; i++) {
      clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
    }
    if (!MessageDigest.isEqual(ScramVerifier.sha256(clientKey), verifier.storedKey())) {
      return null;
    }
    byte[] serverSignature = ScramVerifier.hmac(verifier.serverKey(), authBytes);
    return "v=" + Base64.getEncoder().encodeToString(serverSignature);
  }

  private static String attribute(String message, char name) {
    for (String part : message.split(",")) {
      if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
        return part.substring(2);
      }
    }
    return "";
  }

  private static PgException malformed(String what) {
    return PgException.fatal(PgException.PROTOCOL_VIOLATION, "SCRAM: malformed message: " + what);
  }
}
