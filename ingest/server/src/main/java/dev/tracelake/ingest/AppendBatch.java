package dev.tracelake.ingest;

import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One append request in domain terms: rows of one writer at one offset. The batches are owned by
 * the request: the {@link Ingestor} closes them once the request is acknowledged or failed.
 *
 * @param table the table
 * @param branch the branch, {@code main} by default
 * @param writerId the writer
 * @param offset the writer's sequence number for this request
 * @param provenance who produced the rows
 * @param batches the rows
 * @param bytes the request's size, charged to the in-flight budget until it completes
 */
public record AppendBatch(
    TableName table,
    String branch,
    String writerId,
    long offset,
    Provenance provenance,
    List<VectorSchemaRoot> batches,
    long bytes) {
  private static final Pattern WRITER_ID = Pattern.compile("[A-Za-z0-9._\\-]{1,128}");

  public AppendBatch {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(provenance, "provenance");
    batches = List.copyOf(batches);
    checkWriterId(writerId);
    if (offset < 0) {
      throw new IngestException(
          IngestException.Reason.OFFSET_OUT_OF_RANGE,
          "Writer " + writerId + " on table " + table + ": offset must be >= 0, given " + offset);
    }
  }

  static void checkWriterId(String writerId) {
    if (writerId == null || !WRITER_ID.matcher(writerId).matches()) {
      throw new IngestException(
          IngestException.Reason.INVALID_REQUEST,
          "Invalid writer id '" + writerId + "': use 1 to 128 of letters, digits, '.', '_', '-'");
    }
  }

  long rows() {
    long rows = 0;
    for (VectorSchemaRoot batch : batches) {
      rows += batch.getRowCount();
    }
    return rows;
  }

  void close() {
    batches.forEach(VectorSchemaRoot::close);
  }
}
