package dev.tracelake.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates OIDC/JWT bearer tokens against an issuer's published keys (its JWKS), with Nimbus
 * JOSE+JWT: the signature with an asymmetric algorithm only (RSA, RSA-PSS, ECDSA; never {@code
 * none} or HMAC, whose "key" would be the public key anyone can read), {@code iss}, {@code aud},
 * {@code exp} (required) and {@code nbf} with {@link #CLOCK_SKEW} of tolerance.
 *
 * <p>Keys are fetched with timeouts, cached, and fetched again when a token names a key id the
 * cache lacks (the issuer rotated its keys), at most once per {@link
 * OidcSettings#refreshInterval()}. When the issuer cannot be reached, the server still starts and
 * every token is refused until keys load: a failed fetch never lets a token in.
 *
 * <p>Validated tokens are remembered for {@link AccessControl#CACHE_TTL}, never past their expiry.
 */
public final class OidcVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(OidcVerifier.class);

  /** The longest token looked at; a longer one is refused before it is parsed. */
  public static final int MAX_TOKEN_LENGTH = 16 * 1024;

  /** Tolerance for clocks that disagree, on {@code exp} and {@code nbf}. */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  /** The most role names taken from one token's roles claim. */
  static final int MAX_ROLES = 200;

  private static final int MAX_CACHED = 10_000;
  private static final int MAX_DOCUMENT_BYTES = 512 * 1024;
  private static final Duration KEY_CACHE_TTL = Duration.ofMinutes(5);

  /** Asymmetric algorithms only: see the class comment. */
  static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  /**
   * What a valid token says.
   *
   * @param principal the principal claim's value, a valid principal name
   * @param roles the role names in the roles claim (existing or not)
   * @param client the client the token was issued to ({@code azp} or {@code client_id}), or empty
   * @param expires when the token expires
   */
  record Identity(String principal, List<String> roles, String client, Instant expires) {
    Identity {
      roles = List.copyOf(roles);
    }
  }

  private record Cached(Identity identity, Instant until) {}

  private final OidcSettings settings;
  private final ResourceRetriever retriever;
  private final Clock clock;
  private final ConcurrentMap<String, Cached> verified = new ConcurrentHashMap<>();
  private final Object discoveryLock = new Object();

  /** Null until the key set's address is known (given, or discovered). */
  private volatile DefaultJWTProcessor<SecurityContext> processor;

  /** Guarded by discoveryLock. */
  private Instant lastDiscovery = Instant.MIN;

  private volatile Instant lastWarning = Instant.MIN;

  private OidcVerifier(OidcSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    int timeout = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
    this.retriever = new DefaultResourceRetriever(timeout, timeout, MAX_DOCUMENT_BYTES);
  }

  /**
   * Returns a verifier for {@code settings}, having tried to discover and load the issuer's keys.
   * An issuer that cannot be reached is logged as a warning and tried again when tokens arrive (at
   * most once per refresh interval); until then every token is refused.
   */
  public static OidcVerifier start(OidcSettings settings) {
    return start(settings, Clock.systemUTC());
  }

  /** As {@link #start(OidcSettings)}, judging {@code exp} and {@code nbf} by {@code clock}. */
  static OidcVerifier start(OidcSettings settings, Clock clock) {
    OidcVerifier v =
        new OidcVerifier(
            Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(clock, "clock"));
    v.prime();
    return v;
  }

  /** The settings in force. */
  public OidcSettings settings() {
    return settings;
  }

  /** Returns whether the keys' location is known and the key set could be loaded. */
  public boolean ready() {
    DefaultJWTProcessor<SecurityContext> p = processor;
    if (p == null) {
      return false;
    }
    try {
      return !((JWSVerificationKeySelector<SecurityContext>) p.getJWSKeySelector())
          .getJWKSource()
          .get(new JWKSelector(new JWKMatcher.Builder().build()), null)
          .isEmpty();
    } catch (KeySourceException e) {
      return false;
    }
  }

  /**
   * Returns whether {@code token} has the shape of a JWS compact serialization (three base64url
   * parts), so it is worth checking here; issued tokens ({@code tlk_...}) never have it.
   */
  public static boolean looksLikeJwt(String token) {
    if (token == null || token.length() > MAX_TOKEN_LENGTH || token.length() < 5) {
      return false;
    }
    int dots = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '.') {
        dots++;
      } else if (!((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_')) {
        return false;
      }
    }
    return dots == 2 && !token.startsWith(".") && !token.contains("..");
  }

  /**
   * Returns when a JWT expires, read from its claims WITHOUT checking them: only for a token an
   * authenticator has just accepted, so that what a door opens with it (a console session, a REST
   * access token) ends no later than the token itself.
   *
   * @return the token's {@code exp}, or empty when it is not a JWT or has none
   */
  public static Optional<Instant> expiryOf(String token) {
    if (!looksLikeJwt(token)) {
      return Optional.empty();
    }
    try {
      Date exp = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime();
      return Optional.ofNullable(exp).map(Date::toInstant);
    } catch (ParseException e) {
      return Optional.empty();
    }
  }

  /**
   * Validates a token.
   *
   * @return who it names, or empty when it is not valid (bad shape, signature, algorithm, issuer,
   *     audience, expired or not yet valid, principal claim missing or not a valid principal name,
   *     or the issuer's keys could not be loaded)
   */
  Optional<Identity> verify(String token) {
    if (!looksLikeJwt(token)) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    String key = AccessStore.hash(token);
    Cached hit = verified.get(key);
    if (hit != null) {
      if (now.isBefore(hit.until())) {
        return Optional.of(hit.identity());
      }
      verified.remove(key);
    }
    DefaultJWTProcessor<SecurityContext> p = processor;
    if (p == null) {
      discover();
      p = processor;
      if (p == null) {
        return Optional.empty();
      }
    }
    JWTClaimsSet claims;
    try {
      claims = p.process(SignedJWT.parse(token), null);
    } catch (RateLimitReachedException e) {
      // a key id the cache lacks, asked again within the refresh interval: not fetched again
      LOG.debug("OIDC token refused: unknown key, keys were fetched moments ago");
      return Optional.empty();
    } catch (KeySourceException e) {
      warn("Cannot load the keys of OIDC issuer " + settings.issuer() + ": " + e.getMessage());
      return Optional.empty();
    } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
      LOG.debug("OIDC token refused: {}", AccessNames.cap(e.getMessage()));
      return Optional.empty();
    }
    Optional<Identity> identity = identity(claims);
    identity.ifPresent(
        id -> {
          if (verified.size() >= MAX_CACHED) {
            verified.clear(); // a flood of distinct tokens costs verifications, not memory
          }
          Instant until = now.plus(AccessControl.CACHE_TTL);
          verified.put(key, new Cached(id, until.isBefore(id.expires()) ? until : id.expires()));
        });
    return identity;
  }

  private Optional<Identity> identity(JWTClaimsSet claims) {
    Object name = claims.getClaim(settings.principalClaim());
    if (!(name instanceof String text)) {
      LOG.debug("OIDC token refused: claim '{}' is not a string", settings.principalClaim());
      return Optional.empty();
    }
    try {
      // the same rules as stored principals: no control characters, and never 'local', the
      // server's own principal, whatever the issuer says
      AccessNames.principal(text);
    } catch (IllegalArgumentException e) {
      LOG.info("OIDC token refused: {}", e.getMessage());
      return Optional.empty();
    }
    return Optional.of(
        new Identity(text, roles(claims), client(claims), claims.getExpirationTime().toInstant()));
  }

  private List<String> roles(JWTClaimsSet claims) {
    String claim = settings.rolesClaim();
    if (claim == null) {
      return List.of();
    }
    Object value = claims.getClaim(claim);
    if (value == null && claim.contains(".")) {
      value = path(claims.getClaims(), claim);
    }
    Collection<?> values;
    if (value instanceof Collection<?> c) {
      values = c;
    } else if (value instanceof String s) {
      values = List.of(s.split("[\\s,]+")); // "a b" or "a,b", as scope-like claims list them
    } else {
      return List.of();
    }
    Set<String> seen = new HashSet<>();
    List<String> out = new ArrayList<>();
    for (Object v : values) {
      if (out.size() >= MAX_ROLES) {
        break;
      }
      if (v instanceof String role && isRoleName(role) && seen.add(role)) {
        out.add(role);
      }
    }
    return out;
  }

  private static Object path(Map<String, Object> claims, String dotted) {
    Object at = claims;
    for (String part : dotted.split("\\.")) {
      if (!(at instanceof Map<?, ?> m)) {
        return null;
      }
      at = m.get(part);
    }
    return at;
  }

  private static boolean isRoleName(String role) {
    try {
      AccessNames.role(role);
      return true;
    } catch (IllegalArgumentException e) {
      return false; // a group path or a name with spaces cannot name a Tracelake role
    }
  }

  private static String client(JWTClaimsSet claims) {
    for (String c : List.of("azp", "client_id")) {
      if (claims.getClaim(c) instanceof String s && isRoleName(s)) {
        return s;
      }
    }
    return "";
  }

  /** Loads the keys at start so a misconfiguration shows in the log at once. */
  private void prime() {
    discover();
    if (processor != null && !ready()) {
      warn(
          "OIDC issuer "
              + settings.issuer()
              + ": no keys could be loaded yet; tokens are refused until they can");
    } else if (processor != null) {
      LOG.info(
          "OIDC tokens of {} (audience {}) accepted; principal from claim '{}'{}",
          settings.issuer(),
          settings.audience(),
          settings.principalClaim(),
          settings.rolesClaim() == null
              ? ""
              : ", roles from claim '" + settings.rolesClaim() + "'");
    }
  }

  /** Finds the key set's address (at most once per refresh interval) and builds the processor. */
  private void discover() {
    synchronized (discoveryLock) {
      if (processor != null) {
        return;
      }
      Instant now = clock.instant();
      if (!lastDiscovery.equals(Instant.MIN)
          && now.isBefore(lastDiscovery.plus(settings.refreshInterval()))) {
        return;
      }
      lastDiscovery = now;
      try {
        URI jwks = settings.jwksUrl() != null ? settings.jwksUrl() : discoverJwks();
        processor = processor(jwks);
      } catch (IOException | ParseException | IllegalArgumentException e) {
        warn(
            "Cannot discover the keys of OIDC issuer "
                + settings.issuer()
                + " (tokens are refused until it can be reached): "
                + e.getMessage());
      }
    }
  }

  private URI discoverJwks() throws IOException, ParseException {
    URI url = settings.discoveryUrl();
    String body = retriever.retrieveResource(url.toURL()).getContent();
    Map<String, Object> doc = JSONObjectUtils.parse(body);
    Object issuer = doc.get("issuer");
    if (!settings.issuer().toString().equals(issuer)) {
      throw new IllegalArgumentException(
          "the discovery document at "
              + url
              + " names issuer '"
              + AccessNames.cap(String.valueOf(issuer))
              + "', not the configured '"
              + settings.issuer()
              + "' (they must match exactly, trailing slash included)");
    }
    if (!(doc.get("jwks_uri") instanceof String jwks)) {
      throw new IllegalArgumentException("the discovery document at " + url + " has no jwks_uri");
    }
    URI uri = OidcSettings.uri("jwks_uri", jwks);
    OidcSettings.checkUrl("jwks_uri", uri);
    return uri;
  }

  private DefaultJWTProcessor<SecurityContext> processor(URI jwks) throws MalformedURLException {
    JWKSourceBuilder<SecurityContext> keys =
        JWKSourceBuilder.<SecurityContext>create(jwks.toURL(), retriever)
            .cache(KEY_CACHE_TTL.toMillis(), settings.timeout().toMillis() * 3)
            .retrying(true);
    long interval = settings.refreshInterval().toMillis();
    keys = interval > 0 ? keys.rateLimited(interval) : keys.rateLimited(false);
    JWKSource<SecurityContext> source = keys.build();
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    // access tokens are typed JWT, at+jwt (RFC 9068) or not at all
    p.setJWSTypeVerifier(
        new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT,
            new JOSEObjectType("at+jwt"),
            new JOSEObjectType("application/at+jwt"),
            null));
    p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, source));
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            Set.of(settings.audience()),
            new JWTClaimsSet.Builder().issuer(settings.issuer().toString()).build(),
            Set.of("iss", "aud", "exp", settings.principalClaim()),
            null) {
          @Override
          protected Date currentTime() {
            return Date.from(clock.instant());
          }
        };
    claims.setMaxClockSkew((int) CLOCK_SKEW.toSeconds());
    p.setJWTClaimsSetVerifier(claims);
    return p;
  }

  /** Logs a warning at most once per refresh interval (a flood of tokens must not flood logs). */
  private void warn(String message) {
    Instant now = clock.instant();
    Instant last = lastWarning;
    if (last.equals(Instant.MIN) || !now.isBefore(last.plus(settings.refreshInterval()))) {
      lastWarning = now;
      LOG.warn(message);
    } else {
      LOG.debug(message);
    }
  }
}
