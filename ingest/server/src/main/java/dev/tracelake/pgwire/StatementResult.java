package dev.tracelake.pgwire;

import dev.tracelake.query.QueryResult;
import java.io.IOException;
import java.time.ZoneId;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * What one executed statement answers: a command tag only, or rows to stream. Rows are sent in
 * slices ({@code Execute} with a row limit suspends the portal), so a result can stay open across
 * messages; {@link #close()} releases the engine's result.
 */
abstract class StatementResult implements AutoCloseable {
  /** Returns the columns, or null for a statement that returns no rows. */
  abstract List<PgColumn> columns();

  /** Writes up to {@code max} rows (all when max <= 0); returns whether rows remain. */
  abstract boolean send(PgOutput out, int max, List<Integer> formats, ZoneId zone)
      throws IOException;

  /** The command tag once every row was sent, e.g. {@code SELECT 3} or {@code SET}. */
  abstract String tag();

  @Override
  public void close() {}

  static StatementResult command(String tag) {
    return new StatementResult() {
      @Override
      List<PgColumn> columns() {
        return null;
      }

      @Override
      boolean send(PgOutput out, int max, List<Integer> formats, ZoneId zone) {
        return false;
      }

      @Override
      String tag() {
        return tag;
      }
    };
  }

  /** Rows computed by the door itself ({@code SHOW}): all text. */
  static StatementResult text(List<String> names, List<String[]> rows) {
    List<PgColumn> columns =
        names.stream()
            .map(n -> new PgColumn(n, PgType.TEXT, -1, PgColumn.ValueKind.TEXT, null))
            .toList();
    return new StatementResult() {
      private int next;

      @Override
      List<PgColumn> columns() {
        return columns;
      }

      @Override
      boolean send(PgOutput out, int max, List<Integer> formats, ZoneId zone) throws IOException {
        int sent = 0;
        while (next < rows.size() && (max <= 0 || sent < max)) {
          String[] row = rows.get(next++);
          out.begin('D').int16(row.length);
          for (String v : row) {
            if (v == null) {
              out.int32(-1);
            } else {
              byte[] b = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
              out.int32(b.length).bytes(b);
            }
          }
          out.end();
          sent++;
        }
        return next < rows.size();
      }

      @Override
      String tag() {
        return "SHOW";
      }
    };
  }

  /** Rows of a query run by the SQL engine, streamed from its Arrow batches. */
  static final class Query extends StatementResult {
    private final QueryResult result;
    private final List<PgColumn> columns;
    private final ArrowReader reader;
    private VectorSchemaRoot root;
    private int rowInBatch;
    private boolean batchLoaded;
    private boolean exhausted;
    private long rows;
    private final Closing closing;
    private boolean closed;

    /** Told, once, how many rows were sent and whether all of them were, when the result closes. */
    interface Closing {
      void closed(long rows, boolean complete);
    }

    Query(QueryResult result, Closing closing) {
      this.result = result;
      this.columns = PgColumn.of(result.schema().getFields());
      this.reader = result.reader();
      this.closing = closing;
    }

    @Override
    List<PgColumn> columns() {
      return columns;
    }

    @Override
    boolean send(PgOutput out, int max, List<Integer> formats, ZoneId zone) throws IOException {
      boolean[] binary = new boolean[columns.size()];
      for (int c = 0; c < binary.length; c++) {
        binary[c] = format(formats, c) == 1;
      }
      int sent = 0;
      while (!exhausted && (max <= 0 || sent < max)) {
        if (!batchLoaded || rowInBatch >= root.getRowCount()) {
          if (!loadNext()) {
            exhausted = true;
            break;
          }
          root = reader.getVectorSchemaRoot();
          batchLoaded = true;
          rowInBatch = 0;
          continue;
        }
        List<FieldVector> vectors = root.getFieldVectors();
        out.begin('D').int16(columns.size());
        for (int c = 0; c < columns.size(); c++) {
          columns.get(c).write(out, vectors.get(c), rowInBatch, binary[c], zone);
        }
        out.end();
        rowInBatch++;
        rows++;
        sent++;
      }
      if (!exhausted && (!batchLoaded || rowInBatch >= root.getRowCount())) {
        // look ahead so a portal whose last slice ended exactly at the end is not suspended
        if (!loadNext()) {
          exhausted = true;
        } else {
          root = reader.getVectorSchemaRoot();
          batchLoaded = true;
          rowInBatch = 0;
        }
      }
      return !exhausted;
    }

    private boolean loadNext() {
      try {
        return reader.loadNextBatch();
      } catch (IOException e) {
        throw new PgException("XX000", "Cannot read the query result: " + e.getMessage());
      }
    }

    @Override
    String tag() {
      return "SELECT " + rows;
    }

    @Override
    public void close() {
      try {
        result.close();
      } finally {
        if (!closed) {
          closed = true;
          closing.closed(rows, exhausted);
        }
      }
    }
  }

  static int format(List<Integer> formats, int column) {
    if (formats.isEmpty()) {
      return 0;
    }
    return formats.size() == 1 ? formats.get(0) : formats.get(column);
  }
}
