package dev.tracelake.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The prod overlay serves TLS from a {@code kubernetes.io/tls} Secret mounted as files, shares one
 * admin token from the credentials Secret, keeps its probes on a plaintext health port, and commits
 * no secret value.
 */
class ProdTlsTest {
  static final String MOUNT = "/etc/tracelake/tls";

  JsonNode server() {
    return KubeObjects.container(
        Kustomize.render("prod").one("Deployment", "tracelake"), "tracelake");
  }

  static Map<String, JsonNode> env(JsonNode container) {
    Map<String, JsonNode> env = new LinkedHashMap<>();
    container.path("env").forEach(var -> env.put(var.path("name").asText(), var));
    return env;
  }

  @Test
  void theServerReadsItsCertificateKeyAndClientCaFromTheMountedTlsSecret() {
    JsonNode deployment = Kustomize.render("prod").one("Deployment", "tracelake");
    JsonNode volume =
        KubeObjects.list(KubeObjects.podSpec(deployment).path("volumes")).stream()
            .filter(v -> v.path("name").asText().equals("tls"))
            .findFirst()
            .orElseThrow();
    assertThat(volume.path("secret").path("secretName").asText()).isEqualTo("tracelake-tls");
    // the key is readable by the server's group (fsGroup) only, not by everyone
    assertThat(volume.path("secret").path("defaultMode").asInt()).isEqualTo(0440);
    JsonNode mount =
        KubeObjects.list(server().path("volumeMounts")).stream()
            .filter(m -> m.path("name").asText().equals("tls"))
            .findFirst()
            .orElseThrow();
    assertThat(mount.path("mountPath").asText()).isEqualTo(MOUNT);
    assertThat(mount.path("readOnly").asBoolean()).isTrue();
    Map<String, JsonNode> env = env(server());
    // the file names a kubernetes.io/tls Secret (and cert-manager) gives its keys
    assertThat(env.get("TRACELAKE_TLS_CERT").path("value").asText()).isEqualTo(MOUNT + "/tls.crt");
    assertThat(env.get("TRACELAKE_TLS_KEY").path("value").asText()).isEqualTo(MOUNT + "/tls.key");
    assertThat(env.get("TRACELAKE_TLS_CLIENT_CA").path("value").asText())
        .isEqualTo(MOUNT + "/ca.crt");
    // the Secret itself is not generated from anything in git
    assertThat(Kustomize.render("prod").ofKind("Secret")).isEmpty();
  }

  @Test
  void everyReplicaSharesOneAdminTokenFromTheCredentialsSecret() throws IOException {
    JsonNode token = env(server()).get("TRACELAKE_TOKEN");
    assertThat(token.has("value")).isFalse();
    JsonNode ref = token.path("valueFrom").path("secretKeyRef");
    assertThat(ref.path("name").asText()).isEqualTo("tracelake-credentials");
    assertThat(ref.path("key").asText()).isEqualTo("TRACELAKE_TOKEN");
    // every key prod reads from the credentials Secret is in the example it is made from
    String example =
        Files.readString(
            DeployDir.k8s("prod").resolve("secret.env.example"), StandardCharsets.UTF_8);
    for (JsonNode var : server().path("env")) {
      JsonNode secret = var.path("valueFrom").path("secretKeyRef");
      if (!secret.isMissingNode()) {
        assertThat(example)
            .as("secret.env.example")
            .containsPattern("(?m)^" + secret.path("key").asText() + "=");
      }
    }
  }

  @Test
  void probesAskThePlaintextHealthPortBecauseKubeletsGrpcProbeCannotSpeakTls() {
    JsonNode server = server();
    assertThat(env(server).get("TRACELAKE_HEALTH_PORT").path("value").asText()).isEqualTo("7424");
    assertThat(KubeObjects.list(server.path("ports")))
        .anySatisfy(
            p -> {
              assertThat(p.path("name").asText()).isEqualTo("health");
              assertThat(p.path("containerPort").asInt()).isEqualTo(7424);
            });
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      assertThat(server.path(probe).path("grpc").path("port").asInt()).as(probe).isEqualTo(7424);
    }
    // the Service still routes clients to the TLS gRPC port, not to the health port
    assertThat(Kustomize.render("prod").one("Service", "tracelake").toString())
        .doesNotContain("7424");
  }

  private static final Pattern PEM = Pattern.compile("-----BEGIN [A-Z ]+-----");
  private static final Pattern ASSIGNMENT = Pattern.compile("(?m)^([A-Z_]+)=(.*)$");

  @Test
  void noSecretValueIsCommitted() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(DeployDir.root().resolve("k8s"))) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      assertThat(PEM.matcher(text).find()).as("%s holds a PEM block", file).isFalse();
    }
    // the example holds placeholders only; the real secret.env is ignored by git
    String example =
        Files.readString(
            DeployDir.k8s("prod").resolve("secret.env.example"), StandardCharsets.UTF_8);
    var m = ASSIGNMENT.matcher(example);
    Map<String, String> values = new LinkedHashMap<>();
    while (m.find()) {
      values.put(m.group(1), m.group(2));
    }
    assertThat(values).containsKey("TRACELAKE_TOKEN").hasSizeGreaterThanOrEqualTo(5);
    values.forEach((k, v) -> assertThat(v).as(k).isIn("change-me", "tracelake"));
    // the server wants 16 characters or more: a forgotten placeholder stops it instead of
    // becoming everyone's admin token
    assertThat(values.get("TRACELAKE_TOKEN")).hasSizeLessThan(16);
    String ignored =
        Files.readString(DeployDir.root().resolve(".gitignore"), StandardCharsets.UTF_8);
    assertThat(ignored).contains("k8s/prod/secret.env");
  }
}
