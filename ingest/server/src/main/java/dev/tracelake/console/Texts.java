package dev.tracelake.console;

/** Small text helpers for messages. */
final class Texts {
  private Texts() {}

  /** Caps a value quoted in a message and shows control characters as '?'. */
  static String cap(String text) {
    if (text == null) {
      return "null";
    }
    String clean = text.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= 120 ? clean : clean.substring(0, 120) + "...";
  }
}
