package dev.tracelake.ingest;

import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.InputText;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.arrow.vector.VarCharVector;
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
 * @param omitRecordIds whether the acknowledgement leaves the record ids out
 */
public record AppendBatch(
    TableName table,
    String branch,
    String writerId,
    long offset,
    Provenance provenance,
    List<VectorSchemaRoot> batches,
    long bytes,
    boolean omitRecordIds) {
  private static final Pattern WRITER_ID = Pattern.compile("[A-Za-z0-9._\\-]{1,128}");

  /**
   * The most bytes of record ids one acknowledgement carries, so that it fits gRPC's default 4 MiB
   * receive limit with room to spare.
   */
  static final long MAX_ACK_ID_BYTES = 3L << 20;

  // what each id costs in an acknowledgement besides its bytes: the field tag and length
  private static final int ID_OVERHEAD = 3;

  public AppendBatch {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(provenance, "provenance");
    batches = List.copyOf(batches);
    checkWriterId(writerId);
    if (offset < 0) {
      throw new IngestException(
              ErrorKind.OFFSET_OUT_OF_RANGE,
              "Writer "
                  + writerId
                  + " on table "
                  + table
                  + ": offset must be >= 0, given "
                  + offset)
          .with("table", table)
          .with("offset", offset)
          .with("expected_offset", 0)
          .with("field", "offset");
    }
  }

  /** Builds a request whose acknowledgement carries the record ids. */
  public AppendBatch(
      TableName table,
      String branch,
      String writerId,
      long offset,
      Provenance provenance,
      List<VectorSchemaRoot> batches,
      long bytes) {
    this(table, branch, writerId, offset, provenance, batches, bytes, false);
  }

  static void checkWriterId(String writerId) {
    if (writerId == null || !WRITER_ID.matcher(writerId).matches()) {
      throw new IngestException(
              ErrorKind.INVALID_ARGUMENT,
              "Invalid writer id "
                  + InputText.shown(writerId)
                  + ": use 1 to 128 of letters, digits, '.', '_', '-'")
          .with("field", "writer_id");
    }
  }

  long rows() {
    long rows = 0;
    for (VectorSchemaRoot batch : batches) {
      rows += batch.getRowCount();
    }
    return rows;
  }

  /**
   * Returns how many bytes the record ids of this request take in an acknowledgement: those the
   * writer gives are measured, fresh ones are of the canonical length. Reads no row.
   */
  long ackIdBytes() {
    long total = 0;
    for (VectorSchemaRoot batch : batches) {
      int rows = batch.getRowCount();
      if (rows > 0
          && batch.getVector(MetadataColumns.RECORD_ID) instanceof VarCharVector ids
          && ids.getNullCount() == 0) {
        total += ids.getEndOffset(rows - 1) - ids.getStartOffset(0);
      } else {
        total += (long) rows * dev.tracelake.wire.RecordIdGenerator.LENGTH;
      }
      total += (long) rows * ID_OVERHEAD;
    }
    return total;
  }

  /**
   * Returns the record ids the writer gave, when it gave one for every row (a retry then knows the
   * ids its original commit wrote), else empty.
   */
  Optional<List<String>> givenIds() {
    List<String> ids = new ArrayList<>();
    for (VectorSchemaRoot batch : batches) {
      if (!(batch.getVector(MetadataColumns.RECORD_ID) instanceof VarCharVector v)
          || v.getNullCount() > 0) {
        return Optional.empty();
      }
      for (int i = 0; i < batch.getRowCount(); i++) {
        ids.add(new String(v.get(i), StandardCharsets.UTF_8));
      }
    }
    return Optional.of(ids);
  }

  void close() {
    batches.forEach(VectorSchemaRoot::close);
  }
}
