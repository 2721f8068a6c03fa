package dev.tracelake.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What each overlay changes relative to the base, and nothing more. */
class OverlayDifferencesTest {

  /** Paths (prefixes) of the Deployment tracelake that each overlay may change. */
  static Stream<Arguments> allowedDeploymentChanges() {
    return Stream.of(
        Arguments.of(
            "local",
            List.of("spec.replicas", "spec.strategy", "spec.template.spec.volumes[warehouse]"),
            List.of(
                "spec.strategy.type",
                "spec.template.spec.volumes[warehouse].persistentVolumeClaim.claimName")),
        Arguments.of(
            "prod",
            List.of(
                "spec.replicas",
                "spec.template.spec.affinity",
                "spec.template.spec.topologySpreadConstraints",
                // TLS from the Secret tracelake-tls, the shared admin token, the health port
                "spec.template.spec.volumes[tls]",
                "spec.template.spec.containers[tracelake].volumeMounts[tls]",
                "spec.template.spec.containers[tracelake].env[TRACELAKE_TOKEN]",
                "spec.template.spec.containers[tracelake].env[TRACELAKE_TLS_",
                "spec.template.spec.containers[tracelake].env[TRACELAKE_HEALTH_PORT]",
                "spec.template.spec.containers[tracelake].ports[health]",
                "spec.template.spec.containers[tracelake].startupProbe.grpc.port",
                "spec.template.spec.containers[tracelake].readinessProbe.grpc.port",
                "spec.template.spec.containers[tracelake].livenessProbe.grpc.port"),
            List.of(
                "spec.replicas",
                "spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
                "spec.template.spec.volumes[tls].secret.secretName",
                "spec.template.spec.containers[tracelake].env[TRACELAKE_TLS_CERT].value",
                "spec.template.spec.containers[tracelake].env[TRACELAKE_TOKEN].valueFrom.secretKeyRef.key",
                "spec.template.spec.containers[tracelake].readinessProbe.grpc.port")));
  }

  @ParameterizedTest
  @MethodSource("allowedDeploymentChanges")
  void overlayChangesTheDeploymentOnlyWhereAllowed(
      String overlay, List<String> allowed, List<String> expected) {
    Rendered base = Kustomize.render("base");
    Rendered rendered = Kustomize.render(overlay);
    Set<String> differing =
        KubeObjects.differingPaths(
            KubeObjects.withoutGeneratorHashes(base.one("Deployment", "tracelake"), base),
            KubeObjects.withoutGeneratorHashes(rendered.one("Deployment", "tracelake"), rendered));
    assertThat(differing)
        .as("paths of Deployment tracelake that %s changes", overlay)
        .allMatch(path -> allowed.stream().anyMatch(path::startsWith))
        .containsAll(expected);
  }

  @ParameterizedTest
  @MethodSource("allowedConfigChanges")
  void overlayChangesOnlyItsOwnSettings(String overlay, Set<String> allowed) {
    Map<String, String> base = config("base");
    Map<String, String> rendered = config(overlay);
    assertThat(rendered.keySet()).isEqualTo(base.keySet());
    Set<String> changed = new TreeSet<>();
    base.forEach(
        (key, value) -> {
          if (!value.equals(rendered.get(key))) {
            changed.add(key);
          }
        });
    assertThat(changed).isSubsetOf(allowed);
  }

  static Stream<Arguments> allowedConfigChanges() {
    return Stream.of(
        Arguments.of(
            "local", Set.of("TRACELAKE_WAREHOUSE", "TRACELAKE_S3_ENDPOINT", "TRACELAKE_S3_REGION")),
        Arguments.of(
            "prod", Set.of("TRACELAKE_WAREHOUSE", "TRACELAKE_S3_REGION", "TRACELAKE_CATALOG_URI")));
  }

  @ParameterizedTest
  @MethodSource("addedObjects")
  void overlayKeepsTheBaseObjectsAndAddsOnlyItsOwn(String overlay, Set<String> added) {
    Set<String> base = kindsAndNames(Kustomize.render("base"));
    Set<String> rendered = kindsAndNames(Kustomize.render(overlay));
    assertThat(rendered).containsAll(base);
    Set<String> extra = new TreeSet<>(rendered);
    extra.removeAll(base);
    assertThat(extra).isEqualTo(added);
    // the Service is the same in every environment
    assertThat(Kustomize.render(overlay).one("Service", "tracelake"))
        .isEqualTo(Kustomize.render("base").one("Service", "tracelake"));
  }

  static Stream<Arguments> addedObjects() {
    return Stream.of(
        Arguments.of(
            "local",
            Set.of(
                "Secret/tracelake-credentials",
                "Service/tracelake-catalog-db",
                "StatefulSet/tracelake-catalog-db",
                "PersistentVolumeClaim/tracelake-warehouse")),
        Arguments.of("prod", Set.of("PodDisruptionBudget/tracelake")));
  }

