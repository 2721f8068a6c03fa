package dev.tracelake.cli;

import dev.tracelake.lake.LakeConfig;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The note a running {@code tracelake serve} leaves in its local warehouse ({@value #FILE}, Java
 * properties: cheap for a CLI to read on every start): its gRPC address and process id, so that the
 * CLI on the same machine asks it instead of rebuilding the lineage index for every command.
 * Written when serving starts, removed when it stops; a note left by a process that died is ignored
 * (its process is gone).
 */
final class ServerAdvert {
  static final String FILE = ".tracelake-server";

  private static final Logger LOG = LoggerFactory.getLogger(ServerAdvert.class);

  /** A server found: where it listens and which process it is. */
  record Found(String address, long pid) {}

  private ServerAdvert() {}

  /**
   * Leaves the note for a server listening on {@code host:port}; nothing for a warehouse that is
   * not a local directory. Returns the file written, to remove at stop.
   */
  static Optional<Path> publish(LakeConfig config, String host, int port) {
    if (!config.isLocalWarehouse()) {
      return Optional.empty();
    }
    // a server on every interface is reached on loopback from this machine
    String reachable = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    Properties note = new Properties();
    note.setProperty(
        "address",
        reachable.contains(":") ? "[" + reachable + "]:" + port : reachable + ":" + port);
    note.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
    Path file = config.warehousePath().resolve(FILE);
    try {
      Path tmp = Files.createTempFile(config.warehousePath(), ".tracelake-server", ".tmp");
      StringWriter text = new StringWriter();
      note.store(text, "tracelake serve: where the CLI on this machine finds this server");
      Files.writeString(tmp, text.toString());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return Optional.of(file);
    } catch (IOException e) {
      LOG.warn("Cannot leave the server note {} for the CLI: {}", file, e.getMessage());
      return Optional.empty();
    }
  }

  /** Removes the note if it is still this process's. */
  static void withdraw(Path file) {
    try {
      Optional<Found> found = read(file);
      if (found.isPresent() && found.get().pid() == ProcessHandle.current().pid()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      LOG.debug("Cannot remove the server note {}: {}", file, e.getMessage());
    }
  }

  /** Finds a live server of the local warehouse at {@code warehouse}, if one left its note. */
  static Optional<Found> find(Path warehouse) {
    Path file = warehouse.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return read(file)
          .filter(f -> ProcessHandle.of(f.pid()).map(ProcessHandle::isAlive).orElse(false));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<Found> read(Path file) throws IOException {
    Properties note = new Properties();
    try {
      note.load(new StringReader(Files.readString(file)));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty(); // not ours: no server to use
    }
    String address = note.getProperty("address");
    String pid = note.getProperty("pid");
    if (address == null || address.isBlank() || pid == null || !pid.strip().matches("\\d{1,19}")) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Found(address.strip(), Long.parseLong(pid.strip())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
