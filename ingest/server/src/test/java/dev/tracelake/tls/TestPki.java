package dev.tracelake.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for tests, made with BouncyCastle: a CA, server certificates for loopback, client
 * certificates, expired ones. Written as PEM files the way cert-manager and openssl write them.
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  /** A key and its certificate, signed by an issuer (or itself). */
  public record Issued(KeyPair keys, X509Certificate certificate) {}

  /** How a private key is written. */
  public enum KeyFormat {
    /** {@code BEGIN PRIVATE KEY} */
    PKCS8,
    /** {@code BEGIN RSA PRIVATE KEY} or {@code BEGIN EC PRIVATE KEY} (PKCS#1 / SEC1) */
    TRADITIONAL
  }

  private TestPki() {}

  public static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair ec() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A self-signed CA. */
  public static Issued ca(String name) {
    KeyPair keys = ec();
    X509Certificate cert =
        sign(
            new X500Name("CN=" + name + ",O=Tracelake Test"),
            keys,
            null,
            Instant.now().minus(Duration.ofHours(1)),
            Instant.now().plus(Duration.ofDays(30)),
            true,
            List.of());
    return new Issued(keys, cert);
  }

  /** A server certificate for 127.0.0.1, ::1 and localhost. */
  public static Issued server(Issued ca, KeyPair keys) {
    return leaf(
        ca,
        keys,
        "CN=localhost,O=Tracelake Test",
        Instant.now().minus(Duration.ofHours(1)),
        Instant.now().plus(Duration.ofDays(30)),
        List.of(
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
            new GeneralName(GeneralName.iPAddress, "::1")));
  }

  /** A client certificate with the given subject and validity. */
  public static Issued client(
      Issued ca, String subject, Instant from, Instant until, List<GeneralName> sans) {
    return leaf(ca, ec(), subject, from, until, sans);
  }

  /** A client certificate valid now, subject {@code CN=<cn>,O=Tracelake Test}. */
  public static Issued client(Issued ca, String cn) {
    return client(
        ca,
        "CN=" + cn + ",O=Tracelake Test",
        Instant.now().minus(Duration.ofHours(1)),
        Instant.now().plus(Duration.ofDays(30)),
        List.of());
  }

  public static Issued leaf(
      Issued ca,
      KeyPair keys,
      String subject,
      Instant from,
      Instant until,
      List<GeneralName> sans) {
    return new Issued(keys, sign(new X500Name(subject), keys, ca, from, until, false, sans));
  }

  private static X509Certificate sign(
      X500Name subject,
      KeyPair keys,
      Issued issuer,
      Instant from,
      Instant until,
      boolean isCa,
      List<GeneralName> sans) {
    try {
      X500Name issuerName =
          issuer == null
              ? subject
              : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuerName,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(from),
              Date.from(until),
              subject,
              keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(
              isCa
                  ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                  : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      if (!sans.isEmpty()) {
        b.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(sans.toArray(new GeneralName[0])));
      }
      PrivateKey signingKey = issuer == null ? keys.getPrivate() : issuer.keys().getPrivate();
      String algorithm =
          signingKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      ContentSigner signer = new JcaContentSignerBuilder(algorithm).build(signingKey);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (Exception e) {
      throw new IllegalStateException("Cannot make a test certificate: " + e.getMessage(), e);
    }
  }

  /** PEM of certificates, in order. */
  public static String pem(X509Certificate... certificates) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (X509Certificate c : certificates) {
        w.writeObject(c);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** PEM of a private key in the given format. */
  public static String pem(PrivateKey key, KeyFormat format) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      if (format == KeyFormat.PKCS8) {
        w.writeObject(new JcaPKCS8Generator(key, null));
      } else if (key instanceof java.security.interfaces.ECPrivateKey ec) {
        // SEC1 as openssl writes it: the curve named inside the key
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo info =
            org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
            new org.bouncycastle.asn1.sec.ECPrivateKey(
                ec.getParams().getOrder().bitLength(),
                ec.getS(),
                info.getPrivateKeyAlgorithm().getParameters());
        w.writeObject(
            new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
      } else {
        w.writeObject(key); // PKCS#1
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The files of one identity: {@code tls.crt} (leaf then issuer) and {@code tls.key}. */
  public record IdentityFiles(Path cert, Path key) {}

  /** Writes {@code issued}'s chain and key into {@code dir} as cert-manager names them. */
  public static IdentityFiles write(Path dir, Issued issued, Issued ca, KeyFormat format) {
    try {
      Files.createDirectories(dir);
      Path cert = dir.resolve("tls.crt");
      Path key = dir.resolve("tls.key");
      List<X509Certificate> chain = new ArrayList<>();
      chain.add(issued.certificate());
      if (ca != null) {
        chain.add(ca.certificate());
      }
      Files.writeString(cert, pem(chain.toArray(new X509Certificate[0])));
      Files.writeString(key, pem(issued.keys().getPrivate(), format));
      return new IdentityFiles(cert, key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a CA bundle file. */
  public static Path writeCa(Path file, Issued... cas) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      X509Certificate[] certs = new X509Certificate[cas.length];
      for (int i = 0; i < cas.length; i++) {
        certs[i] = cas[i].certificate();
      }
      Files.writeString(file, pem(certs));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
