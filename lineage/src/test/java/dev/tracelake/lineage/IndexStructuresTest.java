package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The primitive structures under the index. */
class IndexStructuresTest {

  @Test
  void uuidsRoundTripAndOnlyCanonicalTextParses() {
    long[] out = new long[2];
    for (int i = 0; i < 1000; i++) {
      String id = UUID.randomUUID().toString();
      byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
      assertThat(Uuids.parse(bytes, 0, bytes.length, out)).isTrue();
      assertThat(Uuids.format(out[0], out[1])).isEqualTo(id);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "3B452093-782C-4EF2-9C0C-AAFE2AA6F34D",
        "3b452093-782c-4ef2-9c0c-aafe2aa6f34",
        "3b452093x782c-4ef2-9c0c-aafe2aa6f34d",
        "pred-1",
        ""
      })
  void nonCanonicalIdsAreNotUuids(String id) {
    byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
    assertThat(Uuids.parse(bytes, 0, bytes.length, new long[2])).isFalse();
  }

  @Test
  void recordKeysInternToDenseNodesAcrossTablesAndIdKinds() {
    RecordKeyTable table = new RecordKeyTable();
    Random random = new Random(3);
    Map<String, Integer> nodes = new HashMap<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      String id =
          i % 7 == 0 ? "writer-" + i : new UUID(random.nextLong(), random.nextLong()).toString();
      int tableId = i % 3;
      byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
      int node = table.intern(tableId, bytes, 0, bytes.length, new long[2]);
      assertThat(node).isEqualTo(i);
      nodes.put(tableId + "/" + id, node);
      ids.add(id);
    }
    assertThat(table.size()).isEqualTo(50_000);
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      int tableId = i % 3;
      assertThat(table.find(tableId, id)).isEqualTo(nodes.get(tableId + "/" + id));
      assertThat(table.recordId(i)).isEqualTo(id);
      assertThat(table.tableOf(i)).isEqualTo(tableId);
      assertThat(table.find((tableId + 1) % 3, id)).isEqualTo(-1);
      byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
      assertThat(table.intern(tableId, bytes, 0, bytes.length, new long[2])).isEqualTo(i);
    }
  }

  @Test
  void intIntMapGrowsAndKeepsEveryKey() {
    IntIntMap map = new IntIntMap();
    for (int i = 0; i < 10_000; i++) {
      map.put(i * 31, i);
    }
    assertThat(map.size()).isEqualTo(10_000);
    for (int i = 0; i < 10_000; i++) {
      assertThat(map.get(i * 31, -1)).isEqualTo(i);
    }
    assertThat(map.get(5, -1)).isEqualTo(-1);
    assertThatThrownBy(() -> map.put(-1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Keys must be non-negative, got -1");
  }

  @Test
  void intListGrowsAndChecksBounds() {
    IntList list = new IntList(4);
    for (int i = 0; i < 1000; i++) {
      list.add(i);
    }
    assertThat(list.size()).isEqualTo(1000);
    assertThat(list.get(999)).isEqualTo(999);
    assertThatThrownBy(() -> list.get(1000))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("Index 1000 out of bounds for size 1000");
  }
}
