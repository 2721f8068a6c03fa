package dev.tracelake.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.access.AccessControl;
import dev.tracelake.access.AccessStore;
import dev.tracelake.access.IssuedToken;
import dev.tracelake.access.LocalCredential;
import dev.tracelake.access.OidcSettings;
import dev.tracelake.access.OidcVerifier;
import dev.tracelake.access.PrincipalKind;
import dev.tracelake.access.Privilege;
import dev.tracelake.access.Scope;
import dev.tracelake.access.TestIssuer;
import dev.tracelake.access.TlsKeystore;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.query.SqlEngine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL endpoint with OIDC on: an IdP's token is the password, sent in cleartext inside
 * TLS (psql and pgjdbc with {@code sslmode=require}); token ids keep SCRAM; bad passwords of any
 * size are refused and the endpoint stays up.
 */
class OidcPasswordTest {
  static final String LOCAL = "tl_test-token-0123456789abcdef";

  @TempDir Path warehouse;
  TestIssuer issuer;
  Lake lake;
  SqlEngine engine;
  AccessStore store;
  PgServer pg;

  @BeforeEach
  void start() throws Exception {
    issuer = TestIssuer.start();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    engine = SqlEngine.create(lake);
    store =
        AccessStore.open(lake.config().effectiveCatalogUri(), new Properties(), Clock.systemUTC());
    store.grant("analysts", Privilege.READ, Scope.ALL);
    AccessControl control =
        new AccessControl(
            store,
            LocalCredential.of(LOCAL),
            OidcVerifier.start(
                OidcSettings.of(issuer.issuer(), TestIssuer.AUDIENCE).withRolesClaim("groups")),
            Clock.systemUTC());
    Path keystore = warehouse.resolve("server.p12");
    ExternalClient.Result r =
        ExternalClient.run(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "tracelake",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "test-pass",
                "-keypass",
                "test-pass"),
            Map.of(),
            warehouse);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    pg =
        PgServer.start(
            PgServerConfig.defaults()
                .withPort(0)
                .withTls(TlsKeystore.context(keystore, "test-pass".toCharArray())),
            engine,
            lake,
            control,
            control);
  }

  @AfterEach
  void stop() {
    pg.close();
    engine.close();
    lake.close();
    issuer.close();
  }

  Connection connect(String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("sslmode", "require"); // encrypted; the test certificate is self-signed
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + pg.address().getPort() + "/tracelake", p);
  }

  @Test
  void anIdpTokenIsThePasswordInsideTls() throws Exception {
    String jwt = issuer.token("alice@example.com", c -> c.claim("groups", List.of("analysts")));
    try (Connection c = connect("alice", jwt);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1 + 1")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(2);
    }
    ExternalClient.Result psql =
        ExternalClient.run(
            List.of(
                ExternalClient.require("psql", "postgresql-client"),
                "-X",
                "-A",
                "-t",
                "host=127.0.0.1 port="
                    + pg.address().getPort()
                    + " user=alice dbname=tracelake sslmode=require",
                "-c",
                "SELECT 40 + 2",
                "-c",
                "\\conninfo"),
            Map.of("PGPASSWORD", jwt),
            warehouse);
    assertThat(psql.exitCode()).as(psql.stderr()).isZero();
    assertThat(psql.stdout()).startsWith("42\n").contains("SSL connection");
  }

  @Test
  void tokenIdsKeepScramAndTheServerTokenWorksAsPassword() throws Exception {
    IssuedToken issued = store.issue("svc", PrincipalKind.SERVICE, null, "");
    try (Connection c = connect(issued.info().id(), issued.secret())) {
      assertThat(c.isValid(5)).isTrue();
    }
    try (Connection c = connect("anyone", LOCAL)) {
      assertThat(c.isValid(5)).isTrue();
    }
  }

  @Test
  void badPasswordsAreRefusedAndTheEndpointStaysUp() throws Exception {
    String expired =
        issuer.token(
            "alice",
            c -> c.expirationTime(java.util.Date.from(java.time.Instant.now().minusSeconds(600))));
    String local = issuer.token("local");
    for (String bad :
        List.of(
            expired,
            local,
            issuer.token("alice") + "x",
            "",
            "A".repeat(100_000),
            issuer.token("alice").replace('.', '\u00e9'))) {
      assertThatThrownBy(() -> connect("alice", bad).close())
          .isInstanceOf(SQLException.class)
          .satisfies(
              e -> {
                SQLException sql = (SQLException) e;
                assertThat(sql.getSQLState()).isIn("28P01", "08P01", "54000", "08004");
              });
    }
    try (Connection c = connect("alice", issuer.token("alice"))) {
      assertThat(c.isValid(5)).isTrue();
    }
  }
}
