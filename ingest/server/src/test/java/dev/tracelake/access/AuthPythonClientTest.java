package dev.tracelake.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access control against a gRPC stack we did not write: Debian's python3-grpcio runs {@code
 * auth_client.py} with stubs protoc generates here from the repository's protos. Skipped, saying
 * so, only when python3-grpcio or protoc with its Python plugin is missing; CI installs them.
 */
class AuthPythonClientTest {
  @TempDir Path warehouse;
  @TempDir Path stubs;

  @Test
  void aPythonClientIsHeldToTheSameGrants() throws Exception {
    String python = pythonWithGrpc();
    Path protoc = onPath("protoc");
    Path plugin = onPath("grpc_python_plugin");
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
                "tracelake/v1/query.proto",
                "tracelake/v1/auth.proto"));
    if (Files.isDirectory(Path.of("/usr/include/google/protobuf"))) {
      command.add(1, "-I/usr/include");
    }
    run(command);
    Path script = stubs.resolve("auth_client.py");
    try (InputStream in = getClass().getResourceAsStream("/python/auth_client.py")) {
      Files.copy(in, script);
    }
    try (AuthServerFixture fx = new AuthServerFixture(warehouse)) {
      fx.store.grant("salary-writer", Privilege.WRITE, Scope.parse("secret.salaries"));
      fx.store.assign("fraud-reader", "mixed");
      fx.store.assign("salary-writer", "mixed");
      fx.tokens.put("mixed", fx.store.issue("mixed", PrincipalKind.PERSON, null, "").secret());
      Path tokens = stubs.resolve("tokens.json");
      Files.writeString(tokens, new ObjectMapper().writeValueAsString(fx.tokens));
      String before = fx.fingerprint();

      List<String> lines =
          run(
              List.of(
                  python,
                  script.toString(),
                  stubs.toString(),
                  "127.0.0.1:" + fx.server.port(),
                  tokens.toString()));

      Map<String, JsonNode> answers = new LinkedHashMap<>();
      for (String line : lines) {
        JsonNode node = new ObjectMapper().readTree(line);
        answers.put(node.get("case").asText(), node);
      }
      assertThat(answers.get("no token").get("code").asText()).isEqualTo("UNAUTHENTICATED");
      assertThat(answers.get("made-up token").get("code").asText()).isEqualTo("UNAUTHENTICATED");
      assertThat(answers.get("lowercase scheme").get("code").asText()).isEqualTo("OK");
      assertThat(answers.get("reader lists").get("answer").toString())
          .isEqualTo("[\"fraud.features\",\"fraud.predictions\"]");
      assertThat(answers.get("reader counts features").get("answer").asInt()).isEqualTo(1);
      assertThat(answers.get("reader joins salaries").get("code").asText()).isEqualTo("NOT_FOUND");
      JsonNode mixed = answers.get("mixed joins salaries");
      assertThat(mixed.get("code").asText()).isEqualTo("PERMISSION_DENIED");
      assertThat(mixed.get("message").asText()).contains("'read'", "secret.salaries");
      JsonNode planted = answers.get("writer creates in secret");
      assertThat(planted.get("code").asText()).isEqualTo("PERMISSION_DENIED");
      assertThat(planted.get("message").asText()).contains("'write'", "secret.planted");
      assertThat(answers.get("admin issues a token").get("answer").asText())
          .isEqualTo("py-service");
      assertThat(answers.get("the new token works").get("answer").asText()).isEqualTo("py-service");
      assertThat(answers.get("the new token may not issue").get("code").asText())
          .isEqualTo("PERMISSION_DENIED");
      assertThat(answers.get("admin revokes it").get("answer").asBoolean()).isTrue();
      assertThat(answers.get("the revoked token fails").get("code").asText())
          .isEqualTo("UNAUTHENTICATED");
      // the Python calls changed no table; the token they issued is the only change
      assertThat(fx.lake.tables()).noneMatch(t -> t.name().equals("planted"));
      assertThat(fx.fingerprint().replaceAll("(?s)tokens=.*?\\]\\n", ""))
          .isEqualTo(before.replaceAll("(?s)tokens=.*?\\]\\n", ""));
    }
  }

  static String pythonWithGrpc() throws Exception {
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      try {
        Process p =
            new ProcessBuilder(candidate, "-c", "import grpc, google.protobuf")
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
      } catch (IOException missing) {
        // try the next one
      }
    }
    Assumptions.abort(
        "python3-grpcio is missing (apt-get install python3-grpcio python3-protobuf"
            + " protobuf-compiler-grpc): the Python access-control test did not run");
    return null;
  }

  static Path onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  static List<String> run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).start();
    CompletableFuture<byte[]> err = new CompletableFuture<>();
    Thread drain =
        new Thread(
            () -> {
              try {
                err.complete(p.getErrorStream().readAllBytes());
              } catch (IOException e) {
                err.complete(new byte[0]);
              }
            });
    drain.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue())
        .as(command.get(0) + " failed: " + new String(err.get(), StandardCharsets.UTF_8))
        .isZero();
    return out.lines().filter(l -> !l.isBlank()).toList();
  }
}
