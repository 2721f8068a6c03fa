package dev.tracelake.access;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where an organization's identity provider publishes its keys, and how its tokens map to
 * principals: the settings of {@link OidcVerifier}.
 *
 * @param issuer the issuer, exactly as tokens carry it in {@code iss}; its keys are found through
 *     {@code <issuer>/.well-known/openid-configuration} unless {@code jwksUrl} is given
 * @param audience the audience a token must name in {@code aud} (this server)
 * @param jwksUrl the issuer's key set, or null to discover it
 * @param principalClaim the claim naming the principal ({@code sub}, {@code email}, ...)
 * @param rolesClaim the claim listing roles, or null: each value naming an existing Tracelake role
 *     makes the principal a member of that role for the token's life; a dotted path ({@code
 *     realm_access.roles}) reaches into an object when no claim has the whole name
 * @param refreshInterval the least time between two fetches of the key set (or of the discovery
 *     document), so tokens with made-up key ids cannot make this server hammer the issuer
 * @param timeout connect and read timeout of each fetch
 */
public record OidcSettings(
    URI issuer,
    String audience,
    URI jwksUrl,
    String principalClaim,
    String rolesClaim,
    Duration refreshInterval,
    Duration timeout) {
  /** The principal claim when none is configured. */
  public static final String DEFAULT_PRINCIPAL_CLAIM = "sub";

  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private static final Pattern CLAIM = Pattern.compile("[\\x21-\\x7e]{1,200}");

  public OidcSettings {
    Objects.requireNonNull(issuer, "issuer");
    checkUrl("issuer", issuer);
    if (issuer.getRawQuery() != null || issuer.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "OIDC issuer '" + issuer + "' must not have a query or a fragment");
    }
    if (audience == null || audience.isBlank()) {
      throw new IllegalArgumentException(
          "OIDC audience is required with an issuer: tokens must name this server in 'aud'"
              + " (e.g. the client id registered at "
              + issuer
              + ")");
    }
    audience = audience.strip();
    if (jwksUrl != null) {
      checkUrl("JWKS URL", jwksUrl);
    }
    principalClaim =
        principalClaim == null || principalClaim.isBlank()
            ? DEFAULT_PRINCIPAL_CLAIM
            : claim("principal claim", principalClaim);
    rolesClaim =
        rolesClaim == null || rolesClaim.isBlank() ? null : claim("roles claim", rolesClaim);
    refreshInterval = refreshInterval == null ? DEFAULT_REFRESH_INTERVAL : refreshInterval;
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    if (refreshInterval.isNegative() || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "OIDC refresh interval and timeout must be positive, got "
              + refreshInterval
              + " and "
              + timeout);
    }
  }

  /**
   * Settings with the defaults: keys discovered from the issuer, principal from {@code sub}, no
   * roles claim.
   *
   * @throws IllegalArgumentException naming the value when the issuer is not an https URL (http
   *     only on loopback) or the audience is empty
   */
  public static OidcSettings of(String issuer, String audience) {
    return new OidcSettings(uri("issuer", issuer), audience, null, null, null, null, null);
  }

  /** These settings with the key set at {@code url} instead of discovering it. */
  public OidcSettings withJwksUrl(String url) {
    return new OidcSettings(
        issuer,
        audience,
        url == null || url.isBlank() ? null : uri("JWKS URL", url),
        principalClaim,
        rolesClaim,
        refreshInterval,
        timeout);
  }

  /** These settings with the principal named by {@code claim}. */
  public OidcSettings withPrincipalClaim(String claim) {
    return new OidcSettings(issuer, audience, jwksUrl, claim, rolesClaim, refreshInterval, timeout);
  }

  /** These settings with roles listed in {@code claim} (null: none). */
  public OidcSettings withRolesClaim(String claim) {
    return new OidcSettings(
        issuer, audience, jwksUrl, principalClaim, claim, refreshInterval, timeout);
  }

  /** These settings with another least time between fetches of the issuer's keys. */
  public OidcSettings withRefreshInterval(Duration interval) {
    return new OidcSettings(
        issuer, audience, jwksUrl, principalClaim, rolesClaim, interval, timeout);
  }

  /** The discovery document's address. */
  URI discoveryUrl() {
    String base = issuer.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + "/.well-known/openid-configuration");
  }

  static URI uri(String what, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("OIDC " + what + " is empty");
    }
    try {
      return new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "OIDC " + what + " '" + AccessNames.cap(text) + "' is not a URL: " + e.getReason(), e);
    }
  }

  /**
   * Checks that keys come over https: a key set fetched in the clear could be swapped by anyone on
   * the path, and with it every identity. Plain http is allowed on loopback only (a test issuer, a
   * sidecar).
   */
  static void checkUrl(String what, URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (url.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException(
          "OIDC " + what + " '" + AccessNames.cap(url.toString()) + "' must be an https URL");
    }
    if (scheme.equals("http") && !loopback(url.getHost())) {
      throw new IllegalArgumentException(
          "OIDC "
              + what
              + " '"
              + AccessNames.cap(url.toString())
              + "' must use https (plain http only on a loopback address)");
    }
  }

  private static boolean loopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    // only literal addresses: a name is not resolved, so DNS cannot make a host look local
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String claim(String what, String name) {
    String n = name.strip();
    if (!CLAIM.matcher(n).matches()) {
      throw new IllegalArgumentException(
          "OIDC " + what + " '" + AccessNames.cap(name) + "' is not a valid claim name");
    }
    return n;
  }
}
