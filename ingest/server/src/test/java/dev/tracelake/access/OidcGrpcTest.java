package dev.tracelake.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracelake.proto.v1.AuthServiceGrpc;
import dev.tracelake.proto.v1.CreateTableRequest;
import dev.tracelake.proto.v1.IngestServiceGrpc;
import dev.tracelake.proto.v1.ListTablesRequest;
import dev.tracelake.proto.v1.WhoAmIRequest;
import dev.tracelake.proto.v1.WhoAmIResponse;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OIDC tokens on the gRPC door of a real server: the grants of claimed roles, refusals with the
 * right status, an issuer that is down (tokens refused, the server serving everyone else), and
 * tokens minted by Python's PyJWT sent with python3-grpcio.
 */
class OidcGrpcTest {
  @TempDir Path warehouse;
  @TempDir Path stubs;

  static String bearer(String token) {
    return "Bearer " + token;
  }

  @Test
  void aTokenOfTheIssuerCallsWithTheGrantsOfItsClaimedRoles() throws Exception {
    try (TestIssuer issuer = TestIssuer.start();
        AuthServerFixture fx =
            new AuthServerFixture(
                warehouse,
                OidcSettings.of(issuer.issuer(), TestIssuer.AUDIENCE).withRolesClaim("groups"))) {
      String token =
          issuer.token("svc-fraud", c -> c.claim("groups", List.of("fraud-reader", "made-up")));
      WhoAmIResponse me =
          fx.with(AuthServiceGrpc.newBlockingStub(fx.channel), bearer(token))
              .whoAmI(WhoAmIRequest.getDefaultInstance());
      assertThat(me.getPrincipal()).isEqualTo("svc-fraud");
      assertThat(me.getRolesList()).containsExactly("fraud-reader");
      assertThat(me.getSuperuser()).isFalse();
      assertThat(
              fx.with(IngestServiceGrpc.newBlockingStub(fx.channel), bearer(token))
                  .listTables(ListTablesRequest.getDefaultInstance())
                  .getTablesList())
          .containsExactlyInAnyOrder("fraud.features", "fraud.predictions");
      String before = fx.fingerprint();
      assertThatThrownBy(
              () ->
                  fx.with(IngestServiceGrpc.newBlockingStub(fx.channel), bearer(token))
                      .createTable(CreateTableRequest.newBuilder().setTable("fraud.x").build()))
          .isInstanceOf(StatusRuntimeException.class)
          .hasMessageContaining("PERMISSION_DENIED")
          .hasMessageContaining("'svc-fraud'")
          .hasMessageContaining("'write'");
      assertThat(fx.fingerprint()).isEqualTo(before);

      String local = issuer.token("local", c -> c.claim("groups", List.of("lake-admin")));
      assertThatThrownBy(
              () ->
                  fx.with(AuthServiceGrpc.newBlockingStub(fx.channel), bearer(local))
                      .whoAmI(WhoAmIRequest.getDefaultInstance()))
          .isInstanceOf(StatusRuntimeException.class)
          .hasMessageContaining("UNAUTHENTICATED");
    }
  }

