package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.TableName;
import dev.tracelake.proto.v1.AppendRowsResponse;
import dev.tracelake.proto.v1.ArrowRows;
import dev.tracelake.proto.v1.ColumnList;
import dev.tracelake.proto.v1.ColumnSpec;
import dev.tracelake.proto.v1.CreateTableRequest;
import dev.tracelake.proto.v1.DescribeTableRequest;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;

/** What the ingest contract promises beyond refusals: int64 strings, dictionaries, names, acks. */
class IngestContractTest extends IngestServerTestBase {

  @Test
  void sixtyFourBitIntegersAreAcceptedAsDecimalStringsAsProto3JsonWritesThem() throws Exception {
    createEvents("events");
    try (AppendStream s = new AppendStream(channel, "events", "js")) {
      // 2^53 + 1: a JavaScript number would round it to 2^53
      s.sendJson(0, List.of("{\"event_id\": \"9007199254740993\", \"user\": \"a\"}"));
      assertThat(s.take().getRowCount()).isEqualTo(1);
      s.sendJson(1, List.of("{\"event_id\": \"-42\"}"));
      assertThat(s.take().getRowCount()).isEqualTo(1);
      s.sendJson(2, List.of("{\"event_id\": \"12x\"}"));
      assertThat(s.status(java.time.Duration.ofSeconds(30)).getDescription())
          .contains("column 'event_id' expects long, got string '12x'");
    }
    assertThat(eventIds("events", null)).containsExactly(-42L, 9007199254740993L);
  }

  @Test
  void dictionaryEncodedStringColumnsAreStoredAsTheirValues() throws Exception {
    createEvents("events");
    byte[] stream = dictionaryStream();
    try (AppendStream s = new AppendStream(channel, "events", "arrow-js")) {
      s.send(
          s.request(0)
              .setArrowRows(ArrowRows.newBuilder().setIpcStream(ByteString.copyFrom(stream)))
              .build());
      assertThat(s.take().getRowCount()).isEqualTo(4);
    }
    LakeTable table = lake.table(TableName.parse("events"));
    List<String> users = new ArrayList<>();
    try (ScanBatches batches = table.scan().select("user").open(allocator)) {
      while (batches.loadNextBatch()) {
        VarCharVector v = (VarCharVector) batches.root().getVector(0);
        for (int i = 0; i < v.getValueCount(); i++) {
          users.add(new String(v.get(i), StandardCharsets.UTF_8));
        }
      }
    }
    assertThat(users).containsExactlyInAnyOrder("alice", "bob", "alice", "alice");
  }

