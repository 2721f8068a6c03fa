package dev.tracelake.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locations of the deploy module's files, whether tests run from the module or the root. */
final class DeployDir {
  private DeployDir() {}

  static Path root() {
    Path cwd = Path.of("").toAbsolutePath();
    for (Path candidate : new Path[] {cwd, cwd.resolve("deploy")}) {
      if (Files.isDirectory(candidate.resolve("k8s"))
          && Files.isRegularFile(candidate.resolve("pom.xml"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("Cannot find the deploy module (with k8s/) from " + cwd);
  }

  static Path k8s(String overlay) {
    return root().resolve("k8s").resolve(overlay);
  }
}
