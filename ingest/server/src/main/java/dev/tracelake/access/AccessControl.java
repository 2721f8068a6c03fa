package dev.tracelake.access;

import dev.tracelake.lake.TableName;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The one access model behind every door (gRPC, the PostgreSQL endpoint, the Iceberg REST catalog,
 * OpenLineage, the console): authenticates bearer tokens (issued tokens from the {@link
 * AccessStore}, JWTs of a configured OIDC issuer through {@link OidcVerifier}, or the server's own
 * {@link LocalCredential}, which holds every privilege) and answers what a principal may do on a
 * table.
 *
 * <p>Answers are cached for {@link #CACHE_TTL} so a call costs no database round trip; a change
 * made through this instance (revocation, grant) takes effect at once, one made through another
 * replica within {@link #CACHE_TTL}.
 */
public final class AccessControl implements Authenticator, TableAccess {
  /** How long an authenticated token and a principal's grants are remembered. */
  public static final Duration CACHE_TTL = Duration.ofSeconds(5);

  private final AccessStore store;
  private final LocalCredential local;
  private final OidcVerifier oidc;
  private final Clock clock;
  private final ConcurrentMap<String, Cached<TokenInfo>> tokens = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Cached<Grants>> grants = new ConcurrentHashMap<>();
  private volatile CertificatePrincipals certificateNames = CertificatePrincipals.CN;

  private record Cached<T>(T value, Instant until) {}

  /**
   * @param store the issued tokens and grants
   * @param local the server's own token, or null for none
   */
  public AccessControl(AccessStore store, LocalCredential local, Clock clock) {
    this(store, local, null, clock);
  }

  /**
   * @param store the issued tokens and grants
   * @param local the server's own token, or null for none
   * @param oidc the validator of an identity provider's tokens, or null for none
   */
  public AccessControl(AccessStore store, LocalCredential local, OidcVerifier oidc, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.local = local;
    this.oidc = oidc;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The store, for managing tokens and grants. */
  public AccessStore store() {
    return store;
  }

  /**
   * Authenticates a bearer token: the server's own or an issued one that has not expired and is not
   * revoked.
   */
  public Optional<Principal> authenticate(String token) {
    return authenticateToken("", token);
  }

  @Override
  public Optional<Principal> authenticateToken(String user, String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    String shownUser = user == null ? "" : user;
    if (local != null) {
      Optional<Principal> own = local.authenticateToken(shownUser, token);
      if (own.isPresent()) {
        return own;
      }
    }
    if (oidc != null && OidcVerifier.looksLikeJwt(token)) {
      // issued tokens start with tlk_ and never have a JWT's shape: the two cannot collide
      return oidc.verify(token)
          .map(
              id ->
                  new Principal(
                      id.principal(),
                      !shownUser.isEmpty()
                          ? shownUser
                          : id.client().isEmpty() ? "oidc" : "oidc:" + id.client(),
                      Principal.Credential.OIDC,
                      id.roles()));
    }
    Instant now = clock.instant();
    String key = AccessStore.hash(token);
    Cached<TokenInfo> hit = tokens.get(key);
    TokenInfo info;
    if (hit != null && now.isBefore(hit.until())) {
      info = hit.value();
    } else {
      Optional<TokenInfo> found = store.findBySecret(token);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      info = found.get();
      tokens.put(key, new Cached<>(info, now.plus(CACHE_TTL)));
    }
    return info.validAt(now)
        ? Optional.of(new Principal(info.principal(), shownUser))
        : Optional.empty();
  }

  /** PostgreSQL clients give an issued token's id as their user name, its secret as password. */
  @Override
  public Optional<ScramVerifier> scramVerifier(String user) {
    if (user != null && user.startsWith(AccessStore.ID_PREFIX)) {
      Optional<TokenInfo> info = store.find(user);
      if (info.isEmpty() || !info.get().validAt(clock.instant())) {
        return Optional.empty();
      }
      return store.scramVerifier(user);
    }
    return local == null ? Optional.empty() : local.scramVerifier(user);
  }

  @Override
  public Principal scramPrincipal(String user) {
    if (user != null && user.startsWith(AccessStore.ID_PREFIX)) {
      TokenInfo info =
          store
              .find(user)
              .filter(t -> t.validAt(clock.instant()))
              .orElseThrow(() -> new AccessDeniedException("Token " + user + " is not valid"));
      return new Principal(info.principal(), user);
    }
    return local.scramPrincipal(user);
  }

  /**
   * Names the principals of client certificates by {@code names} (default: the subject's CN).
   *
   * @return this
   */
  public AccessControl certificatePrincipals(CertificatePrincipals names) {
    this.certificateNames = Objects.requireNonNull(names, "names");
    return this;
  }

  /**
   * Authenticates a TLS client certificate that the handshake verified against the client CAs: its
   * principal is named by {@link #certificatePrincipals} and holds the grants of that name. A
   * reserved name ({@code local}) or one that is not a valid principal name is refused, as is a
   * certificate outside its validity period (checked again here, under the handshake's check).
   *
   * @param chain the peer's chain, leaf first
   * @return the principal, its user the certificate's subject prefixed {@code x509:}
   * @throws AccessDeniedException naming the subject and why it was refused
   */
  public Principal authenticateCertificate(X509Certificate[] chain) {
    if (chain == null || chain.length == 0) {
      throw new AccessDeniedException("No client certificate was presented");
    }
    X509Certificate leaf = chain[0];
    String subject = AccessNames.cap(leaf.getSubjectX500Principal().getName());
    try {
      leaf.checkValidity(Date.from(clock.instant()));
    } catch (CertificateException e) {
      throw new AccessDeniedException(
          "The client certificate " + subject + " is not valid now: " + e.getMessage());
    }
    CertificatePrincipals names = certificateNames;
    String name =
        names
            .nameOf(leaf)
            .orElseThrow(
                () ->
                    new AccessDeniedException(
                        "The client certificate "
                            + subject
                            + " has no "
                            + names.label()
                            + " to name its principal"));
    try {
      AccessNames.principal(name);
    } catch (IllegalArgumentException e) {
      throw new AccessDeniedException(
          "The client certificate " + subject + " cannot name a principal: " + e.getMessage());
    }
    return new Principal(name, "x509:" + subject, Principal.Credential.CERTIFICATE, List.of());
  }

  /**
   * PostgreSQL clients send an OIDC token as a cleartext password (over TLS or loopback): SCRAM
   * needs a verifier derived from the secret beforehand, which a JWT minted elsewhere has not.
   * Token ids ({@code tk_...}) keep SCRAM.
   */
  @Override
  public boolean wantsPassword(String user) {
    return oidc != null && (user == null || !user.startsWith(AccessStore.ID_PREFIX));
  }

  /**
   * Everything {@code principal} may do: its stored roles' privileges, plus those of the existing
   * roles its credential claims (an OIDC roles claim).
   */
  public Grants grants(Principal principal) {
    // superuser power comes from the server's own credential, never from a name alone
    if (principal.isServer()) {
      return Grants.superuser(principal.name());
    }
    if (principal.name().equalsIgnoreCase(LocalCredential.PRINCIPAL)) {
      return new Grants(principal.name(), PrincipalKind.SERVICE, List.of(), List.of());
    }
    Instant now = clock.instant();
    String key =
        principal.credential()
            + "\u0000"
            + principal.name()
            + "\u0000"
            + String.join("\u0000", principal.claimedRoles());
    Cached<Grants> hit = grants.get(key);
    if (hit != null && now.isBefore(hit.until())) {
      return hit.value();
    }
    Grants fresh = withClaimedRoles(store.grantsOf(principal.name()), principal.claimedRoles());
    grants.put(key, new Cached<>(fresh, now.plus(CACHE_TTL)));
    return fresh;
  }

  private Grants withClaimedRoles(Grants stored, List<String> claimed) {
    if (claimed.isEmpty()) {
      return stored;
    }
    Set<String> wanted = new HashSet<>(claimed);
    List<String> roles = new ArrayList<>(stored.roles());
    Set<RoleGrant> all = new LinkedHashSet<>(stored.grants());
    for (RoleGrant g : store.roleGrants()) {
      if (wanted.contains(g.role())) {
        all.add(g);
        if (!roles.contains(g.role())) {
          roles.add(g.role());
        }
      }
    }
    return new Grants(stored.principal(), stored.kind(), roles, List.copyOf(all));
  }

  @Override
  public boolean canRead(Principal principal, TableName table) {
    return grants(principal).holds(Privilege.READ, table);
  }

  @Override
  public dev.tracelake.query.TableGate gate(Principal principal) {
    return Caller.gate(principal, grants(principal));
  }

  /**
   * Authenticates an HTTP request by its {@code Authorization} header ({@code Bearer <token>}): an
   * issued token, the server's token or an OIDC token.
   *
   * @param authorization the header, null when absent
   * @return the principal, or empty when the header is missing, not a bearer token, or its token is
   *     not valid (a failure of the store counts as not valid: the door answers 401, never 500)
   */
  public Optional<Principal> bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    try {
      return authenticate(authorization.substring(7).strip());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Forgets what was cached, after a change of tokens or grants. */
  public void changed() {
    tokens.clear();
    grants.clear();
  }
}