  /** An Arrow IPC stream whose "user" column is dictionary-encoded, as Arrow JS writes it. */
  private byte[] dictionaryStream() throws Exception {
    try (VarCharVector values =
            new VarCharVector(Field.nullable("user", ArrowType.Utf8.INSTANCE), allocator);
        VarCharVector plain =
            new VarCharVector(Field.nullable("user", ArrowType.Utf8.INSTANCE), allocator);
        BigIntVector ids =
            new BigIntVector(
                Field.notNullable("event_id", new ArrowType.Int(64, true)), allocator)) {
      values.allocateNew();
      values.setSafe(0, "alice".getBytes(StandardCharsets.UTF_8));
      values.setSafe(1, "bob".getBytes(StandardCharsets.UTF_8));
      values.setValueCount(2);
      Dictionary dictionary =
          new Dictionary(values, new DictionaryEncoding(7L, false, new ArrowType.Int(32, true)));
      String[] rows = {"alice", "bob", "alice", "alice"};
      plain.allocateNew();
      ids.allocateNew();
      for (int i = 0; i < rows.length; i++) {
        plain.setSafe(i, rows[i].getBytes(StandardCharsets.UTF_8));
        ids.setSafe(i, 100 + i);
      }
      plain.setValueCount(rows.length);
      ids.setValueCount(rows.length);
      try (FieldVector encoded = (FieldVector) DictionaryEncoder.encode(plain, dictionary)) {
        // in memory the column holds the indices; the writer sends the dictionary's values
        List<Field> fields = List.of(ids.getField(), encoded.getField());
        List<FieldVector> vectors = List.of(ids, encoded);
        VectorSchemaRoot root = new VectorSchemaRoot(fields, vectors, rows.length);
        DictionaryProvider.MapDictionaryProvider provider =
            new DictionaryProvider.MapDictionaryProvider(dictionary);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArrowStreamWriter writer =
            new ArrowStreamWriter(root, provider, Channels.newChannel(out))) {
          writer.start();
          writer.writeBatch();
          writer.end();
        }
        return out.toByteArray();
      }
    }
  }

  @Test
  void tableNamesDifferingOnlyInCaseNameOneTable() {
    createEvents("CaseT");
    var refused =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            io.grpc.StatusRuntimeException.class,
            () ->
                stub()
                    .createTable(
                        CreateTableRequest.newBuilder()
                            .setTable("caset")
                            .setColumns(
                                ColumnList.newBuilder()
                                    .addColumns(
                                        ColumnSpec.newBuilder().setName("a").setType("long")))
                            .build()));
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(refused.getStatus().getDescription()).contains("table default.CaseT exists");
    // a lookup in another case finds the one table
    assertThat(
            stub()
                .describeTable(DescribeTableRequest.newBuilder().setTable("CASET").build())
                .getTable()
                .getTable())
        .isEqualTo("default.CaseT");
    assertThat(lake.tables()).extracting(TableName::toString).containsExactly("default.CaseT");
  }

  @Test
  void writersSpellingATableInTwoCasesShareItsOffsets() throws Exception {
    createEvents("CaseT");
    try (AppendStream upper = new AppendStream(channel, "CaseT", "w")) {
      upper.sendJson(0, jsonEvents(0, 2));
      assertThat(upper.take().getAlreadyCommitted()).isFalse();
    }
    try (AppendStream lower = new AppendStream(channel, "caset", "w")) {
      lower.sendJson(0, jsonEvents(0, 2));
      assertThat(lower.take().getAlreadyCommitted()).isTrue();
      lower.sendJson(1, jsonEvents(2, 1));
      assertThat(lower.take().getAlreadyCommitted()).isFalse();
    }
    assertThat(eventIds("CaseT", null)).containsExactly(0L, 1L, 2L);
  }

  @Test
  void aRetryOfACommittedOffsetGetsTheOriginalRecordIds() throws Exception {
    createEvents("events");
    AppendRowsResponse first;
    try (AppendStream s = new AppendStream(channel, "events", "retry")) {
      s.sendJson(0, jsonEvents(0, 3));
      first = s.take();
    }
    try (AppendStream s = new AppendStream(channel, "events", "retry")) {
      s.sendJson(0, jsonEvents(0, 3));
      AppendRowsResponse again = s.take();
      assertThat(again.getAlreadyCommitted()).isTrue();
      assertThat(again.getSnapshotId()).isEqualTo(first.getSnapshotId());
      assertThat(again.getRecordIdsList()).isEqualTo(first.getRecordIdsList()).hasSize(3);
      assertThat(again.getRowCount()).isEqualTo(3);
      assertThat(again.getRecordIdsOmitted()).isFalse();
    }
    assertThat(eventIds("events", null)).containsExactly(0L, 1L, 2L);
  }

  @Test
  void aRetryNamingItsIdsGetsThemBackOnAnyServer() throws Exception {
    createEvents("events");
    List<String> rows =
        List.of(
            "{\"event_id\": 1, \"_record_id\": \"order-1\"}",
            "{\"event_id\": 2, \"_record_id\": \"order-2\"}");
    try (AppendStream s = new AppendStream(channel, "events", "named")) {
      s.sendJson(0, rows);
      assertThat(s.take().getRecordIdsList()).containsExactly("order-1", "order-2");
    }
    // a fresh server over the same lake holds no ids in memory: they come from the request
    server.stop();
    server = TracelakeServer.onNetty(lake, config()).start();
    channel.shutdownNow();
    channel = channel(server.port());
    try (AppendStream s = new AppendStream(channel, "events", "named")) {
      s.sendJson(0, rows);
      AppendRowsResponse again = s.take();
      assertThat(again.getAlreadyCommitted()).isTrue();
      assertThat(again.getRecordIdsList()).containsExactly("order-1", "order-2");
    }
    try (AppendStream s = new AppendStream(channel, "events", "named")) {
      s.sendJson(0, List.of("{\"event_id\": 1}", "{\"event_id\": 2}"));
      AppendRowsResponse unknown = s.take();
      assertThat(unknown.getAlreadyCommitted()).isTrue();
      assertThat(unknown.getRecordIdsList()).isEmpty();
      assertThat(unknown.getRecordIdsOmitted()).isTrue();
    }
  }

  @Test
  void acksAreBoundedAndWritersNamingIdsMayOmitThem() throws Exception {
    createEvents("events");
    int rows = 90_000; // 90,000 ids of 36 characters: more than 3 MiB in an ack
    try (AppendStream s = new AppendStream(channel, "events", "bulk");
        VectorSchemaRoot batch = events(0, rows)) {
      s.sendArrow(0, batch);
      Status refused = s.status(java.time.Duration.ofSeconds(60));
      assertThat(refused.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(refused.getDescription())
          .contains("the acknowledgement of 90000 rows would carry")
          .contains("omit_record_ids");
    }
    assertThat(eventIds("events", null)).isEmpty();
    try (AppendStream s = new AppendStream(channel, "events", "bulk");
        VectorSchemaRoot batch = events(0, rows)) {
      s.send(
          s.request(0)
              .setArrowRows(
                  ArrowRows.newBuilder()
                      .setIpcStream(
                          ByteString.copyFrom(
                              dev.tracelake.wire.ArrowIpc.encode(batch).toByteArray())))
              .setOmitRecordIds(true)
              .build());
      AppendRowsResponse ack = s.take();
      assertThat(ack.getRecordIdsList()).isEmpty();
      assertThat(ack.getRecordIdsOmitted()).isTrue();
      assertThat(ack.getRowCount()).isEqualTo(rows);
      assertThat(ack.getSerializedSize()).isLessThan(1024);
    }
    assertThat(eventIds("events", null)).hasSize(rows);
  }
}
