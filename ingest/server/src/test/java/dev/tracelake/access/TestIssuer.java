package dev.tracelake.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An OpenID Connect issuer for tests: a real HTTP server on a loopback port (the JDK's) publishing
 * a discovery document and a key set (JWKS) of keys made here with Nimbus, one RSA and one EC; it
 * mints tokens signed with them. Keys can be rotated and the server stopped, as a real issuer's
 * can.
 */
public final class TestIssuer implements AutoCloseable {
  public static final String AUDIENCE = "tracelake";
  private static final String REALM = "/realms/test";

  public final RSAKey rsa;
  public final ECKey ec;
  private final List<JWK> published = new CopyOnWriteArrayList<>();
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private final int port;
  private volatile HttpServer server;

  private TestIssuer(int port) {
    try {
      rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
      ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    published.add(rsa.toPublicJWK());
    published.add(ec.toPublicJWK());
    this.port = port;
  }

  /** Starts an issuer on a free loopback port. */
  public static TestIssuer start() {
    TestIssuer issuer = new TestIssuer(0);
    issuer.up(0);
    return issuer;
  }

  /** An issuer whose address answers nothing (its server is not running). */
  public static TestIssuer down() {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, loopback())) {
      port = probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TestIssuer(port);
  }

  private static java.net.InetAddress loopback() {
    return java.net.InetAddress.getLoopbackAddress();
  }

  private void up(int at) {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(loopback(), at), 16);
      s.createContext(
          REALM + "/.well-known/openid-configuration",
          ex ->
              reply(
                  ex,
                  "{\"issuer\":\""
                      + issuer()
                      + "\",\"jwks_uri\":\""
                      + issuer()
                      + "/protocol/openid-connect/certs\",\"id_token_signing_alg_values_supported\":"
                      + "[\"RS256\",\"ES256\"]}"));
      s.createContext(
          REALM + "/protocol/openid-connect/certs",
          ex -> {
            jwksFetches.incrementAndGet();
            reply(ex, new JWKSet(new ArrayList<>(published)).toString());
          });
      s.start();
      server = s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void reply(HttpExchange ex, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The issuer, as tokens carry it in {@code iss}. */
  public String issuer() {
    return "http://127.0.0.1:" + port() + REALM;
  }

  public String jwksUrl() {
    return issuer() + "/protocol/openid-connect/certs";
  }

  int port() {
    return server != null ? server.getAddress().getPort() : port;
  }

  /** How many times the key set was fetched. */
  public int jwksFetches() {
    return jwksFetches.get();
  }

  /** Publishes a new RSA key (the issuer rotated its keys) and returns it. */
  public RSAKey rotate(String kid) {
    try {
      RSAKey fresh = new RSAKeyGenerator(2048).keyID(kid).generate();
      published.add(fresh.toPublicJWK());
      return fresh;
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops answering, as an issuer that went down. */
  public void stop() {
    HttpServer s = server;
    if (s != null) {
      s.stop(0);
    }
  }

  /** The usual claims: this issuer, our audience, {@code sub}, ten minutes to live. */
  public JWTClaimsSet.Builder claims(String subject) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(issuer())
        .audience(AUDIENCE)
        .subject(subject)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))));
  }

  /** A token for {@code subject} signed with the RSA key (RS256). */
  public String token(String subject) {
    return token(subject, c -> {});
  }

  /** A token for {@code subject} with the usual claims changed by {@code change}, RS256. */
  public String token(String subject, Consumer<JWTClaimsSet.Builder> change) {
    JWTClaimsSet.Builder b = claims(subject);
    change.accept(b);
    return sign(rsa, JWSAlgorithm.RS256, b.build());
  }

  /** Signs {@code claims} with {@code key} (RSA or EC) and {@code alg}. */
  public static String sign(JWK key, JWSAlgorithm alg, JWTClaimsSet claims) {
    try {
      JWSSigner signer =
          key instanceof RSAKey r ? new RSASSASigner(r) : new ECDSASigner((ECKey) key);
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
              claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
