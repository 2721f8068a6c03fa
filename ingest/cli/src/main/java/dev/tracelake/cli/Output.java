package dev.tracelake.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintWriter;

/** Where a command prints its result, in the format the user asked for. */
final class Output {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private final PrintWriter out;
  private final OutputFormat format;

  Output(PrintWriter out, OutputFormat format) {
    this.out = out;
    this.format = format;
  }

  /** Returns whether the result should be printed as JSON. */
  boolean isJson() {
    return format == OutputFormat.JSON;
  }

  /** Prints a value as indented JSON. */
  void json(Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot print " + value.getClass().getSimpleName(), e);
    }
    out.flush();
  }

  /** Prints an aligned table. */
  void table(TextTable table) {
    table.print(out);
    out.flush();
  }

  /** Prints one line of text. */
  void line(String format, Object... args) {
    out.println(args.length == 0 ? format : String.format(format, args));
    out.flush();
  }

  /** Prints an empty line. */
  void blank() {
    out.println();
  }
}
