package dev.tracelake.access;

import dev.tracelake.lake.LakeConfig;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Principals, tokens, roles and grants, kept in the lake's catalog database (the embedded SQLite
 * file or the shared PostgreSQL), next to the Iceberg catalog's own tables, so every replica of a
 * shared deployment sees the same ones. A token's secret is never stored: only its SHA-256 (the
 * secret is 256 random bits, so a fast hash is enough) and, for the PostgreSQL endpoint, a
 * SCRAM-SHA-256 verifier (what PostgreSQL itself keeps of a password).
 *
 * <p>Thread-safe: every operation opens its own connection.
 */
public final class AccessStore {
  /** The longest a token may live, and the default lifetime. */
  public static final Duration MAX_TTL = Duration.ofDays(3650);

  public static final Duration DEFAULT_TTL = Duration.ofDays(90);

  /** Issued tokens start with this, so a leaked one is recognizable (secret scanners). */
  public static final String TOKEN_PREFIX = "tlk_";

  /** Token ids start with this; a PostgreSQL client gives the id as its user name. */
  public static final String ID_PREFIX = "tk_";

  private static final int MAX_DESCRIPTION = 200;

  private static final List<String> SCHEMA =
      List.of(
          "CREATE TABLE IF NOT EXISTS tracelake_principals (name VARCHAR(128) PRIMARY KEY,"
              + " kind VARCHAR(16) NOT NULL, created_ms BIGINT NOT NULL)",
          "CREATE TABLE IF NOT EXISTS tracelake_tokens (id VARCHAR(40) PRIMARY KEY,"
              + " token_hash VARCHAR(64) NOT NULL UNIQUE, scram VARCHAR(300) NOT NULL,"
              + " principal VARCHAR(128) NOT NULL, created_ms BIGINT NOT NULL,"
              + " expires_ms BIGINT NOT NULL, revoked_ms BIGINT, description VARCHAR(256))",
          "CREATE TABLE IF NOT EXISTS tracelake_role_grants (role VARCHAR(128) NOT NULL,"
              + " privilege VARCHAR(16) NOT NULL, scope VARCHAR(300) NOT NULL,"
              + " PRIMARY KEY (role, privilege, scope))",
          "CREATE TABLE IF NOT EXISTS tracelake_role_members (role VARCHAR(128) NOT NULL,"
              + " principal VARCHAR(128) NOT NULL, PRIMARY KEY (role, principal))");

  private final String url;
  private final Properties properties;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private AccessStore(String url, Properties properties, Clock clock) {
    this.url = url;
    this.properties = properties;
    this.clock = clock;
  }

