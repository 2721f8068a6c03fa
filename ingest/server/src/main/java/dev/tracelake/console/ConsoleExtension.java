package dev.tracelake.console;

import java.util.Map;

/**
 * A part of the console another module adds: answers {@code GET /api/v1/ext/<name>?...} with plain
 * records (serialized to JSON as they are), and appears in the console's navigation. The replay
 * comparison (issue 21) plugs in here; until one is registered its page says it is not available.
 */
public interface ConsoleExtension {
  /** Returns the name in the address and navigation, e.g. {@code replay}: [a-z][a-z0-9-]*. */
  String name();

  /** Returns the title shown in the navigation. */
  String title();

  /**
   * Answers a request.
   *
   * @param params the query parameters, one value each
   * @param who who asks (their value access applies to any row shown)
   * @return a plain value (a record, a list, a map) that Jackson writes as JSON
   * @throws IllegalArgumentException for a bad parameter (answered 400 with its message)
   */
  Object answer(Map<String, String> params, ConsolePrincipal who);
}
