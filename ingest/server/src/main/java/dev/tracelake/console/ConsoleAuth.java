package dev.tracelake.console;

import dev.tracelake.access.AuditEvent;
import dev.tracelake.access.Authenticator;
import dev.tracelake.access.Principal;
import dev.tracelake.access.TableAccess;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.ValueAccess;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The console's one authentication filter. Secrets are checked by the server's {@link
 * Authenticator} (the access seam every door shares: today the server token, {@code
 * <warehouse>/.tracelake/token}); the console never compares a secret itself.
 *
 * <p>A browser signs in once with the token (in the address {@code ?key=}, or typed into the
 * sign-in form) and then holds only a session: a random id in an HttpOnly, SameSite=Strict cookie,
 * mapped here to its principal, that expires after {@link #SESSION_LIFETIME} and never reveals the
 * token (which also opens the PostgreSQL and REST doors). Scripts send the token as {@code
 * Authorization: Bearer}. The console answers only requests whose {@code Host} names this server
 * (so a web page on another origin cannot reach it by DNS rebinding).
 */
final class ConsoleAuth {
  static final String COOKIE = "tracelake_console";
  static final String KEY_PARAM = "key";

  /** How long a browser stays signed in. */
  static final Duration SESSION_LIFETIME = Duration.ofHours(12);

  /** The most sessions held; beyond it the oldest is dropped (its browser signs in again). */
  static final int MAX_SESSIONS = 10_000;

  /** The user name the console presents to the authenticator, for its logs. */
  static final String USER = "console";

  private record Session(ConsolePrincipal who, Instant expires) {}

  private final Authenticator authenticator;
  private final TableAccess tables;
  private final Set<String> hosts;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();

  private ConsoleAuth(
      Authenticator authenticator, TableAccess tables, Set<String> hosts, Clock clock) {
    this.authenticator = authenticator;
    this.tables = tables;
    this.hosts = hosts;
    this.clock = clock;
  }

  /**
   * Returns the filter for a server bound to {@code bound}; {@code anyHost} accepts every Host
   * header (a server bound to a non-loopback address on purpose).
   */
  static ConsoleAuth of(
      Authenticator authenticator, TableAccess tables, InetSocketAddress bound, boolean anyHost) {
    int port = bound.getPort();
    Set<String> hosts = null;
    if (!anyHost) {
      hosts = new HashSet<>();
      hosts.add("127.0.0.1:" + port);
      hosts.add("localhost:" + port);
      hosts.add("[::1]:" + port);
      String bound4or6 = bound.getAddress().getHostAddress();
      hosts.add((bound4or6.contains(":") ? "[" + bound4or6 + "]" : bound4or6) + ":" + port);
    }
    return new ConsoleAuth(authenticator, tables, hosts, Clock.systemUTC());
  }

  /** Returns a fresh random key: 256 bits, URL-safe. */
  static String newKey() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Returns whether the request's Host header names this server. */
  boolean hostAllowed(Request request) {
    if (hosts == null) {
      return true;
    }
    String host = request.getHeaders().get(HttpHeader.HOST);
    return host != null && hosts.contains(host.toLowerCase(Locale.ROOT));
  }

  /** Returns who sends the request, or empty when it carries no valid token or session. */
  Optional<ConsolePrincipal> principal(Request request) {
    String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return authenticate(auth.substring(7).strip());
    }
    List<HttpCookie> cookies = Request.getCookies(request);
    for (HttpCookie c : cookies) {
      if (COOKIE.equals(c.getName())) {
        Session s = c.getValue() == null ? null : sessions.get(c.getValue());
        if (s != null && s.expires().isAfter(clock.instant())) {
          return Optional.of(s.who());
        }
      }
    }
    return Optional.empty();
  }

  /** Returns the principal a token authenticates, or empty when it is not valid. */
  Optional<ConsolePrincipal> authenticate(String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    return authenticator.authenticateToken(USER, token).map(this::consolePrincipal);
  }

  /** The principal with the tables whose values it may see, as the server's table access says. */
  private ConsolePrincipal consolePrincipal(Principal p) {
    dev.tracelake.query.TableGate gate = tables.gate(p);
    return new ConsolePrincipal(
        p.name(),
        ValueAccess.of(table -> tables.canRead(p, TableName.parse(table))),
        table -> gate.sees(TableName.parse(table)));
  }

  /**
   * Opens a session for {@code who}, signed in with {@code token}, and returns its id. The session
   * ends with the token when that is an OIDC token expiring sooner than a session.
   */
  String openSession(ConsolePrincipal who, String token) {
    Instant until = clock.instant().plus(SESSION_LIFETIME);
    Instant tokenEnds = dev.tracelake.access.OidcVerifier.expiryOf(token).orElse(until);
    return openSession(who, tokenEnds.isBefore(until) ? tokenEnds : until);
  }

  /** Opens a session for {@code who} and returns its id, the cookie's value. */
  String openSession(ConsolePrincipal who) {
    return openSession(who, clock.instant().plus(SESSION_LIFETIME));
  }

  private String openSession(ConsolePrincipal who, Instant expires) {
    Instant now = clock.instant();
    if (sessions.size() >= MAX_SESSIONS) {
      sessions.values().removeIf(s -> !s.expires().isAfter(now));
      while (sessions.size() >= MAX_SESSIONS) {
        sessions.entrySet().stream()
            .min((a, b) -> a.getValue().expires().compareTo(b.getValue().expires()))
            .ifPresent(oldest -> sessions.remove(oldest.getKey()));
      }
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    sessions.put(id, new Session(who, expires));
    return id;
  }

  /** Ends the session a request's cookie names, if any. */
  void closeSession(Request request) {
    for (HttpCookie c : Request.getCookies(request)) {
      if (COOKIE.equals(c.getName()) && c.getValue() != null) {
        sessions.remove(c.getValue());
      }
    }
  }

  /**
   * Returns the cookie that keeps a browser signed in with session {@code id}; over HTTPS marked
   * {@code Secure}, so a browser never sends it over plaintext.
   */
  HttpCookie cookie(String id, boolean secure) {
    return HttpCookie.build(COOKIE, id)
        .path("/")
        .httpOnly(true)
        .secure(secure)
        .sameSite(HttpCookie.SameSite.STRICT)
        .maxAge(SESSION_LIFETIME.toSeconds())
        .build();
  }

  /** Returns the cookie that removes the session cookie (signing out). */
  HttpCookie expiredCookie(boolean secure) {
    return HttpCookie.build(COOKIE, "")
        .path("/")
        .httpOnly(true)
        .secure(secure)
        .sameSite(HttpCookie.SameSite.STRICT)
        .maxAge(0)
        .build();
  }

  /** Records a console action in the server's audit log (nothing without access control). */
  void audit(AuditEvent event) {
    tables.audit(event);
  }
}
