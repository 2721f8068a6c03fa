package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The rules for text that ends up in metadata, and the one way messages echo it. */
class InputTextTest {

  @Test
  void shownValuesAreCappedEscapedAndMeasured() {
    assertThat(InputText.shown("run\u00007")).isEqualTo("'run\\u00007'");
    assertThat(InputText.shown("x".repeat(40_000)))
        .hasSize(InputText.SHOWN_CHARS + 2 + " (40000 characters)".length() + 3)
        .endsWith("'... (40000 characters)");
    assertThat(InputText.shown("lone \uD800 surrogate")).isEqualTo("'lone \\ud800 surrogate'");
    assertThat(InputText.shown("paired \uD83D\uDE00")).isEqualTo("'paired \uD83D\uDE00'");
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("", "is empty or blank"),
        Arguments.of("   ", "is empty or blank"),
        Arguments.of("a\u0000b", "control character U+0000 at position 1"),
        Arguments.of("a\u001bb", "control character U+001B"),
        Arguments.of("a\u007fb", "control character U+007F"),
        Arguments.of("a\u0085b", "control character U+0085"),
        Arguments.of("a\uDC00", "unpaired surrogate at position 1"),
        Arguments.of("y".repeat(129), "is 129 characters long; at most 128"));
  }

  @ParameterizedTest
  @MethodSource("refused")
  void controlCharactersSurrogatesBlanksAndLengthAreRefused(String value, String reason) {
    assertThat(InputText.problem("Column name", value, 128)).contains(reason);
    assertThatThrownBy(() -> InputText.check("Column name", value, 128))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining(reason)
        .extracting(e -> ((LakeException) e).kind())
        .isEqualTo(ErrorKind.INVALID_ARGUMENT);
  }

  @Test
  void printableUnicodeIsAccepted() {
    assertThat(InputText.problem("Column name", "prédiction_✓_\uD83D\uDE00", 128)).isNull();
  }

  @Test
  void provenancePartsNameTheirFieldAndRespectTheDirectoryNameLimit() {
    assertThatThrownBy(() -> Provenance.builder().runId("run\u00007").build())
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("Provenance run_id 'run\\u00007'")
        .extracting(e -> ((LakeException) e).details().get("field"))
        .isEqualTo("provenance.run_id");
    // 100 non-ASCII characters are 600 bytes URL-encoded: too long for a directory name
    assertThatThrownBy(() -> Provenance.builder().model("é".repeat(100), "v1").build())
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("URL-encoded");
    assertThat(Provenance.builder().producer("p".repeat(1024)).build().producer()).hasSize(1024);
  }

  @Test
  void summariesAnOlderVersionWroteAreReadInAPrintableForm() {
    Provenance old =
        Provenance.fromSummary(
            Map.of(
                Provenance.SUMMARY_RUN_ID, "run\u00007",
                Provenance.SUMMARY_MODEL_NAME, "m".repeat(1000),
                Provenance.SUMMARY_PRODUCER, "ok"));
    assertThat(old.runId()).isEqualTo("run\\u00007");
    assertThat(old.modelName()).hasSizeLessThanOrEqualTo(Provenance.MAX_PARTITION_VALUE_BYTES);
    assertThat(old.producer()).isEqualTo("ok");
  }
}
