package dev.tracelake.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What a container image runs, read from either of its two definitions: the Jib configuration in
 * deploy/pom.xml or deploy/Dockerfile. Class paths differ by design and are not compared.
 */
record ImageDefinition(
    String mainClass,
    List<String> jvmFlags,
    List<String> args,
    Set<Integer> ports,
    Map<String, String> environment,
    String user,
    Set<String> volumes,
    String workingDirectory,
    String baseImage) {

  ImageDefinition {
    jvmFlags = List.copyOf(jvmFlags);
    args = List.copyOf(args);
    ports = Set.copyOf(new TreeSet<>(ports));
    environment = Map.copyOf(environment);
    volumes = Set.copyOf(volumes);
  }

  /** The same definition without the base image, which the two may legitimately differ in. */
  ImageDefinition withoutBase() {
    return new ImageDefinition(
        mainClass, jvmFlags, args, ports, environment, user, volumes, workingDirectory, null);
  }

  // ---------------------------------------------------------------- Jib, deploy/pom.xml ------

  /**
   * Reads the jib-maven-plugin configuration of a module pom, resolving ${...} from its and its
   * parent's properties.
   */
  static ImageDefinition fromJibPom(Path modulePom, Path parentPom) {
    Document module = xml(modulePom);
    Document parent = xml(parentPom);
    Map<String, String> properties = new TreeMap<>(properties(parent));
    properties.putAll(properties(module));
    properties.put("project.version", text(child(parent.getDocumentElement(), "version")));
    properties.put("project.build.directory", modulePom.getParent().resolve("target").toString());

    Element jib = null;
    NodeList plugins = module.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      if ("jib-maven-plugin".equals(text(child(plugin, "artifactId")))
          && child(plugin, "configuration") != null) {
        jib = child(plugin, "configuration");
      }
    }
    if (jib == null) {
      throw new IllegalArgumentException("No jib-maven-plugin configuration in " + modulePom);
    }
    Element container = child(jib, "container");
    Map<String, String> env = new LinkedHashMap<>();
    for (Element var : children(child(container, "environment"))) {
      env.put(var.getTagName(), resolve(text(var), properties));
    }
    return new ImageDefinition(
        resolve(text(child(container, "mainClass")), properties),
        texts(child(container, "jvmFlags"), properties),
        texts(child(container, "args"), properties),
        new TreeSet<>(
            texts(child(container, "ports"), properties).stream().map(Integer::valueOf).toList()),
        env,
        resolve(text(child(container, "user")), properties),
        new TreeSet<>(texts(child(container, "volumes"), properties)),
        resolve(text(child(container, "workingDirectory")), properties),
        resolve(text(child(child(jib, "from"), "image")), properties));
  }

  /** The tag of the image Jib builds: the to.image reference, resolved. */
  static String jibTargetImage(Path modulePom, Path parentPom) {
    Document module = xml(modulePom);
    Document parent = xml(parentPom);
    Map<String, String> properties = new TreeMap<>(properties(parent));
    properties.putAll(properties(module));
    properties.put("project.version", text(child(parent.getDocumentElement(), "version")));
    NodeList to = module.getElementsByTagName("to");
    if (to.getLength() != 1) {
      throw new IllegalArgumentException(
          "Expected one <to> in " + modulePom + ", found " + to.getLength());
    }
    return resolve(text(child((Element) to.item(0), "image")), properties);
  }

  private static Document xml(Path file) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory.newDocumentBuilder().parse(file.toFile());
    } catch (Exception e) {
      throw new IllegalArgumentException("Cannot parse " + file + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> properties(Document pom) {
    Map<String, String> properties = new TreeMap<>();
    for (Element props : children(pom.getDocumentElement())) {
      if (props.getTagName().equals("properties")) {
        for (Element p : children(props)) {
          properties.put(p.getTagName(), text(p));
        }
      }
    }
    return properties;
  }

  private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

  private static String resolve(String value, Map<String, String> properties) {
    if (value == null) {
      return null;
    }
    String resolved = value;
    for (int depth = 0; depth < 10 && resolved.contains("${"); depth++) {
      Matcher m = PROPERTY.matcher(resolved);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String property = properties.get(m.group(1));
        if (property == null) {
          throw new IllegalArgumentException(
              "Undefined property ${" + m.group(1) + "} in " + value);
        }
        m.appendReplacement(out, Matcher.quoteReplacement(property));
      }
      m.appendTail(out);
      resolved = out.toString();
    }
    return resolved;
  }

  private static Element child(Element parent, String name) {
    if (parent == null) {
      return null;
    }
    for (Element e : children(parent)) {
      if (e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static List<Element> children(Element parent) {
    List<Element> elements = new ArrayList<>();
    if (parent == null) {
      return elements;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        elements.add(e);
      }
    }
    return elements;
  }

  private static String text(Element element) {
    return element == null ? null : element.getTextContent().trim();
  }

  private static List<String> texts(Element list, Map<String, String> properties) {
    return children(list).stream().map(e -> resolve(text(e), properties)).toList();
  }

  // ---------------------------------------------------------------- Dockerfile --------------

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads the final stage of a Dockerfile. ENTRYPOINT must be an exec-form {@code java} command:
   * JVM flags, {@code -cp <path>}, the main class; CMD holds the arguments.
   */
  static ImageDefinition fromDockerfile(Path dockerfile) {
    List<String> instructions = instructions(dockerfile);
    Map<String, String> argDefaults = new TreeMap<>();
    int lastFrom = -1;
    for (int i = 0; i < instructions.size(); i++) {
      String keyword = keyword(instructions.get(i));
      if (keyword.equals("FROM")) {
        lastFrom = i;
      } else if (keyword.equals("ARG") && lastFrom < 0) {
        String[] arg = operand(instructions.get(i)).split("=", 2);
        argDefaults.put(arg[0], arg.length > 1 ? arg[1] : "");
      }
    }
    if (lastFrom < 0) {
      throw new IllegalArgumentException("No FROM in " + dockerfile);
    }
    String base = operand(instructions.get(lastFrom)).split("\\s+")[0];
    Matcher arg = Pattern.compile("^\\$\\{(\\w+)}$").matcher(base);
    if (arg.matches()) {
      base = argDefaults.get(arg.group(1));
    }
    List<String> entrypoint = List.of();
    List<String> cmd = List.of();
    Set<Integer> ports = new TreeSet<>();
    Map<String, String> env = new LinkedHashMap<>();
    Set<String> volumes = new TreeSet<>();
    String user = null;
    String workdir = null;
    for (String instruction : instructions.subList(lastFrom + 1, instructions.size())) {
      String operand = operand(instruction);
      switch (keyword(instruction)) {
        case "ENTRYPOINT" -> entrypoint = execForm(operand, dockerfile);
        case "CMD" -> cmd = execForm(operand, dockerfile);
        case "EXPOSE" -> {
          for (String port : operand.split("\\s+")) {
            ports.add(Integer.valueOf(port.replace("/tcp", "")));
          }
        }
        case "ENV" -> {
          for (String pair : operand.split("\\s+")) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2) {
              throw new IllegalArgumentException(
                  "ENV without key=value in " + dockerfile + ": " + instruction);
            }
            env.put(kv[0], kv[1]);
          }
        }
        case "VOLUME" ->
            volumes.addAll(
                operand.startsWith("[")
                    ? execForm(operand, dockerfile)
                    : List.of(operand.split("\\s+")));
        case "USER" -> user = operand;
        case "WORKDIR" -> workdir = operand;
        default -> {}
      }
    }
    int cp = Math.max(entrypoint.indexOf("-cp"), entrypoint.indexOf("-classpath"));
    if (entrypoint.isEmpty()
        || !entrypoint.get(0).equals("java")
        || cp < 0
        || cp + 2 >= entrypoint.size()) {
      throw new IllegalArgumentException(
          "ENTRYPOINT of "
              + dockerfile
              + " is not [java, <flags>, -cp, <path>, <main class>]: "
              + entrypoint);
    }
    return new ImageDefinition(
        entrypoint.get(cp + 2),
        entrypoint.subList(1, cp),
        cmd,
        ports,
        env,
        user,
        volumes,
        workdir,
        base);
  }

  private static List<String> instructions(Path dockerfile) {
    List<String> lines;
    try {
      lines = Files.readAllLines(dockerfile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : lines) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
      } else {
        current.append(trimmed);
        instructions.add(current.toString().strip());
        current.setLength(0);
      }
    }
    return instructions;
  }

  private static String keyword(String instruction) {
    return instruction.split("\\s+", 2)[0].toUpperCase(java.util.Locale.ROOT);
  }

  private static String operand(String instruction) {
    String[] parts = instruction.split("\\s+", 2);
    return parts.length > 1 ? parts[1].strip() : "";
  }

  private static List<String> execForm(String operand, Path dockerfile) {
    try {
      return JSON.readValue(operand, new TypeReference<List<String>>() {});
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Not an exec-form JSON array in " + dockerfile + ": " + operand, e);
    }
  }
}
