package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracelake.access.AccessControl;
import dev.tracelake.access.AccessStore;
import dev.tracelake.access.AuditLog;
import dev.tracelake.access.LocalCredential;
import dev.tracelake.access.Privilege;
import dev.tracelake.access.Scope;
import dev.tracelake.access.ServerAccess;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.tls.ServerTls;
import dev.tracelake.tls.TestPki;
import dev.tracelake.tls.TestPki.IdentityFiles;
import dev.tracelake.tls.TestPki.Issued;
import dev.tracelake.tls.TestPki.KeyFormat;
import dev.tracelake.tls.TlsSettings;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client ({@code clients/python}, on Debian's python3-grpcio) against a server under
 * access control over TLS: a bearer token with the CA, a client certificate naming its principal,
 * and the ways it fails (untrusted server, plaintext to the TLS port, a wrong token, a certificate
 * named {@code local}).
 */
class PythonTlsClientTest {
  static final String ADMIN_TOKEN = "tl_python_tls_admin_token_0123";
  static final Issued CA = TestPki.ca("Python TLS Test CA");

  @TempDir Path dir;

  @Test
  void thePythonClientSpeaksTlsWithATokenOrAClientCertificate() throws Exception {
    Path root = PythonClientTest.repositoryRoot();
    String python = PythonClientTest.python();
    Path stubs = Path.of("target", "python-stubs").toAbsolutePath();
    PythonClientTest.run(
        List.of(
            python,
            root.resolve("clients/python/build_stubs.py").toString(),
            "--out",
            stubs.toString()),
        root,
        PythonClientTest.debianTools(),
        Duration.ofMinutes(2));
    Path script = dir.resolve("tls_client.py");
    try (InputStream in = getClass().getResourceAsStream("/python/tls_client.py")) {
      Files.copy(in, script);
    }
    IdentityFiles serverFiles =
        TestPki.write(dir.resolve("server"), TestPki.server(CA, TestPki.ec()), CA, KeyFormat.PKCS8);
    Path ca = TestPki.writeCa(dir.resolve("ca.crt"), CA);
    // grpcio (BoringSSL) reads PKCS#8 and SEC1 keys
    IdentityFiles reader =
        TestPki.write(
            dir.resolve("reader"), TestPki.client(CA, "reader"), CA, KeyFormat.TRADITIONAL);
    IdentityFiles local =
        TestPki.write(dir.resolve("local"), TestPki.client(CA, "local"), CA, KeyFormat.PKCS8);

    try (Lake lake = Lake.open(LakeConfig.embedded(dir.resolve("warehouse")))) {
      table(lake, "fraud.features", "{\"entity\": \"acct-1\", \"amount\": 42}");
      table(lake, "secret.salaries", "{\"entity\": \"ceo\", \"amount\": 987654}");
      AccessStore store =
          AccessStore.open(
              lake.config().effectiveCatalogUri(), new Properties(), Clock.systemUTC());
      store.grant("fraud-reader", Privilege.READ, Scope.parse("fraud"));
      store.assign("fraud-reader", "reader");
      AccessControl control =
          new AccessControl(store, LocalCredential.of(ADMIN_TOKEN), Clock.systemUTC());
      try (TracelakeServer server =
          TracelakeServer.onNetty(
                  lake,
                  IngestConfig.defaults().withPort(0).withCommitInterval(Duration.ofMillis(50)),
                  LineageOptions.defaults().withManualRefresh(),
                  new ServerAccess(control, AuditLog.open(lake)),
                  ServerTls.load(TlsSettings.of(serverFiles.cert(), serverFiles.key(), ca, null)))
              .start()) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("target", "localhost:" + server.port());
        config.put("token", ADMIN_TOKEN);
        config.put("ca", ca.toString());
        config.put("reader_cert", reader.cert().toString());
        config.put("reader_key", reader.key().toString());
        config.put("local_cert", local.cert().toString());
        config.put("local_key", local.key().toString());
        Path configFile = dir.resolve("config.json");
        Files.writeString(configFile, new ObjectMapper().writeValueAsString(config));
        String output =
            PythonClientTest.run(
                List.of(python, script.toString(), configFile.toString()),
                root.resolve("clients/python"),
                List.of("PYTHONPATH=" + root.resolve("clients/python") + ":" + stubs),
                Duration.ofMinutes(3));
        Map<String, JsonNode> cases = new LinkedHashMap<>();
        for (String line : output.lines().toList()) {
          if (line.startsWith("{")) {
            JsonNode n = new ObjectMapper().readTree(line);
            cases.put(n.get("case").asText(), n);
          }
        }
        assertThat(cases).as(output).hasSize(8);
        JsonNode token = cases.get("token_over_tls");
        assertThat(token.get("ok").asBoolean()).as(token.toString()).isTrue();
        assertThat(token.at("/result/count").asLong()).isEqualTo(1);
        assertThat(token.at("/result/tables").toString())
            .contains("fraud.events", "fraud.features", "secret.salaries");

        JsonNode cert = cases.get("certificate_principal");
        assertThat(cert.get("ok").asBoolean()).as(cert.toString()).isTrue();
        assertThat(cert.at("/result/amount").asLong()).isEqualTo(42);
        // the reader's grants and nothing more: the secret namespace is not even listed
        assertThat(cert.at("/result/tables").toString()).doesNotContain("secret.salaries");
        assertThat(cases.get("certificate_reads_no_secret").toString())
            .contains("\"ok\":false")
            .doesNotContain("987654");

        assertThat(cases.get("certificate_named_local").get("code").asText())
            .isEqualTo("UNAUTHENTICATED");
        assertThat(cases.get("certificate_named_local").get("message").asText())
            .contains("reserved");
        assertThat(cases.get("untrusted_server").get("code").asText()).isEqualTo("UNAVAILABLE");
        assertThat(cases.get("plaintext_to_tls_port").get("code").asText())
            .isEqualTo("UNAVAILABLE");
        assertThat(cases.get("wrong_token").get("code").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(cases.get("missing_ca_file").get("code").asText()).isEqualTo("ValueError");
        assertThat(cases.get("missing_ca_file").get("message").asText())
            .contains("root_certificates", "ca.crt.missing");

        // the server is still up for a well-behaved client after all of that
        assertThat(server.port()).isPositive();
      }
    }
  }

  static void table(Lake lake, String name, String row) {
    Schema schema =
        new Schema(
            List.of(
                new Field("entity", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field("amount", FieldType.nullable(new ArrowType.Int(64, true)), null)));
    LakeTable t = lake.createTable(TableName.parse(name), schema);
    try (RootAllocator allocator = new RootAllocator();
        VectorSchemaRoot batch = t.batchChecker().fromJson(List.of(row), allocator);
        PendingAppend append = t.newAppend(Provenance.builder().producer("test").build())) {
      append.write(batch);
      append.commit();
    }
  }
}
