package dev.tracelake.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads PEM certificates and private keys with BouncyCastle's parser, refusing a bad file with a
 * message that names it and says what is wrong.
 */
final class PemFiles {
  /** Larger files are not certificates or keys; refused before parsing. */
  static final int MAX_BYTES = 1 << 20;

  private static final int MAX_SHOWN = 80;

  private PemFiles() {}

  /** Reads a file's bytes, refusing a missing, unreadable or oversized one. */
  static byte[] read(Path file, String what) {
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new IllegalArgumentException(
            "The TLS " + what + " " + file + " is " + size + " bytes; a PEM file is under 1 MiB");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("The TLS " + what + " " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read the TLS " + what + " " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses every certificate of a PEM file, in order.
   *
   * @throws IllegalArgumentException naming the file when it holds no certificate or a broken one
   */
  static List<X509Certificate> certificates(byte[] pem, Path file, String what) {
    List<X509Certificate> found = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = parser(pem)) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof X509CertificateHolder holder) {
          found.add(converter.getCertificate(holder));
        } else if (o instanceof PrivateKeyInfo || o instanceof PEMKeyPair) {
          throw new IllegalArgumentException(
              "The TLS " + what + " " + file + " holds a private key; give the certificate here");
        }
        // anything else (parameters, CRLs) is not ours to use: skipped
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("The TLS")) {
        throw iae;
      }
      throw new IllegalArgumentException(
          "The TLS " + what + " " + file + " is not valid PEM: " + shown(e.getMessage()), e);
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException(
          "The TLS "
              + what
              + " "
              + file
              + " holds no PEM certificate (a block starting -----BEGIN CERTIFICATE-----)");
    }
    return List.copyOf(found);
  }

  /**
   * Parses the one private key of a PEM file: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code
   * BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}).
   *
   * @throws IllegalArgumentException naming the file when it holds no key, an encrypted one, or
   *     several
   */
  static PrivateKey privateKey(byte[] pem, Path file) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    PrivateKey key = null;
    try (PEMParser parser = parser(pem)) {
      Object o;
      while ((o = parser.readObject()) != null) {
        PrivateKey next;
        if (o instanceof PEMKeyPair pair) {
          // the private half only: a SEC1 key may leave its public key out
          next = converter.getPrivateKey(pair.getPrivateKeyInfo());
        } else if (o instanceof PrivateKeyInfo info) {
          next = converter.getPrivateKey(info);
        } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new IllegalArgumentException(
              "The TLS private key "
                  + file
                  + " is encrypted; give it unencrypted (as cert-manager writes it), readable by"
                  + " the server's user only");
        } else if (o instanceof ASN1ObjectIdentifier || o instanceof X509CertificateHolder) {
          continue; // EC PARAMETERS before a SEC1 key, or a certificate beside the key
        } else {
          continue;
        }
        if (key != null) {
          throw new IllegalArgumentException(
              "The TLS private key " + file + " holds more than one private key");
        }
        key = next;
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("The TLS")) {
        throw iae;
      }
      throw new IllegalArgumentException(
          "The TLS private key " + file + " is not valid PEM: " + shown(e.getMessage()), e);
    }
    if (key == null) {
      throw new IllegalArgumentException(
          "The TLS private key "
              + file
              + " holds no PEM private key (BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC"
              + " PRIVATE KEY)");
    }
    return key;
  }

  /**
   * Checks that {@code key} is the private half of {@code certificate}'s public key, by signing a
   * random challenge and verifying it.
   *
   * @throws IllegalArgumentException naming both files when it is not
   */
  static void checkPair(X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          case "Ed448" -> "Ed448";
          case "RSASSA-PSS" -> "RSASSA-PSS";
          default ->
              throw new IllegalArgumentException(
                  "The TLS private key "
                      + keyFile
                      + " is a "
                      + key.getAlgorithm()
                      + " key;"
                      + " use an RSA, EC or Ed25519 key");
        };
    boolean matches;
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      if (algorithm.equals("RSASSA-PSS")) {
        signer.setParameter(
            new java.security.spec.PSSParameterSpec(
                "SHA-256",
                "MGF1",
                java.security.spec.MGF1ParameterSpec.SHA256,
                32,
                java.security.spec.PSSParameterSpec.TRAILER_FIELD_BC));
      }
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      if (algorithm.equals("RSASSA-PSS")) {
        verifier.setParameter(
            new java.security.spec.PSSParameterSpec(
                "SHA-256",
                "MGF1",
                java.security.spec.MGF1ParameterSpec.SHA256,
                32,
                java.security.spec.PSSParameterSpec.TRAILER_FIELD_BC));
      }
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false; // e.g. an EC key against an RSA certificate
    }
    if (!matches) {
      throw new IllegalArgumentException(
          "The TLS private key "
              + keyFile
              + " does not match the certificate in "
              + certFile
              + " (subject "
              + shown(certificate.getSubjectX500Principal().getName())
              + ")");
    }
  }

  private static PEMParser parser(byte[] pem) {
    return new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)));
  }

  /** At most 80 characters of a value, control characters escaped. */
  static String shown(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < value.length() && sb.length() < MAX_SHOWN; i++) {
      char c = value.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return value.length() > MAX_SHOWN ? sb + "..." : sb.toString();
  }
}
