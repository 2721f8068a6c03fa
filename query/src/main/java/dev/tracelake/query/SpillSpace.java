package dev.tracelake.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's private directory for DuckDB's temporary files: readable only by this process's
 * user, outside the warehouse, one subdirectory per query that is removed when the query ends. It
 * is also the only place the engine's confined threads may write ({@link FileWriteBarrier}).
 */
final class SpillSpace implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpillSpace.class);

  private final Path root;

  private SpillSpace(Path root) {
    this.root = root;
  }

  /**
   * Creates the engine's spill directory under {@code parent}.
   *
   * @param warehouse the lake's local warehouse directory, or null for an object store
   * @throws IllegalArgumentException when {@code parent} is inside the warehouse or the warehouse
   *     inside it
   */
  static SpillSpace create(Path parent, Path warehouse) {
    try {
      Path real = Files.createDirectories(parent.toAbsolutePath().normalize()).toRealPath();
      if (warehouse != null && Files.exists(warehouse)) {
        Path w = warehouse.toRealPath();
        if (real.startsWith(w)) {
          throw new IllegalArgumentException(
              "The SQL spill directory "
                  + real
                  + " must be outside the warehouse "
                  + w
                  + ": queries must never write where committed files live");
        }
      }
      Path root =
          FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
              ? Files.createTempDirectory(
                  real,
                  "tracelake-sql-",
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rwx------")))
              : Files.createTempDirectory(real, "tracelake-sql-");
      return new SpillSpace(root);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the SQL spill directory under " + parent, e);
    }
  }

  Path root() {
    return root;
  }

  /** Creates the private directory of query {@code id}. */
  Path forQuery(long id) {
    Path dir = root.resolve("q-" + id);
    try {
      return Files.createDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the spill directory " + dir, e);
    }
  }

  /** Removes a query's directory and whatever DuckDB left in it. */
  void release(Path queryDir) {
    delete(queryDir);
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Cannot remove SQL spill directory {}", dir, e);
    }
  }

  @Override
  public void close() {
    delete(root);
  }
}
