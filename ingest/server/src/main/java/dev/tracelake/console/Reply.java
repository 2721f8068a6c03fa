package dev.tracelake.console;

import com.fasterxml.jackson.databind.JsonNode;

/** What a console handler answers. */
sealed interface Reply {
  /** A JSON body with a status. */
  record JsonReply(int status, JsonNode body) implements Reply {}

  /** A file to save (evidence bundles), with its own Content-Security-Policy when it is HTML. */
  record Download(String contentType, String fileName, byte[] body, String csp) implements Reply {}

  static Reply json(JsonNode body) {
    return new JsonReply(200, body);
  }
}
