package dev.tracelake.console;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The console's one authentication filter; access control (principals, tokens, per-table
 * privileges) replaces {@link #principal} and nothing else.
 *
 * <p>Until then: the console binds loopback only (unless started insecure), answers only requests
 * whose {@code Host} names this server (so a web page on another origin cannot reach it by DNS
 * rebinding), and only to holders of the per-server key: printed in the address {@code tracelake
 * serve} shows, sent once as {@code ?key=}, then kept in an HttpOnly, SameSite=Strict cookie (or
 * sent as {@code Authorization: Bearer} by scripts). Every holder is {@link
 * ConsolePrincipal#LOCAL}.
 */
final class ConsoleAuth {
  static final String COOKIE = "tracelake_console";
  static final String KEY_PARAM = "key";

  private final byte[] key;
  private final Set<String> hosts;

  private ConsoleAuth(byte[] key, Set<String> hosts) {
    this.key = key;
    this.hosts = hosts;
  }

  /**
   * Returns the filter for a server bound to {@code bound} with {@code key}; {@code anyHost}
   * accepts every Host header (a server bound to a non-loopback address on purpose).
   */
  static ConsoleAuth of(String key, InetSocketAddress bound, boolean anyHost) {
    int port = bound.getPort();
    Set<String> hosts = null;
    if (!anyHost) {
      hosts = new java.util.HashSet<>();
      hosts.add("127.0.0.1:" + port);
      hosts.add("localhost:" + port);
      hosts.add("[::1]:" + port);
      String bound4or6 = bound.getAddress().getHostAddress();
      hosts.add((bound4or6.contains(":") ? "[" + bound4or6 + "]" : bound4or6) + ":" + port);
    }
    return new ConsoleAuth(key.getBytes(StandardCharsets.UTF_8), hosts);
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

  /** Returns who sends the request, or empty when it carries no valid key. */
  Optional<ConsolePrincipal> principal(Request request) {
    String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return matches(auth.substring(7).strip())
          ? Optional.of(ConsolePrincipal.LOCAL)
          : Optional.empty();
    }
    List<HttpCookie> cookies = Request.getCookies(request);
    for (HttpCookie c : cookies) {
      if (COOKIE.equals(c.getName()) && matches(c.getValue())) {
        return Optional.of(ConsolePrincipal.LOCAL);
      }
    }
    return Optional.empty();
  }

  /** Returns whether {@code candidate} is the key, in time independent of where they differ. */
  boolean matches(String candidate) {
    return candidate != null
        && MessageDigest.isEqual(key, candidate.getBytes(StandardCharsets.UTF_8));
  }

  /** Returns the cookie that keeps a browser signed in after it sent the key once. */
  HttpCookie cookie(String value) {
    return HttpCookie.build(COOKIE, value)
        .path("/")
        .httpOnly(true)
        .sameSite(HttpCookie.SameSite.STRICT)
        .build();
  }
}
