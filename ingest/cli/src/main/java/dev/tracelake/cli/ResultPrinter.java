package dev.tracelake.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Prints a query's batches as they stream. The table format holds at most its row cap in memory and
 * stops reading there; CSV and JSON print every row.
 */
final class ResultPrinter {
  /** What was printed: how many rows, and whether the table cap left more unread. */
  record Printed(long rows, boolean capped) {}

  private ResultPrinter() {}

  /**
   * Prints every batch of {@code batches} to {@code out}.
   *
   * @param tableCap the most rows the table format prints
   * @throws CliException when the query fails while streaming
   */
  static Printed print(SqlBatches batches, SqlFormat format, PrintWriter out, int tableCap) {
    Printed printed =
        switch (format) {
          case TABLE -> table(batches, out, tableCap);
          case CSV -> csv(batches, out);
          case JSON -> json(batches, out);
        };
    out.flush();
    return printed;
  }

  /** The result's column names, repeats made unique (see {@link ColumnNames}). */
  private static List<String> header(VectorSchemaRoot root) {
    return ColumnNames.unique(root.getSchema().getFields().stream().map(Field::getName).toList());
  }

  private static Printed table(SqlBatches batches, PrintWriter out, int cap) {
    TextTable table = TextTable.of(header(batches.root()).toArray(String[]::new));
    long rows = 0;
    boolean capped = false;
    while (!capped && batches.loadNextBatch()) {
      VectorSchemaRoot root = batches.root();
      for (int r = 0; r < root.getRowCount(); r++) {
        if (rows == cap) {
          capped = true;
          break;
        }
        List<FieldVector> vectors = root.getFieldVectors();
        Object[] values = new Object[vectors.size()];
        for (int c = 0; c < values.length; c++) {
          values[c] = SqlValues.text(SqlValues.plain(vectors.get(c), r));
        }
        table.row(values);
        rows++;
      }
    }
    table.print(out);
    return new Printed(rows, capped);
  }

  private static Printed csv(SqlBatches batches, PrintWriter out) {
    out.println(csvLine(header(batches.root())));
    long rows = 0;
    while (batches.loadNextBatch()) {
      VectorSchemaRoot root = batches.root();
      List<String> line = new ArrayList<>();
      for (int r = 0; r < root.getRowCount(); r++) {
        line.clear();
        for (FieldVector vector : root.getFieldVectors()) {
          Object value = SqlValues.plain(vector, r);
          line.add(value == null ? "" : csvText(value));
        }
        out.println(csvLine(line));
        rows++;
      }
      out.flush();
    }
    return new Printed(rows, false);
  }

  private static String csvText(Object plain) {
    return plain instanceof List<?> || plain instanceof java.util.Map<?, ?>
        ? SqlValues.text(plain)
        : plain.toString();
  }

  private static String csvLine(List<String> values) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        line.append(',');
      }
      String v = values.get(i);
      boolean quote =
          v.indexOf(',') >= 0
              || v.indexOf('"') >= 0
              || v.indexOf('\n') >= 0
              || v.indexOf('\r') >= 0
              || (!v.isEmpty() && (v.charAt(0) == ' ' || v.charAt(v.length() - 1) == ' '));
      line.append(quote ? '"' + v.replace("\"", "\"\"") + '"' : v);
    }
    return line.toString();
  }

  /** Prints a JSON array with one object per row, one row per line. */
  private static Printed json(SqlBatches batches, PrintWriter out) {
    List<String> header = header(batches.root());
    long rows = 0;
    out.print('[');
    try {
      while (batches.loadNextBatch()) {
        VectorSchemaRoot root = batches.root();
        List<FieldVector> vectors = root.getFieldVectors();
        for (int r = 0; r < root.getRowCount(); r++) {
          out.print(rows == 0 ? "\n" : ",\n");
          JsonGenerator json = SqlValues.JSON.getFactory().createGenerator(out);
          json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
          json.writeStartObject();
          for (int c = 0; c < vectors.size(); c++) {
            json.writeFieldName(header.get(c));
            json.writeObject(SqlValues.plain(vectors.get(c), r));
          }
          json.writeEndObject();
          json.flush();
          rows++;
        }
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the query result as JSON", e);
    }
    out.println(rows == 0 ? "]" : "\n]");
    return new Printed(rows, false);
  }
}
