package dev.tracelake.access;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a server keeps to check a SCRAM-SHA-256 proof (RFC 5802, RFC 7677) without keeping the
 * secret: a salt, an iteration count, StoredKey = H(ClientKey) and ServerKey. Arrays are copied in
 * and out.
 *
 * @param salt the salt of the salted password
 * @param iterations the PBKDF2 iteration count
 * @param storedKey {@code SHA-256(HMAC(SaltedPassword, "Client Key"))}
 * @param serverKey {@code HMAC(SaltedPassword, "Server Key")}
 */
public record ScramVerifier(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
  /** PostgreSQL's default iteration count ({@code scram_iterations}). */
  public static final int DEFAULT_ITERATIONS = 4096;

  public ScramVerifier {
    if (iterations < 1) {
      throw new IllegalArgumentException("SCRAM iterations must be positive, got " + iterations);
    }
    salt = salt.clone();
    storedKey = storedKey.clone();
    serverKey = serverKey.clone();
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] storedKey() {
    return storedKey.clone();
  }

  @Override
  public byte[] serverKey() {
    return serverKey.clone();
  }

  /**
   * Derives the verifier of {@code secret} with a fresh random salt. Tokens are ASCII, for which
   * SASLprep is the identity, so no normalization is needed.
   */
  public static ScramVerifier derive(String secret, SecureRandom random) {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    return derive(secret, salt, DEFAULT_ITERATIONS);
  }

  /** Derives the verifier of {@code secret} with the given salt and iteration count. */
  public static ScramVerifier derive(String secret, byte[] salt, int iterations) {
    byte[] salted = saltedPassword(secret.getBytes(StandardCharsets.UTF_8), salt, iterations);
    byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
    byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
    return new ScramVerifier(salt, iterations, sha256(clientKey), serverKey);
  }

  /** PBKDF2-HMAC-SHA-256 with one block of output: Hi() of RFC 5802. */
  static byte[] saltedPassword(byte[] password, byte[] salt, int iterations) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(password, "HmacSHA256"));
      mac.update(salt);
      byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
      byte[] result = u.clone();
      for (int i = 1; i < iterations; i++) {
        u = mac.doFinal(u);
        for (int j = 0; j < result.length; j++) {
          result[j] ^= u[j];
        }
      }
      return result;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** HMAC-SHA-256 of {@code message} under {@code key}. */
  public static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** SHA-256 of {@code data}. */
  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
