package dev.tracelake.tls;

import java.util.Locale;

/** Whether a TLS listener asks its clients for a certificate. */
public enum ClientAuth {
  /** No client certificate is asked for. */
  NONE,
  /** A client may present a certificate; one that does not chain to the client CA is refused. */
  OPTIONAL,
  /** Every client must present a certificate that chains to the client CA. */
  REQUIRE;

  /** Returns the setting's spelling: {@code none}, {@code optional} or {@code require}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code none}, {@code optional} or {@code require}.
   *
   * @throws IllegalArgumentException naming the value otherwise
   */
  public static ClientAuth parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "none" -> NONE;
      case "optional", "want" -> OPTIONAL;
      case "require", "required", "need" -> REQUIRE;
      default ->
          throw new IllegalArgumentException(
              "Setting tls-client-auth must be none, optional or require, got '"
                  + PemFiles.shown(text)
                  + "'");
    };
  }
}
