package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.DataFileInfo;
import dev.tracelake.lake.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryScopeTest {
  private static final TableName EVENTS = TableName.parse("events");

  @Test
  void localFilesArePassedToDuckDbByPath() {
    DataFileInfo local =
        new DataFileInfo("file:/lake/events/data/a.parquet", "/lake/a.parquet", 1, 10);
    assertThat(QueryScope.localFiles(EVENTS, List.of(local))).containsExactly("/lake/a.parquet");
  }

  @Test
  void objectStoreFilesAreRefusedNamingTableFileAndWayOut() {
    DataFileInfo object =
        new DataFileInfo("s3://lake/wh/default/events/data/a.parquet", null, 1, 10);
    assertThatThrownBy(() -> QueryScope.localFiles(EVENTS, List.of(object)))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining(
            "Table default.events: data file s3://lake/wh/default/events/data/a.parquet")
        .hasMessageContaining("httpfs")
        .hasMessageContaining("Scan API, Spark or Trino")
        .satisfies(
            e ->
                assertThat(((QueryException) e).kind())
                    .isEqualTo(QueryErrorKind.FAILED_PRECONDITION));
  }
}
