package dev.tracelake.lake;

import static dev.tracelake.lake.TimeTravelTest.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class BranchAndTagTest extends LakeTestBase {

  @Test
  void writeAuditPublish() {
    LakeTable table = events();
    AppendResult base = appendEvents(table, 0, 10);
    table.createBranch("audit");

    AppendResult staged;
    try (PendingAppend append = table.newAppend(PROV, "audit");
        VectorSchemaRoot batch = TestBatches.events(allocator, 10, 5)) {
      append.write(batch);
      staged = append.commit();
    }
    assertThat(staged.branch()).isEqualTo("audit");
    // main untouched while the branch is audited
    assertThat(eventIds(table.scan())).isEqualTo(range(0, 10));
    assertThat(table.scan().snapshot())
        .get()
        .extracting(SnapshotInfo::snapshotId)
        .isEqualTo(base.snapshotId());
    assertThat(eventIds(table.scan().atRef("audit"))).isEqualTo(range(0, 15));

    RefInfo main = table.fastForward("main", "audit");

    assertThat(main.snapshotId()).isEqualTo(staged.snapshotId());
    assertThat(eventIds(table.scan())).isEqualTo(range(0, 15));
    assertThat(table.history("main"))
        .extracting(SnapshotInfo::snapshotId)
        .containsExactly(staged.snapshotId(), base.snapshotId());
  }

  @Test
  void fastForwardIsRefusedWhenMainMovedOn() {
    LakeTable table = events();
    appendEvents(table, 0, 1);
    table.createBranch("audit");
    try (PendingAppend append = table.newAppend(PROV, "audit");
        VectorSchemaRoot batch = TestBatches.events(allocator, 1, 1)) {
      append.write(batch);
      append.commit();
    }
    appendEvents(table, 2, 1);

    assertThatThrownBy(() -> table.fastForward("main", "audit"))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("cannot fast-forward 'main' to 'audit'")
        .extracting(e -> ((LakeException) e).kind())
        .isEqualTo(ErrorKind.FAILED_PRECONDITION);
    assertThat(eventIds(table.scan())).containsExactly(0L, 2L);
  }

  @Test
  void tagsCannotBeMovedOrReusedExceptByAdmin() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 1);
    AppendResult s2 = appendEvents(table, 1, 1);
    table.createTag("training-set-fraud-v3", s1.snapshotId());

    assertThatThrownBy(() -> table.createTag("training-set-fraud-v3", s2.snapshotId()))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining(
            "already has a tag 'training-set-fraud-v3' (at snapshot " + s1.snapshotId())
        .hasMessageContaining("immutable");
    assertThatThrownBy(() -> table.createBranch("training-set-fraud-v3"))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("already has a tag");
    assertThatThrownBy(() -> table.newAppend(PROV, "training-set-fraud-v3"))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("is a tag");
    assertThat(table.findRef("training-set-fraud-v3").snapshotId()).isEqualTo(s1.snapshotId());

    table.admin().moveTag("training-set-fraud-v3", s2.snapshotId());
    assertThat(table.findRef("training-set-fraud-v3").snapshotId()).isEqualTo(s2.snapshotId());
    table.admin().dropTag("training-set-fraud-v3");
    assertThat(table.refs()).extracting(RefInfo::name).containsExactly("main");
    // dropping the tag left every snapshot in place
    assertThat(eventIds(table.scan().atSnapshot(s1.snapshotId()))).containsExactly(0L);
  }

  @Test
  void refsListBranchesThenTags() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 1);
    table.createTag("v1", s1.snapshotId());
    table.createBranch("dev");

    assertThat(table.refs())
        .containsExactly(
            new RefInfo("dev", RefInfo.Type.BRANCH, s1.snapshotId()),
            new RefInfo("main", RefInfo.Type.BRANCH, s1.snapshotId()),
            new RefInfo("v1", RefInfo.Type.TAG, s1.snapshotId()));
  }

  @Test
  void badRefNamesAndTargetsAreRefused() {
    LakeTable table = events();
    appendEvents(table, 0, 1);
    assertThatThrownBy(() -> table.createTag("123", 1L))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("'123'")
        .hasMessageContaining("only of digits");
    assertThatThrownBy(() -> table.createTag("bad name", 1L))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("Invalid ref name 'bad name'");
    assertThatThrownBy(() -> table.createTag("v1", 999L))
        .isInstanceOf(LakeException.class)
        .hasMessage("Table default.events has no snapshot 999");
    assertThatThrownBy(() -> table.newAppend(PROV, "nope"))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("has no branch 'nope'");
    assertThatThrownBy(() -> table.admin().dropBranch("main"))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("'main' cannot be dropped");
  }
}
