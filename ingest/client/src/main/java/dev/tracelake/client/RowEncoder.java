package dev.tracelake.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.tracelake.proto.v1.ArrowRows;
import dev.tracelake.proto.v1.JsonRows;
import dev.tracelake.wire.ArrowIpc;
import dev.tracelake.wire.RecordIdGenerator;
import java.nio.charset.StandardCharsets;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Turns a writer's rows into request payloads, giving every row a {@code _record_id} so the writer
 * knows all ids before the server answers. Thread-safe.
 */
final class RowEncoder {
  static final String RECORD_ID = "_record_id";
  // bytes of a fresh id (UUID text): sizes the id vector, which grows if ever it is more
  private static final int ID_LENGTH_HINT = RecordIdGenerator.LENGTH;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(
              // ISO-8601 for java.time values, which the server reads for dates and timestamps
              new SimpleModule("tracelake-time")
                  .addSerializer(Temporal.class, ToStringSerializer.instance));

  private final BufferAllocator allocator;

  /** Rows ready to send: either payload, with the record id of each row. */
  record Encoded(ArrowRows arrow, JsonRows json, List<String> recordIds) {}

  RowEncoder(BufferAllocator allocator) {
    this.allocator = allocator;
  }

  /** Encodes a batch as an Arrow IPC stream whose {@code _record_id} column has no nulls. */
  Encoded arrow(VectorSchemaRoot batch) {
    int rows = batch.getRowCount();
    FieldVector given = batch.getVector(RECORD_ID);
    if (given != null && !(given instanceof VarCharVector)) {
      throw new IllegalArgumentException(
          "Column '"
              + RECORD_ID
              + "' must be a string (Utf8) column, got "
              + given.getField().getType());
    }
    List<String> ids;
    try (VarCharVector idVector =
        new VarCharVector(
            new Field(RECORD_ID, FieldType.nullable(ArrowType.Utf8.INSTANCE), null), allocator)) {
      FreshIds fresh = given == null || given.getNullCount() > 0 ? FreshIds.make(rows) : null;
      if (given == null) {
        // the common case: every id is fresh, copied as bytes without a String each
        idVector.allocateNew((long) rows * ID_LENGTH_HINT, rows);
        for (int i = 0; i < rows; i++) {
          fresh.copyTo(idVector, i);
        }
        ids = fresh;
      } else {
        idVector.allocateNew(rows);
        ids = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
          String id =
              given.isNull(i)
                  ? fresh.get(i)
                  : new String(((VarCharVector) given).get(i), StandardCharsets.UTF_8);
          ids.add(id);
          idVector.setSafe(i, id.getBytes(StandardCharsets.UTF_8));
        }
      }
      idVector.setValueCount(rows);
      // A view over the caller's vectors with our id column: the caller's batch stays unchanged,
      // and only the id vector is ours to close.
      List<FieldVector> vectors = new ArrayList<>(batch.getFieldVectors());
      vectors.removeIf(v -> v.getName().equals(RECORD_ID));
      vectors.add(idVector);
      List<Field> fields = vectors.stream().map(FieldVector::getField).toList();
      VectorSchemaRoot view = new VectorSchemaRoot(fields, vectors, rows);
      return new Encoded(ArrowRows.newBuilder().setIpcStream(ipcStream(view)).build(), null, ids);
    }
  }

  /** Encodes rows as JSON objects, adding a {@code _record_id} to rows without one. */
  Encoded json(List<? extends Map<String, ?>> rows) {
    JsonRows.Builder json = JsonRows.newBuilder();
    List<String> ids = new ArrayList<>(rows.size());
    FreshIds fresh = null;
    for (int r = 0; r < rows.size(); r++) {
      Map<String, ?> row = rows.get(r);
      if (row == null) {
        throw new IllegalArgumentException("Row " + r + " is null");
      }
      Object given = row.get(RECORD_ID);
      String id;
      if (given == null) {
        if (fresh == null) {
          fresh = FreshIds.make(rows.size());
        }
        id = fresh.get(r);
      } else if (given instanceof String s) {
        id = s;
      } else {
        throw new IllegalArgumentException(
            "Row "
                + r
                + ": '"
                + RECORD_ID
                + "' must be a string, got "
                + given.getClass().getSimpleName()
                + " "
                + given);
      }
      Map<String, Object> withId = new LinkedHashMap<>(row);
      withId.put(RECORD_ID, id);
      try {
        json.addRows(JSON.writeValueAsString(withId));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(
            "Row " + r + " cannot be written as JSON: " + e.getOriginalMessage(), e);
      }
      ids.add(id);
    }
    return new Encoded(null, json.build(), ids);
  }

  /** Encodes {@code batch} as an IPC stream wrapped without a copy of the encoded bytes. */
  private static ByteString ipcStream(VectorSchemaRoot batch) {
    ArrowIpc.Encoded encoded = ArrowIpc.encode(batch);
    return UnsafeByteOperations.unsafeWrap(encoded.buffer(), 0, encoded.length());
  }
}
