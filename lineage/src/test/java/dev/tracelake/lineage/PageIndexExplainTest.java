package dev.tracelake.lineage;

import org.junit.jupiter.api.BeforeEach;

/** Every {@link ExplainTest} again, with explained records read through the page index. */
class PageIndexExplainTest extends ExplainTest {
  @BeforeEach
  void readThroughPageIndex() {
    PageIndexRowSource.attachTo(lineage, lake);
  }
}
