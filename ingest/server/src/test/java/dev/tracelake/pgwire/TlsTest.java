package dev.tracelake.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.access.TlsKeystore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** With a keystore configured, SSLRequest is answered 'S' and the session runs over TLS. */
class TlsTest extends PgTestBase {

  @Override
  PgServerConfig pgConfig() {
    Path keystore = warehouse.resolve("server.p12");
    try {
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
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return PgServerConfig.defaults()
        .withPort(0)
        .withTls(TlsKeystore.context(keystore, "test-pass".toCharArray()));
  }

  @Test
  void psqlAndJdbcRequireTls() throws Exception {
    appendEvents(events(), 0, 3);
    ExternalClient.Result psql =
        ExternalClient.run(
            List.of(
                ExternalClient.require("psql", "postgresql-client"),
                "-X",
                "-A",
                "-t",
                "host=127.0.0.1 port=" + port() + " user=analyst dbname=tracelake sslmode=require",
                "-c",
                "SELECT count(*) FROM events",
                "-c",
                "\\conninfo"),
            Map.of("PGPASSWORD", TOKEN),
            warehouse);
    assertThat(psql.exitCode()).as(psql.stderr()).isZero();
    assertThat(psql.stdout()).startsWith("3\n").contains("SSL connection (protocol: TLSv1.3");

    Properties p = new Properties();
    p.setProperty("sslmode", "require"); // encrypted; the test certificate is self-signed
    try (Connection c = connect(p);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(3);
      assertThat(((org.postgresql.PGConnection) c).getParameterStatus("tracelake.snapshots"))
          .contains("default.events");
    }
  }
}
