package dev.tracelake.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tracelake.lake.TableName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OIDC tokens against a real issuer on a loopback port ({@link TestIssuer}) with keys made in the
 * test: what is accepted, and every way a token must be refused.
 */
class OidcVerifierTest {
  private static final TableName FEATURES = TableName.parse("fraud.features");

  @TempDir Path dir;
  TestIssuer issuer;
  AccessStore store;
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

  @BeforeEach
  void start() {
    issuer = TestIssuer.start();
    store =
        AccessStore.open(
            "jdbc:sqlite:" + dir.resolve("catalog.db"), new Properties(), Clock.systemUTC());
    store.grant("fraud-reader", Privilege.READ, Scope.parse("fraud"));
    store.grant("lake-admin", Privilege.ADMIN, Scope.ALL);
  }

  @AfterEach
  void stop() {
    issuer.close();
  }

  Clock clock() {
    return new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
  }

  OidcSettings settings() {
    return OidcSettings.of(issuer.issuer(), TestIssuer.AUDIENCE);
  }

  AccessControl control(OidcSettings settings) {
    return new AccessControl(
        store,
        LocalCredential.of("tl_local_token_0123456789"),
        OidcVerifier.start(settings, clock()),
        clock());
  }

  AccessControl control() {
    return control(settings());
  }

  @Test
  void aTokenOfTheIssuerAuthenticatesItsSubjectWithRsaAndWithEcKeys() {
    AccessControl control = control();
    Optional<Principal> rsa = control.authenticate(issuer.token("alice@example.com"));
    assertThat(rsa).isPresent();
    assertThat(rsa.get().name()).isEqualTo("alice@example.com");
    assertThat(rsa.get().credential()).isEqualTo(Principal.Credential.OIDC);
    assertThat(rsa.get().user()).isEqualTo("oidc");

    String es256 =
        TestIssuer.sign(
            issuer.ec, JWSAlgorithm.ES256, issuer.claims("bob").claim("azp", "spark").build());
    Optional<Principal> ec = control.authenticate(es256);
    assertThat(ec.map(Principal::name)).contains("bob");
    assertThat(ec.get().user()).isEqualTo("oidc:spark");
    // discovery found the key set through the issuer's well-known document
    assertThat(issuer.jwksFetches()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void theKeySetUrlCanBeGivenInsteadOfDiscovered() {
    AccessControl control = control(settings().withJwksUrl(issuer.jwksUrl()));
    assertThat(control.authenticate(issuer.token("alice"))).isPresent();
  }

  @Test
  void theIssuerAudienceExpiryAndNotBeforeAreChecked() {
    AccessControl control = control();
    Instant t = now.get();
    assertThat(control.authenticate(issuer.token("a", c -> c.issuer("https://evil.example"))))
        .isEmpty();
    assertThat(control.authenticate(issuer.token("a", c -> c.audience("another-service"))))
        .isEmpty();
    assertThat(control.authenticate(issuer.token("a", c -> c.audience(List.of())))).isEmpty();
    assertThat(
            control.authenticate(
                issuer.token("a", c -> c.expirationTime(Date.from(t.minusSeconds(120))))))
        .as("expired beyond the clock skew")
        .isEmpty();
    assertThat(control.authenticate(issuer.token("a", c -> c.expirationTime(null))))
        .as("exp is required")
        .isEmpty();
    assertThat(
            control.authenticate(
                issuer.token("a", c -> c.notBeforeTime(Date.from(t.plusSeconds(300))))))
        .as("not yet valid")
        .isEmpty();
    // within the 60 s skew both ways: accepted
    assertThat(
            control.authenticate(
                issuer.token("a", c -> c.expirationTime(Date.from(t.minusSeconds(30))))))
        .isPresent();
    assertThat(
            control.authenticate(
                issuer.token("b", c -> c.notBeforeTime(Date.from(t.plusSeconds(30))))))
        .isPresent();
    // an audience list naming us among others is accepted
    assertThat(
            control.authenticate(
                issuer.token("c", c -> c.audience(List.of("other", TestIssuer.AUDIENCE)))))
        .isPresent();
  }

  @Test
  void aValidatedTokenIsNotRememberedPastItsLife() {
    AccessControl control = control();
    String token =
        issuer.token("alice", c -> c.expirationTime(Date.from(now.get().plusSeconds(30))));
    assertThat(control.authenticate(token)).isPresent();
    now.set(now.get().plusSeconds(120)); // past exp and the skew
    assertThat(control.authenticate(token)).isEmpty();
  }

  @Test
  void algorithmConfusionUnsignedAndTamperedTokensAreRefused() throws Exception {
    AccessControl control = control();
    JWTClaimsSet claims = issuer.claims("mallory").build();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String payload = b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));

    String none =
        b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + payload
            + ".";
    assertThat(control.authenticate(none)).isEmpty();
    assertThat(control.authenticate(none + "c2ln")).isEmpty();

    // HS256 with the issuer's PUBLIC key as the HMAC secret: the classic confusion attack
    RSAKey pub = issuer.rsa.toPublicJWK();
    SignedJWT hs =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256)
                .keyID(pub.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    hs.sign(new MACSigner(pub.toRSAPublicKey().getEncoded()));
    assertThat(control.authenticate(hs.serialize())).isEmpty();
    SignedJWT hsJwk =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(pub.getKeyID()).build(), claims);
    hsJwk.sign(new MACSigner(pub.toJSONString().getBytes(StandardCharsets.UTF_8)));
    assertThat(control.authenticate(hsJwk.serialize())).isEmpty();

