package dev.tracelake.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;

/** What a service does to a table's versions without the CLI: tag, stage, publish, evolve. */
class TableTest extends ClientTestBase {

  @Test
  void writeAuditPublishWithAWriterOnABranch() {
    createEvents("events");
    Table events = client.table("events");
    long first;
    try (TableWriter writer = client.openWriter("events", "loader", PROVENANCE)) {
      first = writer.appendRows(eventRows(0, 10)).join().snapshotId();
    }
    Ref audit = events.createBranch("audit");
    assertThat(audit).isEqualTo(new Ref("audit", Ref.Type.BRANCH, first));

    WriterOptions onAudit = quickRetry().branch("audit").build();
    AppendAck staged;
    try (TableWriter writer = client.openWriter("events", "loader", onAudit)) {
      staged = writer.appendRows(eventRows(10, 5)).join();
    }
    // a branch inherits the history it was made from, the writer's offsets included
    assertThat(staged.offset()).isEqualTo(1);
    assertThat(client.writerOffset("events", "loader", "audit")).hasValue(1);
    assertThat(client.writerOffset("events", "loader")).hasValue(0);
    // the audit reads the branch; main does not see the staged rows yet
    assertThat(eventIds("events")).hasSize(10);
    assertThat(read("events", staged.snapshotId(), "event_id", "_record_id")).hasSize(15);

    Ref main = events.publish("audit");
    assertThat(main).isEqualTo(new Ref("main", Ref.Type.BRANCH, staged.snapshotId()));
    assertThat(eventIds("events")).isEqualTo(LongStream.range(0, 15).boxed().toList());
    assertThat(client.writerOffset("events", "loader")).hasValue(1);
    assertThat(events.refs())
        .containsExactly(
            new Ref("audit", Ref.Type.BRANCH, staged.snapshotId()),
            new Ref("main", Ref.Type.BRANCH, staged.snapshotId()));
  }

  @Test
  void aPublishThatIsNotAFastForwardFailsAndLeavesMainAlone() {
    createEvents("events");
    Table events = client.table("events");
    try (TableWriter writer = client.openWriter("events", "w", PROVENANCE)) {
      writer.appendRows(eventRows(0, 1)).join();
      events.createBranch("audit");
      writer.appendRows(eventRows(1, 1)).join();
    }
    long mainHead = client.describe("events").currentSnapshotId().orElseThrow();
    assertThatThrownBy(() -> events.publish("audit"))
        .isInstanceOf(TracelakeException.class)
        .hasMessageContaining("Cannot publish branch 'audit' of table events")
        .hasMessageContaining("FAILED_PRECONDITION")
        .satisfies(
            e ->
                assertThat(((TracelakeException) e).code())
                    .isEqualTo(Status.Code.FAILED_PRECONDITION));
    assertThat(client.describe("events").currentSnapshotId()).hasValue(mainHead);
  }

  @Test
  void tagsNameTrainingSetsForGoodAndOnlyAnAdminMovesThem() {
    createEvents("events");
    Table events = client.table("events");
    List<Long> snapshots = new ArrayList<>();
    try (TableWriter writer = client.openWriter("events", "w", PROVENANCE)) {
      for (int i = 0; i < 3; i++) {
        snapshots.add(writer.appendRows(eventRows(i, 1)).join().snapshotId());
      }
    }
    assertThat(events.createTag("training-set-fraud-v3").snapshotId()).isEqualTo(snapshots.get(2));
    assertThat(events.createTag("v1", snapshots.get(0)))
        .isEqualTo(new Ref("v1", Ref.Type.TAG, snapshots.get(0)));
    assertThatThrownBy(() -> events.createTag("v1", snapshots.get(1)))
        .isInstanceOf(TracelakeException.class)
        .hasMessageContaining("ALREADY_EXISTS")
        .hasMessageContaining("tags are immutable");

    assertThat(events.admin().moveTag("v1", snapshots.get(1)).snapshotId())
        .isEqualTo(snapshots.get(1));
    events.admin().dropTag("v1");
    assertThat(events.refs())
        .extracting(Ref::name)
        .containsExactly("main", "training-set-fraud-v3");

    TableVersion tagged = events.describeAt("training-set-fraud-v3");
    assertThat(tagged.ref())
        .contains(new Ref("training-set-fraud-v3", Ref.Type.TAG, snapshots.get(2)));
    assertThat(tagged.snapshot().orElseThrow().totalRows()).isEqualTo(3);
    assertThat(tagged.snapshot().orElseThrow().provenance()).isEqualTo(PROVENANCE);
  }

