package dev.tracelake.cli;

import dev.tracelake.lake.LakeConfig;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Which running server a lineage command asks, if any: {@code --server}, else {@code
 * TRACELAKE_SERVER}, else a server serving the same local warehouse on this machine (its note in
 * the warehouse, {@link ServerAdvert}). A server found that way only is a convenience: when it does
 * not answer, the command falls back to the embedded lake. {@code --embedded} never asks one.
 */
record ServerTarget(String address, boolean explicit) {
  static final String ENV = "TRACELAKE_SERVER";

  /**
   * Resolves the server to ask.
   *
   * @param option the {@code --server} value, or null
   * @param embedded whether {@code --embedded} was given
   * @param lake the embedded lake's configuration, where a local server leaves its note; null when
   *     it cannot be built (then only an explicit server is used)
   */
  static Optional<ServerTarget> resolve(
      String option, boolean embedded, LakeConfig lake, UnaryOperator<String> environment) {
    if (embedded) {
      return Optional.empty();
    }
    if (option != null && !option.isBlank()) {
      return Optional.of(new ServerTarget(option.strip(), true));
    }
    String env = environment.apply(ENV);
    if (env != null && !env.isBlank()) {
      return Optional.of(new ServerTarget(env.strip(), true));
    }
    if (lake == null || !lake.isLocalWarehouse() || lake.catalogUri() != null) {
      return Optional.empty();
    }
    return ServerAdvert.find(lake.warehousePath()).map(f -> new ServerTarget(f.address(), false));
  }
}
