package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvHeaderTest {
  @Test
  void quotedNamesKeepCommasAndDoubledQuotes() {
    assertThat(CsvHeader.split("id,\"na,me\",\"say \"\"hi\"\"\","))
        .containsExactly("id", "na,me", "say \"hi\"", "");
  }
}