    // a valid token whose payload is swapped for another principal's
    String valid = issuer.token("mallory");
    String[] parts = valid.split("\\.");
    String admin =
        b64.encodeToString(
            issuer.claims("lake-admin-person").build().toString().getBytes(StandardCharsets.UTF_8));
    assertThat(control.authenticate(parts[0] + "." + admin + "." + parts[2])).isEmpty();
    // a signature bit flipped
    char last = parts[2].charAt(5);
    String flipped = parts[2].substring(0, 5) + (last == 'A' ? 'B' : 'A') + parts[2].substring(6);
    assertThat(control.authenticate(parts[0] + "." + parts[1] + "." + flipped)).isEmpty();
    assertThat(control.authenticate(valid)).isPresent();
  }

  @Test
  void aTokenSignedByAKeyTheIssuerDoesNotPublishIsRefused() throws Exception {
    AccessControl control = control();
    RSAKey stranger = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("rsa-1").generate();
    assertThat(
            control.authenticate(
                TestIssuer.sign(stranger, JWSAlgorithm.RS256, issuer.claims("x").build())))
        .as("same kid, another key")
        .isEmpty();
    RSAKey unknown = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("nope").generate();
    assertThat(
            control.authenticate(
                TestIssuer.sign(unknown, JWSAlgorithm.RS256, issuer.claims("x").build())))
        .as("unknown kid")
        .isEmpty();
  }

  @Test
  void aRotatedKeyIsAcceptedOnceTheKeySetIsFetchedAgain() {
    AccessControl control = control(settings().withRefreshInterval(Duration.ZERO));
    assertThat(control.authenticate(issuer.token("alice"))).isPresent();
    RSAKey next;
    try {
      next = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("rsa-2").generate();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
    String early = TestIssuer.sign(next, JWSAlgorithm.RS256, issuer.claims("alice").build());
    assertThat(control.authenticate(early)).as("not published yet").isEmpty();

    RSAKey rotated = issuer.rotate("rsa-3");
    int before = issuer.jwksFetches();
    String fresh = TestIssuer.sign(rotated, JWSAlgorithm.RS256, issuer.claims("carol").build());
    assertThat(control.authenticate(fresh).map(Principal::name)).contains("carol");
    assertThat(issuer.jwksFetches()).isGreaterThan(before);
  }

  @Test
  void madeUpKeyIdsDoNotMakeTheServerHammerTheIssuer() throws Exception {
    // the default refresh interval (30 s): one fetch at start, at most one more for unknown kids
    AccessControl control = control();
    int atStart = issuer.jwksFetches();
    for (int i = 0; i < 20; i++) {
      RSAKey k = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("kid-" + i).generate();
      assertThat(
              control.authenticate(
                  TestIssuer.sign(k, JWSAlgorithm.RS256, issuer.claims("x").build())))
          .isEmpty();
    }
    assertThat(issuer.jwksFetches() - atStart).isLessThanOrEqualTo(1);
  }

  @Test
  void hugeMalformedAndOddlyEncodedTokensAreRefusedWithoutHarm() {
    AccessControl control = control();
    String valid = issuer.token("alice");
    assertThat(control.authenticate(valid + "A".repeat(OidcVerifier.MAX_TOKEN_LENGTH))).isEmpty();
    assertThat(control.authenticate("a.b.c")).isEmpty();
    assertThat(control.authenticate("..")).isEmpty();
    assertThat(control.authenticate("eyJ.eyJ.")).isEmpty();
    assertThat(control.authenticate(valid.replace('.', ' '))).isEmpty();
    assertThat(control.authenticate(valid + "\u0000")).isEmpty();
    assertThat(control.authenticate(valid.substring(0, 10) + "é" + valid.substring(11))).isEmpty();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String[] parts = valid.split("\\.");
    assertThat(
            control.authenticate(
                parts[0]
                    + "."
                    + b64.encodeToString("[[[[[[[[[[".repeat(500).getBytes(StandardCharsets.UTF_8))
                    + "."
                    + parts[2]))
        .isEmpty();
  }

  @Test
  void principalClaimsThatAreNotValidNamesAreRefused() {
    AccessControl control = control();
    for (String bad :
        List.of("alice\u0000", "bob\nadmin", "josé@example.com", "", " alice", "a".repeat(200))) {
      assertThat(control.authenticate(issuer.token(bad))).as(bad).isEmpty();
    }
    assertThat(control.authenticate(issuer.token("x", c -> c.subject(null)))).isEmpty();
    AccessControl byEmail = control(settings().withPrincipalClaim("email"));
    assertThat(byEmail.authenticate(issuer.token("uuid-1"))).as("email claim missing").isEmpty();
    assertThat(byEmail.authenticate(issuer.token("uuid-1", c -> c.claim("email", List.of("a")))))
        .as("not a string")
        .isEmpty();
    assertThat(
            byEmail
                .authenticate(issuer.token("uuid-1", c -> c.claim("email", "dana@example.com")))
                .map(Principal::name))
        .contains("dana@example.com");
  }

  @Test
  void aTokenNamingLocalNeverBecomesTheServer() {
    AccessControl control = control();
    for (String name : List.of("local", "LOCAL", "Local")) {
      assertThat(control.authenticate(issuer.token(name))).as(name).isEmpty();
    }
    // second layer: even a principal named 'local' that did not come from the server's own
    // credential holds nothing
    for (Principal.Credential c :
        List.of(Principal.Credential.OIDC, Principal.Credential.ISSUED_TOKEN)) {
      Grants g = control.grants(new Principal("local", "", c, List.of("lake-admin")));
      assertThat(g.superuser()).isFalse();
      assertThat(g.holds(Privilege.READ, FEATURES)).isFalse();
    }
    Principal server = control.authenticate("tl_local_token_0123456789").orElseThrow();
    assertThat(server.isServer()).isTrue();
    assertThat(control.grants(server).superuser()).isTrue();
  }

  @Test
  void rolesInTheRolesClaimThatExistAreGrantedAndOthersIgnored() {
    AccessControl control = control(settings().withRolesClaim("groups"));
    String token =
        issuer.token(
            "erin",
            c ->
                c.claim(
                    "groups",
                    List.of("fraud-reader", "no-such-role", "/team/x", "bad\u0000role", "")));
    Principal erin = control.authenticate(token).orElseThrow();
    assertThat(erin.claimedRoles()).containsExactly("fraud-reader", "no-such-role");
    Grants g = control.grants(erin);
    assertThat(g.roles()).containsExactly("fraud-reader");
    assertThat(g.holds(Privilege.READ, FEATURES)).isTrue();
    assertThat(g.holds(Privilege.ADMIN, FEATURES)).isFalse();

    // the same principal without the claim holds nothing: the cache keys on the claimed roles
    Principal bare = control.authenticate(issuer.token("erin")).orElseThrow();
    assertThat(control.grants(bare).holds(Privilege.READ, FEATURES)).isFalse();
    assertThat(control.grants(erin).holds(Privilege.READ, FEATURES)).isTrue();

    // stored memberships still count, alongside claimed ones
    store.assign("lake-admin", "frank");
    Principal frank =
        control
            .authenticate(issuer.token("frank", c -> c.claim("groups", "fraud-reader")))
            .orElseThrow();
    assertThat(control.grants(frank).roles())
        .containsExactlyInAnyOrder("lake-admin", "fraud-reader");
  }

  @Test
  void aNestedRolesClaimIsReachedByItsDottedPath() {
    AccessControl control = control(settings().withRolesClaim("realm_access.roles"));
    Principal p =
        control
            .authenticate(
                issuer.token(
                    "gina", c -> c.claim("realm_access", Map.of("roles", List.of("fraud-reader")))))
            .orElseThrow();
    assertThat(control.grants(p).holds(Privilege.READ, FEATURES)).isTrue();
  }

  @Test
  void anUnreachableIssuerRefusesTokensAndStartsAnyway() {
    TestIssuer gone = TestIssuer.down();
    AccessControl control = control(OidcSettings.of(gone.issuer(), TestIssuer.AUDIENCE));
    assertThat(control.authenticate(gone.token("alice"))).isEmpty();
    // the server's own token still works
    assertThat(control.authenticate("tl_local_token_0123456789")).isPresent();
    // keys given directly but unreachable: refused too
    AccessControl direct =
        control(OidcSettings.of(gone.issuer(), TestIssuer.AUDIENCE).withJwksUrl(gone.jwksUrl()));
    assertThat(direct.authenticate(gone.token("alice"))).isEmpty();
  }

  @Test
  void anIssuerThatGoesDownKeepsRefusingWhatItDidNotSign() throws Exception {
    AccessControl control = control(settings().withRefreshInterval(Duration.ZERO));
    assertThat(control.authenticate(issuer.token("alice"))).isPresent();
    issuer.stop();
    RSAKey forged = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("rsa-9").generate();
    assertThat(
            control.authenticate(
                TestIssuer.sign(forged, JWSAlgorithm.RS256, issuer.claims("alice").build())))
        .isEmpty();
  }

  @Test
  void settingsRefuseClearTextIssuersAndMissingAudiences() {
    assertThatThrownBy(() -> OidcSettings.of("http://idp.example.com/realms/x", "tracelake"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must use https")
        .hasMessageContaining("http://idp.example.com/realms/x");
    assertThatThrownBy(() -> OidcSettings.of("https://idp.example.com", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("audience is required");
    assertThatThrownBy(() -> OidcSettings.of("ftp://idp.example.com", "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be an https URL");
    assertThatThrownBy(
            () -> OidcSettings.of("https://idp.example.com", "a").withJwksUrl("http://10.0.0.1/k"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JWKS URL");
    assertThatThrownBy(
            () -> OidcSettings.of("https://idp.example.com", "a").withPrincipalClaim("e mail"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a valid claim name");
    assertThat(OidcSettings.of("http://localhost:8080/realms/x", "a").principalClaim())
        .isEqualTo("sub");
    assertThat(OidcSettings.of("https://accounts.google.com", "a").discoveryUrl())
        .hasToString("https://accounts.google.com/.well-known/openid-configuration");
  }

  @Test
  void aDiscoveryDocumentNamingAnotherIssuerIsNotTrusted() {
    // the configured issuer differs from what the document says (a trailing slash)
    AccessControl control = control(OidcSettings.of(issuer.issuer() + "/", TestIssuer.AUDIENCE));
    assertThat(control.authenticate(issuer.token("alice", c -> c.issuer(issuer.issuer() + "/"))))
        .isEmpty();
  }

  @Test
  void issuedTokensAndJwtsDoNotCollide() {
    AccessControl control = control();
    IssuedToken t = store.issue("svc", PrincipalKind.SERVICE, null, "");
    assertThat(OidcVerifier.looksLikeJwt(t.secret())).isFalse();
    assertThat(control.authenticate(t.secret()).map(Principal::credential))
        .contains(Principal.Credential.ISSUED_TOKEN);
    assertThat(OidcVerifier.looksLikeJwt(issuer.token("alice"))).isTrue();
  }
}
