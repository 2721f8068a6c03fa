package dev.tracelake.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Invariants every rendering (base and each overlay) must keep. */
class ManifestInvariantsTest {
  /** The settings the server reads; colleagues implement exactly these names. */
  static final Set<String> CONFIG_KEYS =
      Set.of(
          "TRACELAKE_HOST",
          "TRACELAKE_PORT",
          "TRACELAKE_METRICS_PORT",
          "TRACELAKE_COMMIT_INTERVAL_MS",
          "TRACELAKE_LOG_FORMAT",
          "TRACELAKE_WAREHOUSE",
          "TRACELAKE_S3_ENDPOINT",
          "TRACELAKE_S3_PATH_STYLE_ACCESS",
          "TRACELAKE_S3_REGION",
          "TRACELAKE_CATALOG_URI");

  /** The credentials the server reads, each from the Secret tracelake-credentials. */
  static final Set<String> SECRET_KEYS =
      Set.of(
          "TRACELAKE_CATALOG_USER",
          "TRACELAKE_CATALOG_PASSWORD",
          "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY");

  private static final Pattern SECRET_LOOKING =
      Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|ACCESS_KEY|CREDENTIAL).*");

  @ParameterizedTest
  @ValueSource(strings = {"base", "local", "prod"})
  void everyContainerHasReadinessAndLivenessProbes(String overlay) {
    Rendered rendered = Kustomize.render(overlay);
    assertThat(rendered.workloads()).isNotEmpty();
    for (JsonNode workload : rendered.workloads()) {
      for (JsonNode container : KubeObjects.containers(workload)) {
        assertThat(container.has("readinessProbe"))
            .as("readinessProbe of %s in %s", container.path("name"), Rendered.name(workload))
            .isTrue();
        assertThat(container.has("livenessProbe"))
            .as("livenessProbe of %s in %s", container.path("name"), Rendered.name(workload))
            .isTrue();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "local", "prod"})
  void serverProbesAskGrpcHealthOnPort7420(String overlay) {
    JsonNode server =
        KubeObjects.container(
            Kustomize.render(overlay).one("Deployment", "tracelake"), "tracelake");
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      JsonNode grpc = server.path(probe).path("grpc");
      // prod's gRPC port speaks TLS only, which kubelet's gRPC probe cannot: it asks the
      // plaintext health port (ProdTlsTest)
      assertThat(grpc.path("port").asInt())
          .as("%s grpc.port", probe)
          .isEqualTo(overlay.equals("prod") ? 7424 : 7420);
      // readiness asks the overall health (""), which follows the catalog and warehouse;
      // startup and liveness ask "liveness", so an unreachable catalog never restarts pods
      assertThat(grpc.path("service").asText(""))
          .as("%s grpc.service", probe)
          .isEqualTo(probe.equals("readinessProbe") ? "" : "liveness");
      assertThat(server.path(probe).has("httpGet") || server.path(probe).has("tcpSocket"))
          .as("%s uses only gRPC", probe)
          .isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "local", "prod"})
  void everyContainerHasCpuAndMemoryRequestsAndLimits(String overlay) {
    for (JsonNode workload : Kustomize.render(overlay).workloads()) {
      for (JsonNode container : KubeObjects.containers(workload)) {
        JsonNode resources = container.path("resources");
        for (String bound : List.of("requests", "limits")) {
          assertThat(KubeObjects.strings(resources.path(bound)).keySet())
              .as("resources.%s of %s", bound, container.path("name"))
              .contains("cpu", "memory");
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "local", "prod"})
  void everyImageHasAPinnedTag(String overlay) {
    for (JsonNode workload : Kustomize.render(overlay).workloads()) {
      for (JsonNode container : KubeObjects.containers(workload)) {
        assertThat(ImageReference.parse(container.path("image").asText()).isPinned())
            .as("image %s of %s is pinned", container.path("image"), container.path("name"))
            .isTrue();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "local", "prod"})
  void everyPodRunsAsNonRootWithoutPrivilegeEscalation(String overlay) {
    for (JsonNode workload : Kustomize.render(overlay).workloads()) {
      JsonNode pod = KubeObjects.podSpec(workload).path("securityContext");
      for (JsonNode container : KubeObjects.containers(workload)) {
        JsonNode own = container.path("securityContext");
        boolean nonRoot = own.path("runAsNonRoot").asBoolean(pod.path("runAsNonRoot").asBoolean());
        int uid = own.path("runAsUser").asInt(pod.path("runAsUser").asInt(0));
        assertThat(nonRoot).as("runAsNonRoot of %s", container.path("name")).isTrue();
        assertThat(uid).as("runAsUser of %s", container.path("name")).isPositive();
        assertThat(own.path("allowPrivilegeEscalation").asBoolean(true))
            .as("allowPrivilegeEscalation of %s", container.path("name"))
            .isFalse();
        assertThat(KubeObjects.list(own.path("capabilities").path("drop")))
            .extracting(JsonNode::asText)
            .as("capabilities dropped by %s", container.path("name"))
            .contains("ALL");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "local", "prod"})
  void credentialsComeFromTheSecretNeverFromLiterals(String overlay) {
    Rendered rendered = Kustomize.render(overlay);
    JsonNode server = KubeObjects.container(rendered.one("Deployment", "tracelake"), "tracelake");
    Map<String, JsonNode> env = envByName(server);
    assertThat(env.keySet()).containsAll(SECRET_KEYS);
    for (String key : SECRET_KEYS) {
      JsonNode ref = env.get(key).path("valueFrom").path("secretKeyRef");
      assertThat(KubeObjects.generatorName(ref.path("name").asText()))
          .as("Secret of %s", key)
          .isEqualTo("tracelake-credentials");
      assertThat(ref.path("key").asText()).as("key of %s", key).isEqualTo(key);
    }
    for (JsonNode workload : rendered.workloads()) {
      for (JsonNode container : KubeObjects.containers(workload)) {
        envByName(container)
            .forEach(
                (name, var) ->
                    assertThat(SECRET_LOOKING.matcher(name).matches() && var.has("value"))
                        .as("%s of %s is a literal value", name, container.path("name"))
                        .isFalse());
      }
    }
    for (JsonNode config : rendered.ofKind("ConfigMap")) {
      assertThat(KubeObjects.strings(config.path("data")).keySet())
          .as("ConfigMap %s holds no credentials", Rendered.name(config))
          .noneMatch(key -> SECRET_LOOKING.matcher(key).matches());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "local", "prod"})
  void configMapHasEverySettingAndTheServerReadsIt(String overlay) {
    Rendered rendered = Kustomize.render(overlay);
    JsonNode config = rendered.generated("ConfigMap", "tracelake-config").orElseThrow();
    assertThat(KubeObjects.strings(config.path("data")).keySet()).containsAll(CONFIG_KEYS);
    JsonNode server = KubeObjects.container(rendered.one("Deployment", "tracelake"), "tracelake");
    assertThat(KubeObjects.list(server.path("envFrom")))
        .extracting(from -> from.path("configMapRef").path("name").asText())
        .contains(Rendered.name(config));
    assertThat(KubeObjects.strings(config.path("data")))
        .containsEntry("TRACELAKE_PORT", "7420")
        .containsEntry("TRACELAKE_METRICS_PORT", "7422")
        .containsEntry("TRACELAKE_HOST", "0.0.0.0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "local", "prod"})
  void everyReferencedConfigMapAndGeneratedSecretExists(String overlay) {
    Rendered rendered = Kustomize.render(overlay);
    for (JsonNode workload : rendered.workloads()) {
      for (JsonNode container : KubeObjects.containers(workload)) {
        for (JsonNode from : container.path("envFrom")) {
          if (from.has("configMapRef")) {
            assertThat(rendered.find("ConfigMap", from.path("configMapRef").path("name").asText()))
                .as("ConfigMap %s", from.path("configMapRef").path("name"))
                .isPresent();
          }
        }
        for (JsonNode var : container.path("env")) {
          JsonNode secret = var.path("valueFrom").path("secretKeyRef");
          if (!secret.isMissingNode() && !rendered.ofKind("Secret").isEmpty()) {
            // an overlay that generates the Secret must generate every key that is read
            JsonNode generated = rendered.one("Secret", secret.path("name").asText());
            assertThat(KubeObjects.strings(generated.path("data")).keySet())
                .as("keys of Secret %s", secret.path("name"))
                .contains(secret.path("key").asText());
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "local", "prod"})
  void everyServiceSelectsPodsAndTargetsTheirNamedPorts(String overlay) {
    Rendered rendered = Kustomize.render(overlay);
    assertThat(rendered.ofKind("Service")).isNotEmpty();
    for (JsonNode service : rendered.ofKind("Service")) {
      Map<String, String> selector = KubeObjects.strings(service.path("spec").path("selector"));
      assertThat(selector).as("selector of Service %s", Rendered.name(service)).isNotEmpty();
      List<JsonNode> selected = new ArrayList<>();
      for (JsonNode workload : rendered.workloads()) {
        if (KubeObjects.podLabels(workload).entrySet().containsAll(selector.entrySet())) {
          selected.add(workload);
        }
      }
      assertThat(selected)
          .as("workloads selected by Service %s", Rendered.name(service))
          .hasSize(1);
      List<String> containerPorts = new ArrayList<>();
      for (JsonNode container : KubeObjects.containers(selected.get(0))) {
        container.path("ports").forEach(p -> containerPorts.add(p.path("name").asText()));
      }
      for (JsonNode port : service.path("spec").path("ports")) {
        assertThat(containerPorts)
            .as("targetPort of %s in Service %s", port.path("name"), Rendered.name(service))
            .contains(port.path("targetPort").asText());
      }
    }
    JsonNode server = rendered.one("Service", "tracelake");
    assertThat(KubeObjects.list(server.path("spec").path("ports")))
        .extracting(p -> p.path("name").asText() + ":" + p.path("port").asInt())
        .containsExactlyInAnyOrder("grpc:7420", "openlineage:7421", "metrics:7422");
    assertThat(KubeObjects.strings(server.path("metadata").path("annotations")))
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", "7422")
        .containsEntry("prometheus.io/path", "/metrics");
  }

  static Map<String, JsonNode> envByName(JsonNode container) {
    Map<String, JsonNode> env = new java.util.LinkedHashMap<>();
    container.path("env").forEach(var -> env.put(var.path("name").asText(), var));
    return env;
  }
}
