package dev.tracelake.cli;

/** How {@code tracelake sql} prints rows: aligned columns, CSV or a JSON array of objects. */
enum SqlFormat {
  TABLE,
  CSV,
  JSON
}
