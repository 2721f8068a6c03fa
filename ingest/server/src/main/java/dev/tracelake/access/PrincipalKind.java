package dev.tracelake.access;

import java.util.Locale;

/** What a principal is. */
public enum PrincipalKind {
  /** A program: a producer, a pipeline, a notebook's service identity. */
  SERVICE,
  /** A person. */
  PERSON,
  /** The server's own token (written to the warehouse): holds every privilege everywhere. */
  LOCAL;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code service} or {@code person}; empty means {@code service}.
   *
   * @throws IllegalArgumentException naming the value otherwise
   */
  public static PrincipalKind parse(String text) {
    if (text == null || text.isBlank()) {
      return SERVICE;
    }
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "service" -> SERVICE;
      case "person" -> PERSON;
      default ->
          throw new IllegalArgumentException(
              "Unknown principal kind '" + AccessNames.cap(text) + "'; use service or person");
    };
  }
}
