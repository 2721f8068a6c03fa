package dev.tracelake.console;

import java.util.Map;
import java.util.Optional;

/**
 * One console request as the API handlers see it: its path, its query parameters (one value each),
 * who asks, and the body of a POST.
 */
record ConsoleRequest(
    String method, String path, Map<String, String> params, ConsolePrincipal who, byte[] body) {
  /** The longest query parameter value accepted. */
  static final int MAX_PARAM_CHARS = 8_192;

  /** Returns a parameter, stripped, or empty when absent or blank. */
  Optional<String> param(String name) {
    String v = params.get(name);
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(v.strip());
  }

  /** Returns a required parameter. */
  String required(String name) {
    return param(name)
        .orElseThrow(() -> ApiException.badRequest("Parameter '%s' is required", name));
  }

  /** Returns an integer parameter within bounds, or the default when absent. */
  int intParam(String name, int fallback, int min, int max) {
    Optional<String> v = param(name);
    if (v.isEmpty()) {
      return fallback;
    }
    int n;
    try {
      n = Integer.parseInt(v.get());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "Parameter '%s' must be a whole number, got '%s'", name, Texts.cap(v.get()));
    }
    if (n < min || n > max) {
      throw ApiException.badRequest(
          "Parameter '%s' must be from %d to %d, got %d", name, min, max, n);
    }
    return n;
  }
}
