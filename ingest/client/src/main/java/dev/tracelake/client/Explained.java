package dev.tracelake.client;

import java.util.List;

/**
 * The auditor's answer about one record, rendered by the server.
 *
 * @param rendered the explanation in the requested format (json, tree, dot or mermaid)
 * @param format the format used
 * @param problems missing inputs, cycles and index lag found on the way, one sentence each
 */
public record Explained(String rendered, String format, List<String> problems) {
  public Explained {
    problems = List.copyOf(problems);
  }
}