  @Test
  void anIssuerThatIsDownRefusesItsTokensAndTheServerServesEveryoneElse() throws Exception {
    TestIssuer gone = TestIssuer.down();
    try (AuthServerFixture fx =
        new AuthServerFixture(warehouse, OidcSettings.of(gone.issuer(), TestIssuer.AUDIENCE))) {
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(
                () ->
                    fx.with(AuthServiceGrpc.newBlockingStub(fx.channel), bearer(gone.token("a")))
                        .whoAmI(WhoAmIRequest.getDefaultInstance()))
            .isInstanceOf(StatusRuntimeException.class)
            .hasMessageContaining("UNAUTHENTICATED");
      }
      assertThat(
              fx.with(AuthServiceGrpc.newBlockingStub(fx.channel), bearer(fx.tokens.get("reader")))
                  .whoAmI(WhoAmIRequest.getDefaultInstance())
                  .getPrincipal())
          .isEqualTo("reader");
      assertThat(
              fx.with(
                      AuthServiceGrpc.newBlockingStub(fx.channel),
                      bearer(AuthServerFixture.ADMIN_TOKEN))
                  .whoAmI(WhoAmIRequest.getDefaultInstance())
                  .getSuperuser())
          .isTrue();
    }
  }

  @Test
  void tokensMintedByPythonsJoseLibraryAreHeldToTheSameRules() throws Exception {
    String python = AuthPythonClientTest.pythonWithGrpc();
    Process check =
        new ProcessBuilder(python, "-c", "import jwt, cryptography")
            .redirectErrorStream(true)
            .start();
    check.getInputStream().readAllBytes();
    Assumptions.assumeTrue(
        check.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && check.exitValue() == 0,
        "python3-jwt or python3-cryptography is missing (apt-get install python3-jwt"
            + " python3-cryptography): the PyJWT test did not run");
    Path protoc = AuthPythonClientTest.onPath("protoc");
    Path plugin = AuthPythonClientTest.onPath("grpc_python_plugin");
    Assumptions.assumeTrue(
        protoc != null && plugin != null,
        "protoc or grpc_python_plugin is missing: apt-get install protobuf-compiler-grpc");
    Path protos = Path.of("../../proto/src/main/proto").toAbsolutePath().normalize();
    List<String> command =
        new ArrayList<>(
            List.of(
                protoc.toString(),
                "-I" + protos,
                "--python_out=" + stubs,
                "--grpc_out=" + stubs,
                "--plugin=protoc-gen-grpc=" + plugin,
                "tracelake/v1/access.proto",
                "tracelake/v1/common.proto",
                "tracelake/v1/ingest.proto",
                "tracelake/v1/auth.proto"));
    if (Files.isDirectory(Path.of("/usr/include/google/protobuf"))) {
      command.add(1, "-I/usr/include");
    }
    AuthPythonClientTest.run(command);
    Path script = stubs.resolve("oidc_client.py");
    try (InputStream in = getClass().getResourceAsStream("/python/oidc_client.py")) {
      Files.copy(in, script);
    }
    try (TestIssuer issuer = TestIssuer.start();
        AuthServerFixture fx =
            new AuthServerFixture(
                warehouse,
                OidcSettings.of(issuer.issuer(), TestIssuer.AUDIENCE).withRolesClaim("groups"))) {
      Map<String, String> keys = new LinkedHashMap<>();
      keys.put("issuer", issuer.issuer());
      keys.put("audience", TestIssuer.AUDIENCE);
      keys.put("rsa_private_pem", pem("PRIVATE KEY", issuer.rsa.toRSAPrivateKey().getEncoded()));
      keys.put("ec_private_pem", pem("PRIVATE KEY", issuer.ec.toECPrivateKey().getEncoded()));
      keys.put("rsa_public_pem", pem("PUBLIC KEY", issuer.rsa.toRSAPublicKey().getEncoded()));
      Path file = stubs.resolve("issuer.json");
      Files.writeString(file, new ObjectMapper().writeValueAsString(keys));
      String before = fx.fingerprint();

      List<String> lines =
          AuthPythonClientTest.run(
              List.of(
                  python,
                  script.toString(),
                  stubs.toString(),
                  "127.0.0.1:" + fx.server.port(),
                  file.toString()));

      Map<String, JsonNode> answers = new LinkedHashMap<>();
      for (String line : lines) {
        JsonNode node = new ObjectMapper().readTree(line);
        answers.put(node.get("case").asText(), node);
      }
      JsonNode me = answers.get("rs256 whoami");
      assertThat(me.get("code").asText()).as(me.toString()).isEqualTo("OK");
      assertThat(me.get("answer").get("principal").asText()).isEqualTo("py-alice");
      assertThat(me.get("answer").get("roles").toString()).isEqualTo("[\"fraud-reader\"]");
      assertThat(answers.get("rs256 lists").get("answer").toString())
          .isEqualTo("[\"fraud.features\",\"fraud.predictions\"]");
      assertThat(answers.get("es256 whoami").get("answer").get("principal").asText())
          .isEqualTo("py-bob");
      for (String refused :
          List.of(
              "expired",
              "not yet valid",
              "wrong audience",
              "wrong issuer",
              "hs256 with the public key",
              "alg none",
              "sub local",
              "non-ascii sub",
              "control character sub")) {
        assertThat(answers.get(refused).get("code").asText())
            .as(refused)
            .isEqualTo("UNAUTHENTICATED");
      }
      JsonNode planted = answers.get("reader creates a table");
      assertThat(planted.get("code").asText()).isEqualTo("PERMISSION_DENIED");
      assertThat(planted.get("message").asText()).contains("'py-alice'", "'write'");
      assertThat(fx.fingerprint()).isEqualTo(before);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
