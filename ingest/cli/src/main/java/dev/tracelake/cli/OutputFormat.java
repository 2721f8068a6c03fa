package dev.tracelake.cli;

/** How a command prints its result: aligned text for people, or JSON for scripts. */
enum OutputFormat {
  TABLE,
  JSON
}
