package dev.tracelake.deploy;

/**
 * A container image reference split into repository, tag and digest ({@code registry:5000/a/b:1.0}
 * has repository {@code registry:5000/a/b} and tag {@code 1.0}).
 */
record ImageReference(String repository, String tag, String digest) {
  static ImageReference parse(String reference) {
    if (reference == null || reference.isBlank()) {
      throw new IllegalArgumentException("Empty image reference: '" + reference + "'");
    }
    String rest = reference;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) { // a colon before the last slash is a registry port
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    return new ImageReference(rest, tag, digest);
  }

  /** Whether the reference names one image: a digest, or a tag other than {@code latest}. */
  boolean isPinned() {
    return digest != null || (tag != null && !tag.isBlank() && !tag.equals("latest"));
  }
}
