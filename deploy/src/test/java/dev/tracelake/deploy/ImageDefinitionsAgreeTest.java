package dev.tracelake.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Jib image, the Dockerfile image and the Deployment must agree on how the server runs. */
class ImageDefinitionsAgreeTest {
  static final String OPENS = "--add-opens=java.base/java.nio=ALL-UNNAMED";

  private static ImageDefinition jib() {
    Path deploy = DeployDir.root();
    return ImageDefinition.fromJibPom(deploy.resolve("pom.xml"), deploy.resolve("../pom.xml"));
  }

  private static ImageDefinition dockerfile() {
    return ImageDefinition.fromDockerfile(DeployDir.root().resolve("Dockerfile"));
  }

  @Test
  void jibAndDockerfileRunTheSameServerTheSameWay() {
    ImageDefinition jib = jib();
    assertThat(jib.mainClass()).isEqualTo("dev.tracelake.cli.TracelakeCli");
    assertThat(jib.args()).containsExactly("serve");
    assertThat(jib.jvmFlags()).contains(OPENS);
    assertThat(jib.ports()).containsExactlyInAnyOrder(7420, 7421, 7422);
    assertThat(jib.environment())
        .containsEntry("TRACELAKE_HOST", "0.0.0.0")
        .containsEntry("TRACELAKE_WAREHOUSE", "/var/lib/tracelake");
    assertThat(jib.volumes()).containsExactly("/var/lib/tracelake");
    assertThat(jib.user()).doesNotStartWith("0").doesNotStartWith("root");
    assertThat(dockerfile().withoutBase()).isEqualTo(jib.withoutBase());
  }

  @Test
  void jibAndDockerfileDefaultToTheSamePinnedBaseImage() {
    assertThat(dockerfile().baseImage()).isEqualTo(jib().baseImage());
    assertThat(ImageReference.parse(jib().baseImage()).isPinned()).isTrue();
  }

  @Test
  void jibTagsTheImageWithTheProjectVersionThatTheManifestsDeploy() {
    Path deploy = DeployDir.root();
    String built =
        ImageDefinition.jibTargetImage(deploy.resolve("pom.xml"), deploy.resolve("../pom.xml"));
    assertThat(ImageReference.parse(built).isPinned()).isTrue();
    JsonNode server =
        KubeObjects.container(Kustomize.render("base").one("Deployment", "tracelake"), "tracelake");
    assertThat(server.path("image").asText()).isEqualTo(built);
  }

  @Test
  void deploymentRunsTheImageAsItIsDefined() {
    ImageDefinition jib = jib();
    JsonNode deployment = Kustomize.render("base").one("Deployment", "tracelake");
    JsonNode server = KubeObjects.container(deployment, "tracelake");
    assertThat(KubeObjects.list(server.path("args")))
        .extracting(JsonNode::asText)
        .isEqualTo(jib.args());
    Set<Integer> ports = new TreeSet<>();
    server.path("ports").forEach(p -> ports.add(p.path("containerPort").asInt()));
    assertThat(ports).isEqualTo(jib.ports());
    JsonNode security = KubeObjects.podSpec(deployment).path("securityContext");
    assertThat(security.path("runAsUser").asText() + ":" + security.path("runAsGroup").asText())
        .isEqualTo(jib.user());
    assertThat(KubeObjects.list(server.path("volumeMounts")))
        .extracting(m -> m.path("mountPath").asText())
        .containsAll(jib.volumes());
  }

  @Test
  void aDockerfileThatDriftsIsNoticed(@TempDir Path dir) throws IOException {
    String original = Files.readString(DeployDir.root().resolve("Dockerfile"));
    Path drifted = dir.resolve("Dockerfile");
    Files.writeString(drifted, original.replace("EXPOSE 7420 7421 7422", "EXPOSE 7420 7421"));
    assertThat(ImageDefinition.fromDockerfile(drifted).withoutBase())
        .isNotEqualTo(jib().withoutBase());

    Files.writeString(drifted, original.replace("\"" + OPENS + "\", ", ""));
    assertThat(ImageDefinition.fromDockerfile(drifted).jvmFlags()).doesNotContain(OPENS);

    Files.writeString(drifted, original.replace("ENTRYPOINT [\"java\"", "ENTRYPOINT [\"/bin/sh\""));
    assertThatThrownBy(() -> ImageDefinition.fromDockerfile(drifted))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not [java, <flags>, -cp, <path>, <main class>]");
  }
}
