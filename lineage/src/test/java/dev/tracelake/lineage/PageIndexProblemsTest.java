package dev.tracelake.lineage;

import org.junit.jupiter.api.BeforeEach;

/** Every {@link ProblemsTest} again, with explained records read through the page index. */
class PageIndexProblemsTest extends ProblemsTest {
  @BeforeEach
  void readThroughPageIndex() {
    PageIndexRowSource.attachTo(lineage, lake);
  }
}
