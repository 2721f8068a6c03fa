package dev.tracelake.cli;

import dev.tracelake.access.LocalCredential;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.lake.LakeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/**
 * The bearer token a command sends to a server: {@code --token}, else {@code TRACELAKE_TOKEN}, else
 * the file {@code TRACELAKE_TOKEN_FILE} names, else the local server's own token in the warehouse
 * ({@code <warehouse>/.tracelake/token}, readable by the user who started the server), so the
 * embedded default needs no configuration.
 */
final class ClientToken {
  static final String ENV = "TRACELAKE_TOKEN";
  static final String FILE_ENV = "TRACELAKE_TOKEN_FILE";

  @Option(
      names = "--token",
      paramLabel = "<token>",
      description =
          "Bearer token for a server under access control (prefer env TRACELAKE_TOKEN: arguments"
              + " show in process lists; default: the local server's token in the warehouse).")
  String token;

  /** Resolves the token; null when there is none (the server then answers UNAUTHENTICATED). */
  String resolve(UnaryOperator<String> environment, LakeConfig lake) {
    if (token != null && !token.isBlank()) {
      return token.strip();
    }
    String env = environment.apply(ENV);
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    String file = environment.apply(FILE_ENV);
    if (file != null && !file.isBlank()) {
      return read(Path.of(file.strip()));
    }
    if (lake != null && lake.isLocalWarehouse()) {
      Path local = lake.warehousePath().resolve(".tracelake").resolve(LocalCredential.FILE_NAME);
      if (Files.isReadable(local)) {
        return read(local);
      }
    }
    return null;
  }

  private static String read(Path file) {
    try {
      String t = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return t.isEmpty() ? null : t;
    } catch (IOException e) {
      throw new CliException("Cannot read the token file " + file + ": " + e.getMessage());
    }
  }

  /** Connects to {@code target} with the resolved token. */
  TracelakeClient connect(String target, UnaryOperator<String> environment, LakeConfig lake) {
    return TracelakeClient.connect(target, resolve(environment, lake));
  }
}
