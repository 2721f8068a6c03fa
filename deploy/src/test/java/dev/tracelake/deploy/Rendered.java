package dev.tracelake.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The objects that {@code kubectl kustomize} rendered for one overlay. */
record Rendered(String overlay, List<JsonNode> objects) {
  Rendered {
    objects = List.copyOf(objects);
  }

  List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
  }

  Optional<JsonNode> find(String kind, String name) {
    return ofKind(kind).stream().filter(o -> name(o).equals(name)).findFirst();
  }

  /**
   * Returns the object of that kind and name.
   *
   * @throws IllegalArgumentException if the overlay rendered none
   */
  JsonNode one(String kind, String name) {
    return find(kind, name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "No " + kind + " " + name + " in the render of " + overlay));
  }

  /** The single ConfigMap or Secret a generator made from {@code generatorName} (hash suffixed). */
  Optional<JsonNode> generated(String kind, String generatorName) {
    return ofKind(kind).stream()
        .filter(o -> KubeObjects.generatorName(name(o)).equals(generatorName))
        .findFirst();
  }

  /** Deployments and StatefulSets. */
  List<JsonNode> workloads() {
    return Stream.concat(ofKind("Deployment").stream(), ofKind("StatefulSet").stream()).toList();
  }

  static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }
}
