package dev.tracelake.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordIdGeneratorTest {

  @Test
  void recordIdsStayUniqueAndIncreasingUnderLoad() {
    long before = System.currentTimeMillis();
    String[] ids = RecordIdGenerator.next(200_000);
    long after = System.currentTimeMillis();
    String[] later = RecordIdGenerator.next(1);
    assertThat(later[0]).isGreaterThan(ids[ids.length - 1]);
    for (String id : List.of(ids[0], ids[ids.length - 1])) {
      // the first 48 bits are the creation time in milliseconds: the id format's contract
      long millis = UUID.fromString(id).getMostSignificantBits() >>> 16;
      assertThat(millis).isBetween(before, after);
    }
    assertThat(new HashSet<>(List.of(ids))).hasSize(ids.length);
    for (String id : List.of(ids[0], ids[ids.length / 2], ids[ids.length - 1])) {
      UUID uuid = UUID.fromString(id);
      assertThat(uuid.version()).isEqualTo(7);
      assertThat(uuid.variant()).isEqualTo(2);
      assertThat(uuid.toString()).isEqualTo(id);
    }
    for (int i = 1; i < ids.length; i++) {
      assertThat(ids[i].compareTo(ids[i - 1])).isPositive();
    }
  }

  @Test
  void refusesAnArrayTooSmallForTheIds() {
    assertThatThrownBy(() -> RecordIdGenerator.next(new byte[RecordIdGenerator.LENGTH], 2))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("Cannot write 2 ids into 36 bytes");
  }
}
