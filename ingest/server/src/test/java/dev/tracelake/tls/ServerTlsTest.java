package dev.tracelake.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.tls.TestPki.IdentityFiles;
import dev.tracelake.tls.TestPki.Issued;
import dev.tracelake.tls.TestPki.KeyFormat;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Loading a server's TLS from PEM files: the formats operators have (PKCS#8, PKCS#1, SEC1), bad
 * files refused at start with the file and the fault named, and a renewed pair picked up by new
 * connections without a restart.
 */
class ServerTlsTest {
  static final Issued CA = TestPki.ca("Load Test CA");

  @TempDir Path dir;

  enum KeyKind {
    RSA_PKCS8,
    RSA_PKCS1,
    EC_PKCS8,
    EC_SEC1
  }

  @ParameterizedTest
  @EnumSource(KeyKind.class)
  void loadsEveryCommonKeyFormatAndServesAHandshake(KeyKind kind) throws Exception {
    KeyPair keys = kind.name().startsWith("RSA") ? TestPki.rsa() : TestPki.ec();
    Issued server = TestPki.server(CA, keys);
    KeyFormat format = kind.name().endsWith("PKCS8") ? KeyFormat.PKCS8 : KeyFormat.TRADITIONAL;
    IdentityFiles files = TestPki.write(dir, server, CA, format);
    String keyPem = Files.readString(files.key());
    assertThat(keyPem)
        .startsWith(
            switch (kind) {
              case RSA_PKCS8, EC_PKCS8 -> "-----BEGIN PRIVATE KEY-----";
              case RSA_PKCS1 -> "-----BEGIN RSA PRIVATE KEY-----";
              case EC_SEC1 -> "-----BEGIN EC PRIVATE KEY-----";
            });
    ServerTls tls = ServerTls.load(TlsSettings.of(files.cert(), files.key(), null, null));
    try (SSLServerSocket listener = listen(tls)) {
      assertThat(handshake(listener)).isEqualTo(server.certificate().getSerialNumber());
    }
  }

