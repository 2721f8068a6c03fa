package dev.tracelake.cli;

/** How {@code tracelake replay} commands print: aligned text, JSON, or CSV rows. */
enum ReplayFormat {
  TABLE,
  JSON,
  CSV
}
