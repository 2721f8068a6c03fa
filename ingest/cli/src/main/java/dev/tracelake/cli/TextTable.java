package dev.tracelake.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Rows of text printed in aligned columns under a header. Nulls print as {@code -}. */
final class TextTable {
  private static final String GAP = "  ";

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  private TextTable(List<String> header) {
    this.header = List.copyOf(header);
  }

  static TextTable of(String... header) {
    return new TextTable(Arrays.asList(header));
  }

  /** Adds a row; it must have one value per header column. */
  TextTable row(Object... values) {
    if (values.length != header.size()) {
      throw new IllegalArgumentException(
          "Row has " + values.length + " values but the table has columns " + header);
    }
    List<String> row = new ArrayList<>(values.length);
    for (Object value : values) {
      row.add(value == null ? "-" : value.toString());
    }
    rows.add(row);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void print(PrintWriter out) {
    int[] widths = new int[header.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = header.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    printRow(out, header, widths);
    for (List<String> row : rows) {
      printRow(out, row, widths);
    }
  }

  private static void printRow(PrintWriter out, List<String> values, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < values.size(); c++) {
      if (c > 0) {
        line.append(GAP);
      }
      line.append(values.get(c));
      line.append(" ".repeat(widths[c] - values.get(c).length()));
    }
    out.println(line.toString().stripTrailing());
  }
}
