package dev.tracelake.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders overlays with the real {@code kubectl kustomize} ({@code $KUBECTL}, default {@code
 * kubectl} on the PATH). A missing kubectl fails the tests: they exist to catch manifests that do
 * not render.
 */
final class Kustomize {
  static final YAMLMapper YAML = new YAMLMapper();

  // one render per overlay for the whole test run; rendering is the slow part
  private static final Map<String, Rendered> RENDERED = new ConcurrentHashMap<>();

  private Kustomize() {}

  static String kubectl() {
    String configured = System.getenv("KUBECTL");
    return configured == null || configured.isBlank() ? "kubectl" : configured;
  }

  static Rendered render(String overlay) {
    return RENDERED.computeIfAbsent(overlay, Kustomize::renderNow);
  }

  private static Rendered renderNow(String overlay) {
    CommandResult result;
    try {
      result =
          CommandResult.run(
              List.of(kubectl(), "kustomize", DeployDir.k8s(overlay).toString()),
              Map.of(),
              Duration.ofSeconds(60));
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "kubectl is needed to render the manifests: "
              + e.getMessage()
              + "; install it (Debian: apt-get install -y kubernetes-client) or set KUBECTL",
          e);
    }
    return new Rendered(overlay, parseAll(result.stdoutIfSucceeded()));
  }

  static List<JsonNode> parseAll(String yaml) {
    List<JsonNode> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document != null && !document.isNull() && !document.isEmpty()) {
          objects.add(document);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Rendered manifests are not YAML: " + e.getMessage(), e);
    }
    return objects;
  }
}
