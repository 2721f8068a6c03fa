package dev.tracelake.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation a user gets with a clone links only to files inside the clone: every relative
 * Markdown link of a tracked-looking {@code *.md} file (outside build output) resolves, and none
 * leaves the repository.
 */
class DocLinksTest {
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern BARE_OUTSIDE = Pattern.compile("`\\.\\./shared/[^`]*`");

  private static Path repository() {
    return DeployDir.root().getParent();
  }

  private static List<Path> markdownFiles() throws IOException {
    Path repo = repository();
    try (Stream<Path> files = Files.walk(repo)) {
      return files
          .filter(p -> p.toString().endsWith(".md"))
          .filter(
              p -> {
                String relative = repo.relativize(p).toString();
                return !relative.contains("target/")
                    && !relative.startsWith(".git")
                    && !relative.contains("node_modules/");
              })
          .toList();
    }
  }

  @Test
  void everyRelativeLinkResolvesInsideTheRepository() throws IOException {
    Path repo = repository().toRealPath();
    List<String> broken = new ArrayList<>();
    for (Path file : markdownFiles()) {
      Matcher m = LINK.matcher(Files.readString(file));
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("^[a-z][a-z0-9+.-]*:.*") || target.startsWith("#")) {
          continue; // a URL (http:, https:, mailto:) or an anchor in the same file
        }
        Path resolved = file.getParent().resolve(target.replaceAll("#.*$", "")).normalize();
        if (!resolved.toAbsolutePath().startsWith(repo) || !Files.exists(resolved)) {
          broken.add(repo.relativize(file.toRealPath()) + " -> " + target);
        }
      }
    }
    assertThat(broken).as("links that do not resolve inside the repository").isEmpty();
  }

  @Test
  void noDocumentPointsReadersOutsideTheClone() throws IOException {
    List<String> outside = new ArrayList<>();
    for (Path file : markdownFiles()) {
      Matcher m = BARE_OUTSIDE.matcher(Files.readString(file));
      while (m.find()) {
        outside.add(repository().relativize(file) + ": " + m.group());
      }
    }
    assertThat(outside).as("references to files outside the repository").isEmpty();
  }
}