  /**
   * Opens the store in the database at {@code jdbcUrl}, creating its tables when missing.
   *
   * @param properties JDBC properties ({@code user}, {@code password}, ...)
   * @throws IllegalStateException naming the database when it cannot be reached
   */
  public static AccessStore open(String jdbcUrl, Properties properties, Clock clock) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Properties p = new Properties();
    p.putAll(properties);
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      p.putIfAbsent("busy_timeout", "30000"); // the catalog and other processes share the file
    }
    AccessStore store = new AccessStore(jdbcUrl, p, clock);
    store.createTables();
    return store;
  }

  /** Opens the store in the catalog database of {@code lake}. */
  public static AccessStore forLake(LakeConfig lake) {
    Properties p = new Properties();
    for (Map.Entry<String, String> e : lake.catalogProperties().entrySet()) {
      if (e.getKey().startsWith("jdbc.")) {
        p.setProperty(e.getKey().substring("jdbc.".length()), e.getValue());
      }
    }
    return open(lake.effectiveCatalogUri(), p, Clock.systemUTC());
  }

  private void createTables() {
    // replicas starting together on a fresh PostgreSQL race on CREATE TABLE IF NOT EXISTS (a
    // unique violation on the type catalog); the second attempt finds the tables
    for (int attempt = 1; ; attempt++) {
      try (Connection c = connect();
          Statement s = c.createStatement()) {
        for (String ddl : SCHEMA) {
          s.execute(ddl);
        }
        return;
      } catch (SQLException e) {
        if (attempt >= 3) {
          throw failure("create the access tables", e);
        }
      }
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(url, properties);
  }

  private IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException(
        "Cannot " + what + " in the catalog database " + describe() + ": " + e.getMessage(), e);
  }

  private String describe() {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  /**
   * Issues a token for {@code principal}, creating the principal (of {@code kind}) on first use.
   *
   * @param ttl how long the token lives; null for {@link #DEFAULT_TTL}
   * @throws IllegalArgumentException naming a bad principal name, lifetime or description
   */
  public IssuedToken issue(String principal, PrincipalKind kind, Duration ttl, String description) {
    AccessNames.principal(principal);
    if (kind == PrincipalKind.LOCAL) {
      throw new IllegalArgumentException("Tokens are issued for services and people only");
    }
    Duration life = ttl == null || ttl.isZero() ? DEFAULT_TTL : ttl;
    if (life.isNegative() || life.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException(
          "Token lifetime must be positive and at most " + MAX_TTL.toDays() + " days, got " + life);
    }
    String text = description == null ? "" : description;
    if (text.length() > MAX_DESCRIPTION || text.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
      throw new IllegalArgumentException(
          "Token description must be at most "
              + MAX_DESCRIPTION
              + " characters without control characters, got '"
              + AccessNames.cap(text)
              + "'");
    }
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    String secret = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    byte[] idBytes = new byte[9];
    random.nextBytes(idBytes);
    String id = ID_PREFIX + HexFormat.of().formatHex(idBytes);
    Instant now = clock.instant();
    Instant expires = now.plus(life);
    String scram = ScramText.format(ScramVerifier.derive(secret, random));
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO tracelake_principals (name, kind, created_ms) VALUES (?, ?, ?)"
                      + " ON CONFLICT (name) DO NOTHING");
          PreparedStatement t =
              c.prepareStatement(
                  "INSERT INTO tracelake_tokens (id, token_hash, scram, principal, created_ms,"
                      + " expires_ms, revoked_ms, description) VALUES (?, ?, ?, ?, ?, ?, NULL,"
                      + " ?)")) {
        p.setString(1, principal);
        p.setString(2, kind.label());
        p.setLong(3, now.toEpochMilli());
        p.executeUpdate();
        t.setString(1, id);
        t.setString(2, hash(secret));
        t.setString(3, scram);
        t.setString(4, principal);
        t.setLong(5, now.toEpochMilli());
        t.setLong(6, expires.toEpochMilli());
        t.setString(7, text);
        t.executeUpdate();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failure("issue a token for " + principal, e);
    }
    return new IssuedToken(
        secret, new TokenInfo(id, principal, now, expires, Optional.empty(), text));
  }

  /** The hex SHA-256 of a token's secret: what the store keeps. */
  static String hash(String secret) {
    return HexFormat.of()
        .formatHex(ScramVerifier.sha256(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /**
   * Finds the token whose secret is {@code secret}, valid or not (the caller checks {@link
   * TokenInfo#validAt}).
   */
  public Optional<TokenInfo> findBySecret(String secret) {
    if (secret == null || !secret.startsWith(TOKEN_PREFIX) || secret.length() > 200) {
      return Optional.empty();
    }
    return findOne("token_hash", hash(secret));
  }

  /** Finds a token by its id. */
  public Optional<TokenInfo> find(String id) {
    return findOne("id", id);
  }

  private Optional<TokenInfo> findOne(String column, String value) {
    List<TokenInfo> found =
        queryTokens(
            "SELECT id, principal, created_ms, expires_ms, revoked_ms, description FROM"
                + " tracelake_tokens WHERE "
                + column
                + " = ?",
            value);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** Returns the SCRAM verifier kept for a token id, for the PostgreSQL endpoint. */
  public Optional<ScramVerifier> scramVerifier(String id) {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement("SELECT scram FROM tracelake_tokens WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(ScramText.parse(rs.getString(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read a token", e);
    }
  }

  /** Lists tokens, newest first: of one principal, or of all when {@code principal} is empty. */
  public List<TokenInfo> tokens(String principal) {
    String sql =
        "SELECT id, principal, created_ms, expires_ms, revoked_ms, description FROM"
            + " tracelake_tokens"
            + (principal == null || principal.isEmpty() ? "" : " WHERE principal = ?")
            + " ORDER BY created_ms DESC, id";
    return principal == null || principal.isEmpty()
        ? queryTokens(sql)
        : queryTokens(sql, principal);
  }

  private List<TokenInfo> queryTokens(String sql, String... args) {
    try (Connection c = connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setString(i + 1, args[i]);
      }
      List<TokenInfo> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long revoked = rs.getLong(5);
          boolean isRevoked = !rs.wasNull();
          out.add(
              new TokenInfo(
                  rs.getString(1),
                  rs.getString(2),
                  Instant.ofEpochMilli(rs.getLong(3)),
                  Instant.ofEpochMilli(rs.getLong(4)),
                  isRevoked ? Optional.of(Instant.ofEpochMilli(revoked)) : Optional.empty(),
                  rs.getString(6)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("read tokens", e);
    }
  }

  /**
   * Revokes a token; revoking it again keeps the first revocation time.
   *
   * @return the token's record, or empty when no token has the id
   */
  public Optional<TokenInfo> revoke(String id) {
    update(
        "UPDATE tracelake_tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL",
        clock.instant().toEpochMilli(),
        id);
    return find(id);
  }

  /** Returns a principal's kind, or empty when it does not exist. */
  public Optional<PrincipalKind> principalKind(String principal) {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement("SELECT kind FROM tracelake_principals WHERE name = ?")) {
      s.setString(1, principal);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(PrincipalKind.parse(rs.getString(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read a principal", e);
    }
  }

  /** Grants {@code privilege} on {@code scope} to {@code role}; granting it again is harmless. */
  public void grant(String role, Privilege privilege, Scope scope) {
    AccessNames.role(role);
    update(
        "INSERT INTO tracelake_role_grants (role, privilege, scope) VALUES (?, ?, ?)"
            + " ON CONFLICT DO NOTHING",
        role,
        privilege.label(),
        scope.key());
  }

  /** Revokes {@code privilege} on exactly {@code scope} from {@code role}. */
  public void revoke(String role, Privilege privilege, Scope scope) {
    update(
        "DELETE FROM tracelake_role_grants WHERE role = ? AND privilege = ? AND scope = ?",
        role,
        privilege.label(),
        scope.key());
  }

  /** Gives {@code role} to {@code principal}; the principal need not have a token yet. */
  public void assign(String role, String principal) {
    AccessNames.role(role);
    AccessNames.principal(principal);
    update(
        "INSERT INTO tracelake_role_members (role, principal) VALUES (?, ?) ON CONFLICT DO NOTHING",
        role,
        principal);
  }

  /** Takes {@code role} from {@code principal}. */
  public void unassign(String role, String principal) {
    update("DELETE FROM tracelake_role_members WHERE role = ? AND principal = ?", role, principal);
  }

  /** Every role's privileges. */
  public List<RoleGrant> roleGrants() {
    List<RoleGrant> out = new ArrayList<>();
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT role, privilege, scope FROM tracelake_role_grants"
                    + " ORDER BY role, scope, privilege");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(
            new RoleGrant(
                rs.getString(1), Privilege.parse(rs.getString(2)), Scope.parse(rs.getString(3))));
      }
      return out;
    } catch (SQLException e) {
      throw failure("read grants", e);
    }
  }

  /** Every principal's roles. */
  public List<RoleMember> members() {
    List<RoleMember> out = new ArrayList<>();
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT role, principal FROM tracelake_role_members ORDER BY principal, role");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(new RoleMember(rs.getString(1), rs.getString(2)));
      }
      return out;
    } catch (SQLException e) {
      throw failure("read role members", e);
    }
  }

  /** Everything {@code principal} may do through its roles. */
  public Grants grantsOf(String principal) {
    PrincipalKind kind = principalKind(principal).orElse(PrincipalKind.SERVICE);
    List<String> roles = new ArrayList<>();
    List<RoleGrant> grants = new ArrayList<>();
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT m.role, g.privilege, g.scope FROM tracelake_role_members m LEFT JOIN"
                    + " tracelake_role_grants g ON g.role = m.role WHERE m.principal = ?"
                    + " ORDER BY m.role, g.scope, g.privilege")) {
      s.setString(1, principal);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String role = rs.getString(1);
          if (!roles.contains(role)) {
            roles.add(role);
          }
          if (rs.getString(2) != null) {
            grants.add(
                new RoleGrant(
                    role, Privilege.parse(rs.getString(2)), Scope.parse(rs.getString(3))));
          }
        }
      }
    } catch (SQLException e) {
      throw failure("read the grants of " + principal, e);
    }
    return new Grants(principal, kind, roles, grants);
  }

  private void update(String sql, Object... args) {
    try (Connection c = connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      s.executeUpdate();
    } catch (SQLException e) {
      throw failure("change access data", e);
    }
  }
}
