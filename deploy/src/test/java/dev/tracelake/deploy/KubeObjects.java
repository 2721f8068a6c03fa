package dev.tracelake.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/** Reading and comparing rendered Kubernetes objects. */
final class KubeObjects {
  // kustomize appends a content hash of 10 characters to generated ConfigMaps and Secrets
  private static final Pattern GENERATOR_HASH = Pattern.compile("-[a-z0-9]{10}$");

  private KubeObjects() {}

  static String generatorName(String name) {
    return GENERATOR_HASH.matcher(name).replaceFirst("");
  }

  static JsonNode podSpec(JsonNode workload) {
    return workload.path("spec").path("template").path("spec");
  }

  static Map<String, String> podLabels(JsonNode workload) {
    return strings(workload.path("spec").path("template").path("metadata").path("labels"));
  }

  static List<JsonNode> containers(JsonNode workload) {
    List<JsonNode> all = new ArrayList<>();
    podSpec(workload).path("initContainers").forEach(all::add);
    podSpec(workload).path("containers").forEach(all::add);
    return all;
  }

  static JsonNode container(JsonNode workload, String name) {
    return containers(workload).stream()
        .filter(c -> c.path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "No container " + name + " in " + Rendered.name(workload)));
  }

  static Map<String, String> strings(JsonNode object) {
    Map<String, String> map = new TreeMap<>();
    object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }

  static List<JsonNode> list(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).toList();
  }

  /**
   * Flattens an object to leaf paths such as {@code
   * spec.template.spec.containers[tracelake].image}. Lists of named items are keyed by name, so
   * that order does not matter (kustomize versions order merged lists differently).
   */
  static Map<String, JsonNode> flatten(JsonNode node) {
    Map<String, JsonNode> leaves = new LinkedHashMap<>();
    flatten(node, "", leaves);
    return leaves;
  }

  private static void flatten(JsonNode node, String path, Map<String, JsonNode> leaves) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        flatten(
            field.getValue(),
            path.isEmpty() ? field.getKey() : path + "." + field.getKey(),
            leaves);
      }
    } else if (node.isArray()) {
      boolean named = !node.isEmpty();
      for (JsonNode item : node) {
        named &= item.isObject() && item.path("name").isTextual();
      }
      for (int i = 0; i < node.size(); i++) {
        String key = named ? node.get(i).get("name").asText() : Integer.toString(i);
        flatten(node.get(i), path + "[" + key + "]", leaves);
      }
    } else {
      leaves.put(path, node);
    }
  }

  /** Leaf paths whose values differ between the two objects, or that only one has. */
  static Set<String> differingPaths(JsonNode a, JsonNode b) {
    Map<String, JsonNode> left = flatten(a);
    Map<String, JsonNode> right = flatten(b);
    Set<String> paths = new TreeSet<>(left.keySet());
    paths.addAll(right.keySet());
    paths.removeIf(p -> left.containsKey(p) && left.get(p).equals(right.get(p)));
    return paths;
  }

  /** A deep copy with generated names (ConfigMaps, Secrets) replaced by their generator's name. */
  static JsonNode withoutGeneratorHashes(JsonNode object, Rendered in) {
    Map<String, String> generated = new TreeMap<>();
    for (JsonNode o : in.objects()) {
      String kind = o.path("kind").asText();
      if (kind.equals("ConfigMap") || kind.equals("Secret")) {
        generated.put(Rendered.name(o), generatorName(Rendered.name(o)));
      }
    }
    JsonNode copy = object.deepCopy();
    replaceText(copy, generated);
    return copy;
  }

  private static void replaceText(JsonNode node, Map<String, String> replacements) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode child = object.get(name);
        if (child.isTextual() && replacements.containsKey(child.asText())) {
          object.set(name, TextNode.valueOf(replacements.get(child.asText())));
        } else {
          replaceText(child, replacements);
        }
      }
    } else if (node.isArray()) {
      node.forEach(child -> replaceText(child, replacements));
    }
  }
}
