package dev.tracelake.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {
  @ParameterizedTest
  @CsvSource({
    "tracelake:0.1.0-SNAPSHOT, tracelake, 0.1.0-SNAPSHOT, true",
    "registry:5000/data/tracelake:1.2, registry:5000/data/tracelake, 1.2, true",
    "registry:5000/data/tracelake, registry:5000/data/tracelake, , false",
    "postgres:latest, postgres, latest, false",
    "postgres, postgres, , false",
    "postgres@sha256:abc, postgres, , true",
  })
  void pinnedMeansADigestOrATagOtherThanLatest(
      String reference, String repository, String tag, boolean pinned) {
    ImageReference image = ImageReference.parse(reference);
    assertThat(image.repository()).isEqualTo(repository);
    assertThat(image.tag()).isEqualTo(tag);
    assertThat(image.isPinned()).isEqualTo(pinned);
  }

  @ParameterizedTest
  @CsvSource({"''", "' '"})
  void emptyReferenceIsRejected(String reference) {
    assertThatThrownBy(() -> ImageReference.parse(reference))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Empty image reference");
  }
}
