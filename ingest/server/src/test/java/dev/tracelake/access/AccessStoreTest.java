package dev.tracelake.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.TableName;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token and grant store on both catalog databases: the embedded SQLite file and a shared
 * PostgreSQL (a database of its own per test, on the local PostgreSQL 15).
 */
class AccessStoreTest {
  static final String PG = "jdbc:postgresql://localhost:5432/";

  @TempDir Path dir;
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  final List<String> databases = new ArrayList<>();

  /** A clock the test moves. */
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

  static Properties pgProperties() {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", "bench");
    return p;
  }

  /** Opens a store on a fresh database of the given kind; returns it with its JDBC URL. */
  record Opened(AccessStore store, String url, Properties properties) {}

  Opened open(String kind) throws SQLException {
    if (kind.equals("sqlite")) {
      String url = "jdbc:sqlite:" + dir.resolve("catalog.db");
      return new Opened(AccessStore.open(url, new Properties(), clock()), url, new Properties());
    }
    String db = "tl_access_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = DriverManager.getConnection(PG + "tracelake_bench", pgProperties());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db);
    }
    databases.add(db);
    return new Opened(AccessStore.open(PG + db, pgProperties(), clock()), PG + db, pgProperties());
  }

  @AfterEach
  void dropDatabases() throws SQLException {
    try (Connection c = DriverManager.getConnection(PG + "tracelake_bench", pgProperties());
        Statement s = c.createStatement()) {
      for (String db : databases) {
        s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aTokenIsShownOnceAndStoredOnlyAsItsHash(String kind) throws SQLException {
    Opened o = open(kind);
    IssuedToken issued =
        o.store().issue("scoring-service", PrincipalKind.SERVICE, Duration.ofDays(1), "ci");

    assertThat(issued.secret()).startsWith("tlk_").hasSizeGreaterThanOrEqualTo(4 + 43);
    assertThat(issued.toString()).doesNotContain(issued.secret());
    assertThat(o.store().findBySecret(issued.secret())).contains(issued.info());
    assertThat(o.store().findBySecret(issued.secret() + "x")).isEmpty();
    assertThat(o.store().findBySecret("")).isEmpty();
    // nothing in the database holds the secret; its SHA-256 is there
    try (Connection c = DriverManager.getConnection(o.url(), o.properties());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM tracelake_tokens")) {
      assertThat(rs.next()).isTrue();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        String value = rs.getString(i);
        assertThat(value == null ? "" : value).doesNotContain(issued.secret().substring(4));
      }
      assertThat(rs.getString("token_hash"))
          .isEqualTo(
              java.util.HexFormat.of()
                  .formatHex(
                      java.security.MessageDigest.getInstance("SHA-256")
                          .digest(
                              issued.secret().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    // two tokens never share a secret or an id
    IssuedToken second = o.store().issue("scoring-service", PrincipalKind.SERVICE, null, "");
    assertThat(second.secret()).isNotEqualTo(issued.secret());
    assertThat(second.info().id()).isNotEqualTo(issued.info().id());
    assertThat(second.info().expires()).isEqualTo(now.get().plus(AccessStore.DEFAULT_TTL));
    assertThat(o.store().tokens("scoring-service")).hasSize(2);
    assertThat(o.store().tokens("")).hasSize(2);
    assertThat(o.store().tokens("nobody")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void expiredAndRevokedTokensNoLongerAuthenticate(String kind) throws SQLException {
    Opened o = open(kind);
    AccessControl control = new AccessControl(o.store(), null, clock());
    IssuedToken shortLived =
        o.store().issue("alice", PrincipalKind.PERSON, Duration.ofMinutes(10), "");
    IssuedToken revoked = o.store().issue("alice", PrincipalKind.PERSON, null, "");

    assertThat(control.authenticate(shortLived.secret())).contains(new Principal("alice", ""));
    assertThat(control.authenticate(revoked.secret())).isPresent();

    assertThat(o.store().revoke(revoked.info().id()).orElseThrow().revoked()).contains(now.get());
    control.changed();
    assertThat(control.authenticate(revoked.secret())).isEmpty();
    // revoking again keeps the first time
    now.set(now.get().plusSeconds(5));
    assertThat(o.store().revoke(revoked.info().id()).orElseThrow().revoked())
        .contains(now.get().minusSeconds(5));
    assertThat(o.store().revoke("tk_none")).isEmpty();

    now.set(now.get().plus(Duration.ofMinutes(11)));
    assertThat(control.authenticate(shortLived.secret())).isEmpty();
    assertThat(o.store().principalKind("alice")).contains(PrincipalKind.PERSON);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void rolesGroupPrivilegesInheritedDownward(String kind) throws SQLException {
    Opened o = open(kind);
    AccessStore store = o.store();
    store.grant("fraud-readers", Privilege.READ, Scope.parse("fraud"));
    store.grant("fraud-readers", Privilege.LINEAGE, Scope.parse("fraud"));
    store.grant("fraud-readers", Privilege.READ, Scope.parse("fraud")); // again: harmless
    store.grant("feature-writer", Privilege.WRITE, Scope.parse("fraud.features"));
    store.assign("fraud-readers", "bob");
    store.assign("feature-writer", "bob");
    store.assign("fraud-readers", "carol");

    Grants bob = store.grantsOf("bob");
    assertThat(bob.roles()).containsExactly("feature-writer", "fraud-readers");
    assertThat(bob.holds(Privilege.READ, TableName.parse("fraud.predictions"))).isTrue();
    assertThat(bob.holds(Privilege.READ, TableName.parse("FRAUD.Predictions"))).isTrue();
    assertThat(bob.holds(Privilege.READ, TableName.parse("other.t"))).isFalse();
    assertThat(bob.holds(Privilege.WRITE, TableName.parse("fraud.features"))).isTrue();
    assertThat(bob.holds(Privilege.WRITE, TableName.parse("fraud.predictions"))).isFalse();
    assertThat(bob.holds(Privilege.ADMIN, TableName.parse("fraud.features"))).isFalse();
    assertThat(bob.sees(TableName.parse("other.t"))).isFalse();
    assertThat(bob.holdsEverywhere(Privilege.READ)).isFalse();
    // the audit log is read with 'audit' only, and written by nobody
    assertThat(bob.holds(Privilege.READ, Grants.AUDIT_TABLE)).isFalse();
    store.grant("everything", Privilege.READ, Scope.ALL);
    store.grant("everything", Privilege.WRITE, Scope.ALL);
    store.assign("everything", "dave");
    Grants dave = store.grantsOf("dave");
    assertThat(dave.holds(Privilege.READ, TableName.parse("any.table"))).isTrue();
    assertThat(dave.holds(Privilege.READ, Grants.AUDIT_TABLE)).isFalse();
    assertThat(dave.holds(Privilege.WRITE, Grants.AUDIT_TABLE)).isFalse();
    store.grant("auditors", Privilege.AUDIT, Scope.ALL);
    store.assign("auditors", "erin");
    assertThat(store.grantsOf("erin").holds(Privilege.READ, Grants.AUDIT_TABLE)).isTrue();
    assertThat(Grants.superuser("local").holds(Privilege.WRITE, Grants.AUDIT_TABLE)).isFalse();

    store.revoke("fraud-readers", Privilege.READ, Scope.parse("fraud"));
    store.unassign("feature-writer", "bob");
    Grants after = store.grantsOf("bob");
    assertThat(after.holds(Privilege.READ, TableName.parse("fraud.predictions"))).isFalse();
    assertThat(after.holds(Privilege.LINEAGE, TableName.parse("fraud.predictions"))).isTrue();
    assertThat(after.holds(Privilege.WRITE, TableName.parse("fraud.features"))).isFalse();
    assertThat(store.roleGrants())
        .contains(new RoleGrant("fraud-readers", Privilege.LINEAGE, Scope.parse("fraud")));
    assertThat(store.members()).contains(new RoleMember("fraud-readers", "carol"));
    assertThat(store.grantsOf("nobody").grants()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void reopeningFindsWhatWasStored(String kind) throws SQLException {
    Opened o = open(kind);
    IssuedToken t = o.store().issue("svc", PrincipalKind.SERVICE, null, "");
    o.store().grant("r", Privilege.READ, Scope.ALL);
    AccessStore again = AccessStore.open(o.url(), o.properties(), clock());
    assertThat(again.findBySecret(t.secret())).contains(t.info());
    assertThat(again.roleGrants()).containsExactly(new RoleGrant("r", Privilege.READ, Scope.ALL));
    // the PostgreSQL door checks a SCRAM proof against the verifier kept for the token id
    ScramVerifier kept = again.scramVerifier(t.info().id()).orElseThrow();
    ScramVerifier derived = ScramVerifier.derive(t.secret(), kept.salt(), kept.iterations());
    assertThat(kept.storedKey()).isEqualTo(derived.storedKey());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void badNamesAreRefusedNamingTheValue(String kind) throws SQLException {
    AccessStore store = open(kind).store();
    assertThatThrownBy(() -> store.issue("", PrincipalKind.SERVICE, null, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Principal name ''");
    assertThatThrownBy(() -> store.issue("a b", PrincipalKind.SERVICE, null, ""))
        .hasMessageContaining("'a b'");
    assertThatThrownBy(() -> store.issue("x\u0000y", PrincipalKind.SERVICE, null, ""))
        .hasMessageContaining("x\\u0000y");
    assertThatThrownBy(() -> store.issue("x".repeat(129), PrincipalKind.SERVICE, null, ""))
        .hasMessageContaining("1 to 128");
    assertThatThrownBy(() -> store.issue("local", PrincipalKind.SERVICE, null, ""))
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> store.issue("svc", PrincipalKind.SERVICE, Duration.ofDays(-1), ""))
        .hasMessageContaining("lifetime");
    assertThatThrownBy(() -> store.issue("svc", PrincipalKind.SERVICE, Duration.ofDays(99_999), ""))
        .hasMessageContaining("lifetime");
    assertThatThrownBy(() -> store.issue("svc", PrincipalKind.SERVICE, null, "a\nb"))
        .hasMessageContaining("description");
    assertThatThrownBy(() -> store.grant("r'; DROP TABLE x; --", Privilege.READ, Scope.ALL))
        .hasMessageContaining("Role name");
    assertThatThrownBy(() -> Scope.parse("a.b.c")).hasMessageContaining("'a.b.c'");
    assertThatThrownBy(() -> Scope.parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> Privilege.parse("sudo")).hasMessageContaining("'sudo'");
    assertThatThrownBy(() -> PrincipalKind.parse("robot")).hasMessageContaining("'robot'");
    // nothing was stored by the refused calls
    assertThat(store.tokens("")).isEmpty();
    assertThat(store.roleGrants()).isEmpty();
  }
}
