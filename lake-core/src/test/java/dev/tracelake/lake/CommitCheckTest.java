package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class CommitCheckTest extends LakeTestBase {

  @Test
  void checkSeesTheHeadAndCanAbortWithoutCommitting() {
    LakeTable table = events();
    AppendResult first = appendEvents(table, 0, 3);
    List<Long> seenHeads = new ArrayList<>();
    try (PendingAppend append = table.newAppend(PROV);
        VectorSchemaRoot batch = TestBatches.events(allocator, 3, 3)) {
      append.summary("tracelake.writer.w1.offset", "7");
      append.write(batch);
      append.check(
          head -> {
            seenHeads.add(head.head().orElseThrow().snapshotId());
            throw LakeException.precondition("offset 7 of writer w1 is already committed");
          });
      assertThatThrownBy(append::commit)
          .isInstanceOf(LakeException.class)
          .hasMessage("offset 7 of writer w1 is already committed");
    }
    assertThat(seenHeads).containsExactly(first.snapshotId());
    assertThat(table.snapshots()).hasSize(1);
  }

  @Test
  void extraSummaryEntriesAreCommittedWithTheData() {
    LakeTable table = events();
    AppendResult r;
    try (PendingAppend append = table.newAppend(PROV);
        VectorSchemaRoot batch = TestBatches.events(allocator, 0, 3)) {
      append.summary("tracelake.writer.w1.offset", "0");
      append.write(batch);
      r = append.commit();
    }
    assertThat(table.snapshot(r.snapshotId()).summary())
        .containsEntry("tracelake.writer.w1.offset", "0")
        .containsKey(PendingAppend.SUMMARY_APPEND_ID);
    assertThatThrownBy(() -> table.newAppend(PROV).summary("tracelake.code-commit", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'tracelake.code-commit'");
  }
}