  @Test
  void prodRunsThreeReplicasOfWhichTheDisruptionBudgetKeepsTwo() {
    Rendered prod = Kustomize.render("prod");
    JsonNode deployment = prod.one("Deployment", "tracelake");
    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(3);
    JsonNode pdb = prod.one("PodDisruptionBudget", "tracelake");
    assertThat(pdb.path("spec").path("minAvailable").asInt()).isEqualTo(2);
    Map<String, String> pdbSelector =
        KubeObjects.strings(pdb.path("spec").path("selector").path("matchLabels"));
    assertThat(pdbSelector).isNotEmpty();
    assertThat(KubeObjects.podLabels(deployment)).containsAllEntriesOf(pdbSelector);
    // the budget must not also count other workloads' pods
    assertThat(pdbSelector)
        .isEqualTo(
            KubeObjects.strings(deployment.path("spec").path("selector").path("matchLabels")));
  }

  @Test
  void prodSpreadsItsReplicasOverZonesAndNodes() {
    JsonNode pod = KubeObjects.podSpec(Kustomize.render("prod").one("Deployment", "tracelake"));
    assertThat(KubeObjects.list(pod.path("topologySpreadConstraints")))
        .extracting(c -> c.path("topologyKey").asText())
        .contains("topology.kubernetes.io/zone");
    assertThat(
            pod.path("affinity")
                .path("podAntiAffinity")
                .path("preferredDuringSchedulingIgnoredDuringExecution")
                .path(0)
                .path("podAffinityTerm")
                .path("topologyKey")
                .asText())
        .isEqualTo("kubernetes.io/hostname");
  }

  @Test
  void prodUsesAnExternalCatalogAndAnS3Warehouse() {
    Rendered prod = Kustomize.render("prod");
    Map<String, String> config = config("prod");
    assertThat(config.get("TRACELAKE_WAREHOUSE")).startsWith("s3://");
    String host = jdbcHost(config.get("TRACELAKE_CATALOG_URI"));
    assertThat(prod.find("Service", host)).as("an in-cluster Service %s", host).isEmpty();
    assertThat(prod.ofKind("StatefulSet")).isEmpty();
    assertThat(prod.ofKind("Secret")).as("prod generates no Secret from committed files").isEmpty();
  }

  @Test
  void localRunsOneReplicaAndItsCatalogDatabaseInTheCluster() {
    Rendered local = Kustomize.render("local");
    assertThat(local.one("Deployment", "tracelake").path("spec").path("replicas").asInt())
        .isEqualTo(1);
    Map<String, String> config = config("local");
    String host = jdbcHost(config.get("TRACELAKE_CATALOG_URI"));
    JsonNode service = local.one("Service", host);
    JsonNode postgres = local.one("StatefulSet", "tracelake-catalog-db");
    assertThat(KubeObjects.podLabels(postgres))
        .containsAllEntriesOf(KubeObjects.strings(service.path("spec").path("selector")));
    assertThat(
            ImageReference.parse(KubeObjects.container(postgres, "postgres").path("image").asText())
                .repository())
        .isEqualTo("postgres");
    assertThat(postgres.path("spec").path("volumeClaimTemplates").size()).isEqualTo(1);
  }

  @Test
  void localKeepsTheWarehouseOnAPersistentVolumeClaim() {
    Rendered local = Kustomize.render("local");
    JsonNode deployment = local.one("Deployment", "tracelake");
    JsonNode warehouse =
        KubeObjects.list(KubeObjects.podSpec(deployment).path("volumes")).stream()
            .filter(v -> v.path("name").asText().equals("warehouse"))
            .findFirst()
            .orElseThrow();
    assertThat(warehouse.has("emptyDir")).isFalse();
    String claim = warehouse.path("persistentVolumeClaim").path("claimName").asText();
    assertThat(local.find("PersistentVolumeClaim", claim)).isPresent();
    JsonNode mount =
        KubeObjects.list(KubeObjects.container(deployment, "tracelake").path("volumeMounts"))
            .stream()
            .filter(m -> m.path("name").asText().equals("warehouse"))
            .findFirst()
            .orElseThrow();
    assertThat(config("local").get("TRACELAKE_WAREHOUSE"))
        .isEqualTo(mount.path("mountPath").asText());
  }

  private static Map<String, String> config(String overlay) {
    return KubeObjects.strings(
        Kustomize.render(overlay)
            .generated("ConfigMap", "tracelake-config")
            .orElseThrow()
            .path("data"));
  }

  private static Set<String> kindsAndNames(Rendered rendered) {
    Set<String> names = new TreeSet<>();
    for (JsonNode o : rendered.objects()) {
      names.add(o.path("kind").asText() + "/" + KubeObjects.generatorName(Rendered.name(o)));
    }
    return names;
  }

  /** The host of a {@code jdbc:postgresql://host:port/db} URL. */
  static String jdbcHost(String jdbcUrl) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException("Not a JDBC URL: " + jdbcUrl);
    }
    return URI.create(jdbcUrl.substring("jdbc:".length())).getHost();
  }
}