  @Test
  void missingFilesAreRefusedNamingTheFile() {
    Path nowhere = dir.resolve("nowhere.crt");
    IdentityFiles files = TestPki.write(dir, TestPki.server(CA, TestPki.ec()), CA, KeyFormat.PKCS8);
    assertThatThrownBy(() -> ServerTls.load(TlsSettings.of(nowhere, files.key(), null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("certificate " + nowhere)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(
            () ->
                ServerTls.load(
                    TlsSettings.of(files.cert(), files.key(), dir.resolve("no-ca.crt"), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("client CA " + dir.resolve("no-ca.crt"))
        .hasMessageContaining("does not exist");
  }

  @Test
  void filesThatAreNotPemAreRefusedSayingWhatIsMissing() throws Exception {
    IdentityFiles files = TestPki.write(dir, TestPki.server(CA, TestPki.ec()), CA, KeyFormat.PKCS8);
    Path der = dir.resolve("server.der");
    Files.write(der, TestPki.server(CA, TestPki.ec()).certificate().getEncoded());
    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "just some words\n\u0000\u0001 and controls");
    Path broken = dir.resolve("broken.crt");
    Files.writeString(
        broken, "-----BEGIN CERTIFICATE-----\nnot base64 at all !!!\n-----END CERTIFICATE-----\n");
    for (Path bad : List.of(der, text, dir.resolve("empty.crt"))) {
      if (!Files.exists(bad)) {
        Files.writeString(bad, "");
      }
      assertThatThrownBy(() -> ServerTls.load(TlsSettings.of(bad, files.key(), null, null)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("certificate " + bad)
          .hasMessageContaining("holds no PEM certificate");
    }
    assertThatThrownBy(() -> ServerTls.load(TlsSettings.of(broken, files.key(), null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("certificate " + broken)
        .hasMessageContaining("is not valid PEM");
    assertThatThrownBy(() -> ServerTls.load(TlsSettings.of(files.cert(), text, null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("private key " + text)
        .hasMessageContaining("holds no PEM private key");
    // the two files swapped
    assertThatThrownBy(() -> ServerTls.load(TlsSettings.of(files.key(), files.cert(), null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("certificate " + files.key())
        .hasMessageContaining("holds a private key");
  }

  @Test
  void aHugeFileIsRefusedBeforeParsing() throws Exception {
    Path huge = dir.resolve("huge.crt");
    Files.write(huge, new byte[PemFiles.MAX_BYTES + 1]);
    IdentityFiles files = TestPki.write(dir, TestPki.server(CA, TestPki.ec()), CA, KeyFormat.PKCS8);
    assertThatThrownBy(() -> ServerTls.load(TlsSettings.of(huge, files.key(), null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(huge.toString())
        .hasMessageContaining("under 1 MiB");
  }

  @Test
  void aKeyThatDoesNotMatchTheCertificateIsRefused() throws Exception {
    IdentityFiles files = TestPki.write(dir, TestPki.server(CA, TestPki.ec()), CA, KeyFormat.PKCS8);
    Path otherKey = dir.resolve("other.key");
    Files.writeString(otherKey, TestPki.pem(TestPki.ec().getPrivate(), KeyFormat.PKCS8));
    Path rsaKey = dir.resolve("rsa.key");
    Files.writeString(rsaKey, TestPki.pem(TestPki.rsa().getPrivate(), KeyFormat.TRADITIONAL));
    for (Path wrong : List.of(otherKey, rsaKey)) {
      assertThatThrownBy(() -> ServerTls.load(TlsSettings.of(files.cert(), wrong, null, null)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("private key " + wrong)
          .hasMessageContaining("does not match the certificate in " + files.cert());
    }
  }

  @Test
  void anEncryptedKeyIsRefusedSayingSo() throws Exception {
    Issued server = TestPki.server(CA, TestPki.rsa());
    IdentityFiles files = TestPki.write(dir, server, CA, KeyFormat.PKCS8);
    java.io.StringWriter out = new java.io.StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(
          new JcaPKCS8Generator(
              server.keys().getPrivate(),
              new JceOpenSSLPKCS8EncryptorBuilder(
                      PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC)
                  .setPassword("secret".toCharArray())
                  .build()));
    }
    Files.writeString(files.key(), out.toString());
    assertThatThrownBy(() -> ServerTls.load(TlsSettings.of(files.cert(), files.key(), null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("private key " + files.key())
        .hasMessageContaining("is encrypted");
  }

  @Test
  void anExpiredCertificateStillLoadsSoARenewalCanReplaceIt() {
    Issued expired =
        TestPki.leaf(
            CA,
            TestPki.ec(),
            "CN=localhost",
            Instant.now().minus(Duration.ofDays(30)),
            Instant.now().minus(Duration.ofDays(1)),
            List.of());
    IdentityFiles files = TestPki.write(dir, expired, CA, KeyFormat.PKCS8);
    ServerTls tls = ServerTls.load(TlsSettings.of(files.cert(), files.key(), null, null));
    assertThat(tls.certificate().getSerialNumber())
        .isEqualTo(expired.certificate().getSerialNumber());
  }

  @Test
  void clientAuthNeedsAClientCa() {
    IdentityFiles files = TestPki.write(dir, TestPki.server(CA, TestPki.ec()), CA, KeyFormat.PKCS8);
    assertThatThrownBy(() -> new TlsSettings(files.cert(), files.key(), null, ClientAuth.REQUIRE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tls-client-auth=require needs tls-client-ca");
    assertThat(TlsSettings.of(files.cert(), files.key(), dir, null).clientAuth())
        .isEqualTo(ClientAuth.OPTIONAL);
    assertThatThrownBy(() -> ClientAuth.parse("sometimes\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'sometimes\\u000a'");
  }

  @Test
  void aRenewedCertificateIsServedToNewConnectionsWithoutARestart() throws Exception {
    Issued first = TestPki.server(CA, TestPki.ec());
    IdentityFiles files = TestPki.write(dir, first, CA, KeyFormat.PKCS8);
    ServerTls tls =
        ServerTls.load(TlsSettings.of(files.cert(), files.key(), null, null), Duration.ZERO);
    try (SSLServerSocket listener = listen(tls)) {
      assertThat(handshake(listener)).isEqualTo(first.certificate().getSerialNumber());

      // cert-manager renews: a new key and certificate written in place
      Issued renewed = TestPki.server(CA, TestPki.rsa());
      TestPki.write(dir, renewed, CA, KeyFormat.TRADITIONAL);
      assertThat(handshake(listener)).isEqualTo(renewed.certificate().getSerialNumber());

      // a half-written renewal (a key that does not match yet) keeps the last good pair
      Files.writeString(files.key(), TestPki.pem(TestPki.ec().getPrivate(), KeyFormat.PKCS8));
      assertThat(handshake(listener)).isEqualTo(renewed.certificate().getSerialNumber());
      // and a file that vanished for a moment too
      Files.delete(files.cert());
      assertThat(handshake(listener)).isEqualTo(renewed.certificate().getSerialNumber());

      Issued third = TestPki.server(CA, TestPki.ec());
      TestPki.write(dir, third, CA, KeyFormat.PKCS8);
      assertThat(handshake(listener)).isEqualTo(third.certificate().getSerialNumber());
    }
  }

  private SSLServerSocket listen(ServerTls tls) throws Exception {
    SSLServerSocket s =
        (SSLServerSocket)
            tls.sslContext()
                .getServerSocketFactory()
                .createServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress());
    s.setSSLParameters(tls.parameters());
    return s;
  }

  /** One TLS handshake from a client trusting the CA; returns the serial the server showed. */
  private BigInteger handshake(SSLServerSocket listener) throws Exception {
    Thread acceptor =
        new Thread(
            () -> {
              try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                accepted.startHandshake();
                accepted.getOutputStream().write(1);
                accepted.getOutputStream().flush();
              } catch (java.io.IOException ignored) {
                // the client side asserts what happened
              }
            });
    acceptor.start();
    try (SSLSocket client =
        (SSLSocket)
            clientContext()
                .getSocketFactory()
                .createSocket(listener.getInetAddress(), listener.getLocalPort())) {
      javax.net.ssl.SSLParameters p = client.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS"); // checks the name: 127.0.0.1 is in the SANs
      client.setSSLParameters(p);
      client.startHandshake();
      assertThat(client.getInputStream().read()).isEqualTo(1);
      return ((X509Certificate) client.getSession().getPeerCertificates()[0]).getSerialNumber();
    } finally {
      acceptor.join(10_000);
    }
  }

  private SSLContext clientContext() throws Exception {
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", CA.certificate());
    TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
    f.init(trust);
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(null, f.getTrustManagers(), null);
    return c;
  }
}
