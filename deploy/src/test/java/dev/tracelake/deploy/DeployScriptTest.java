package dev.tracelake.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** deploy.sh --dry-run: renders what it would apply, and plans the build it would run. */
class DeployScriptTest {

  private static CommandResult deploy(Map<String, String> env, String... args) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of("bash", DeployDir.root().resolve("deploy.sh").toString()));
    command.addAll(List.of(args));
    Map<String, String> withKubectl = new java.util.HashMap<>(env);
    withKubectl.put("KUBECTL", Kustomize.kubectl());
    return CommandResult.run(command, withKubectl, Duration.ofSeconds(60));
  }

  @Test
  void dryRunLocalPrintsTheLocalOverlayAndPlansTheTarballAndMinikube() {
    CommandResult result = deploy(Map.of(), "--dry-run", "local");
    assertThat(Kustomize.parseAll(result.stdoutIfSucceeded()))
        .isEqualTo(Kustomize.render("local").objects());
    assertThat(result.stderr())
        .contains("-Pimage")
        .contains("image load")
        .contains("tracelake-image.tar");
  }

  @Test
  void dryRunProdPointsTheImageAtTheRegistryAndChangesNothingElse() {
    CommandResult result =
        deploy(Map.of("TRACELAKE_REGISTRY", "registry.example.com/data/"), "--dry-run", "prod");
    Rendered viaScript =
        new Rendered("prod via deploy.sh", Kustomize.parseAll(result.stdoutIfSucceeded()));
    Rendered prod = Kustomize.render("prod");
    JsonNode deployment = viaScript.one("Deployment", "tracelake");
    String built =
        ImageDefinition.jibTargetImage(
            DeployDir.root().resolve("pom.xml"), DeployDir.root().resolve("../pom.xml"));
    assertThat(KubeObjects.container(deployment, "tracelake").path("image").asText())
        .isEqualTo("registry.example.com/data/" + built);
    assertThat(KubeObjects.differingPaths(prod.one("Deployment", "tracelake"), deployment))
        .containsExactly("spec.template.spec.containers[tracelake].image");
    assertThat(viaScript.objects()).hasSameSizeAs(prod.objects());
    assertThat(result.stderr())
        .contains("-Pimage-push", "-Dtracelake.image.name=registry.example.com/data/tracelake");
  }

  @Test
  void prodWithoutARegistryFailsNamingTheVariable() {
    CommandResult result = deploy(Map.of("TRACELAKE_REGISTRY", ""), "--dry-run", "prod");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("TRACELAKE_REGISTRY");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void unknownEnvironmentPrintsUsage() {
    CommandResult result = deploy(Map.of(), "staging");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("deploy/deploy.sh local", "--dry-run");
  }
}
