package dev.tracelake.icebergrest;

import dev.tracelake.access.Principal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Short-lived bearer tokens issued by the OAuth2 client-credentials exchange ({@code POST
 * /v1/oauth/tokens}), each standing for the principal whose credentials bought it. Kept in memory
 * and bounded: a client whose token is unknown (another replica, a restart) gets 401 and repeats
 * the exchange, as Iceberg's REST client does by itself.
 */
final class AccessTokens {
  private static final int MAX_TOKENS = 10_000;

  /**
   * @param notAfter the latest any token exchanged for this one may live: the OIDC token it was
   *     bought with expires then (Instant.MAX otherwise)
   */
  private record Issued(Principal principal, Instant expires, Instant notAfter) {}

  private final Map<String, Issued> tokens = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Duration lifetime;
  private final Clock clock;

  AccessTokens(Duration lifetime, Clock clock) {
    this.lifetime = lifetime;
    this.clock = clock;
  }

  Duration lifetime() {
    return lifetime;
  }

  String issue(Principal principal) {
    return issue(principal, Instant.MAX);
  }

  /** Issues a token for {@code principal} that lives no later than {@code notAfter}. */
  String issue(Principal principal, Instant notAfter) {
    if (tokens.size() >= MAX_TOKENS) {
      evictExpired();
      if (tokens.size() >= MAX_TOKENS) {
        // drop an arbitrary token: its client re-authenticates on its next 401
        Iterator<String> it = tokens.keySet().iterator();
        if (it.hasNext()) {
          tokens.remove(it.next());
        }
      }
    }
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    String token = "tla_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Instant expires = clock.instant().plus(lifetime);
    tokens.put(
        token, new Issued(principal, notAfter.isBefore(expires) ? notAfter : expires, notAfter));
    return token;
  }

  /** How long an issued token has left to live (zero when it is unknown or expired). */
  Duration remaining(String token) {
    Issued issued = token == null ? null : tokens.get(token);
    if (issued == null) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(clock.instant(), issued.expires());
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** The latest a token exchanged for {@code token} may live (Instant.MAX without a limit). */
  Instant notAfter(String token) {
    Issued issued = token == null ? null : tokens.get(token);
    return issued == null ? Instant.MAX : issued.notAfter();
  }

  Optional<Principal> principal(String token) {
    Issued issued = tokens.get(token);
    if (issued == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(issued.expires())) {
      tokens.remove(token);
      return Optional.empty();
    }
    return Optional.of(issued.principal());
  }

  private void evictExpired() {
    Instant now = clock.instant();
    tokens.entrySet().removeIf(e -> !now.isBefore(e.getValue().expires()));
  }
}