  @Test
  void snapshotsArePagedAndCarryTheirProvenance() {
    createEvents("events");
    List<Long> ids = new ArrayList<>();
    try (TableWriter writer = client.openWriter("events", "w", PROVENANCE)) {
      for (int i = 0; i < 5; i++) {
        ids.add(writer.appendRows(eventRows(i, 2)).join().snapshotId());
      }
    }
    SnapshotListing listing = client.table("events").snapshots().pageSize(2);
    SnapshotPage first = listing.page("");
    assertThat(first.snapshots()).extracting(Snapshot::snapshotId).isEqualTo(ids.subList(0, 2));
    assertThat(first.hasNextPage()).isTrue();
    assertThat(listing.page(first.nextPageToken()).snapshots())
        .extracting(Snapshot::snapshotId)
        .isEqualTo(ids.subList(2, 4));
    assertThat(listing.all()).extracting(Snapshot::snapshotId).isEqualTo(ids);
    List<Long> newestFirst = new ArrayList<>(ids);
    java.util.Collections.reverse(newestFirst);
    assertThat(listing.newestFirst().all()).extracting(Snapshot::snapshotId).isEqualTo(newestFirst);

    Snapshot s = listing.all().get(1);
    assertThat(s.parentId()).hasValue(ids.get(0));
    assertThat(s.addedRows()).isEqualTo(2);
    assertThat(s.totalRows()).isEqualTo(4);
    assertThat(s.operation()).isEqualTo("append");
    assertThat(s.provenance().codeCommit()).isEqualTo("abc123");
    assertThat(s.provenance().modelName()).isEqualTo("fraud");
    assertThat(s.provenance().runId()).isEqualTo("run-7");

    assertThatThrownBy(() -> listing.page("bm90LWEtdG9rZW4"))
        .isInstanceOf(TracelakeException.class)
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("not a token this listing handed out");
    assertThatThrownBy(() -> listing.pageSize(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aServiceEvolvesTheSchemaAndWritesTheNewColumnWhileOldVersionsReadAsBefore() {
    createEvents("events");
    Table events = client.table("events");
    try (TableWriter writer = client.openWriter("events", "w", PROVENANCE)) {
      writer.appendRows(eventRows(0, 2)).join();
    }
    events.createTag("before");
    TableInfo after =
        events.evolveSchema(
            SchemaUpdate.create()
                .addColumn("country", "string", "ISO 3166 code")
                .addColumn(
                    new Field(
                        "labels",
                        FieldType.nullable(ArrowType.List.INSTANCE),
                        List.of(Field.nullable("item", ArrowType.Utf8.INSTANCE))))
                .renameColumn("user", "user_id")
                .makeOptional("event_id"));
    assertThat(after.columns())
        .filteredOn(c -> !c.metadata())
        .extracting(TableInfo.Column::name)
        .containsExactly("event_id", "user_id", "score", "country", "labels");

    try (TableWriter writer = client.openWriter("events", "w", PROVENANCE)) {
      writer
          .appendRows(
              List.of(
                  Map.of("event_id", 9L, "user_id", "u9", "country", "NL", "labels", List.of("a"))))
          .join();
    }
    List<String> rows = new ArrayList<>();
    try (SqlRows result =
        client.sql("SELECT event_id, country FROM events ORDER BY event_id", allocator)) {
      while (result.loadNextBatch()) {
        for (int i = 0; i < result.root().getRowCount(); i++) {
          rows.add(
              result.root().getVector(0).getObject(i)
                  + ":"
                  + result.root().getVector(1).getObject(i));
        }
      }
    }
    assertThat(rows).containsExactly("0:null", "1:null", "9:NL");
    assertThat(events.describeAt("before").table().columns())
        .filteredOn(c -> !c.metadata())
        .extracting(TableInfo.Column::name)
        .containsExactly("event_id", "user", "score");

    assertThatThrownBy(
            () -> events.evolveSchema(SchemaUpdate.create().widenColumn("score", "float")))
        .isInstanceOf(TracelakeException.class)
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("'score' cannot change from double to float");
    assertThatThrownBy(() -> events.evolveSchema(SchemaUpdate.create()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }
}
