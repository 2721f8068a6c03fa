package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnNamesTest {

  @Test
  void repeatedNamesGetTheLowestFreeSuffix() {
    assertThat(ColumnNames.unique(List.of("_record_id", "a", "_record_id", "b", "_record_id")))
        .containsExactly("_record_id", "a", "_record_id_1", "b", "_record_id_2");
  }

  @Test
  void aSuffixNeverCollidesWithANameTheResultAlreadyHas() {
    assertThat(ColumnNames.unique(List.of("a", "a_1", "a", "A")))
        .containsExactly("a", "a_1", "a_2", "A_3");
  }

  @Test
  void uniqueNamesAreLeftAlone() {
    assertThat(ColumnNames.unique(List.of("x", "y", "z"))).containsExactly("x", "y", "z");
  }
}
