package dev.tracelake.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.SnapshotInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppendBenchmarkTest {
  private static final long ROWS = 2_000;

  @TempDir Path dir;

  @Test
  void everyTargetWritesEveryRowOnce() throws IOException {
    AppendReport report =
        AppendBenchmark.run(
            BenchmarkOptions.parse(
                "--rows",
                "2000",
                "--batch-size",
                "500",
                "--repeats",
                "1",
                "--warmups",
                "0",
                "--out",
                dir.toString(),
                "--keep-files",
                "--targets",
                "raw-parquet,raw-parquet+meta,lake-core"),
            new PrintStream(OutputStream.nullOutputStream()));

    Path raw = RawParquetTarget.fileOf(report.runDirectory().resolve(RawParquetTarget.LABEL), "r1");
    assertThat(footerRowCount(raw)).isEqualTo(ROWS);
    try (Lake lake = Lake.open(LakeConfig.embedded(report.runDirectory().resolve("lake")))) {
      List<SnapshotInfo> snapshots = lake.table(LakeTableTarget.tableOf("r1")).snapshots();
      assertThat(snapshots).singleElement().extracting(SnapshotInfo::addedRows).isEqualTo(ROWS);
    }
    assertThat(report.samples())
        .hasSize(3)
        .allSatisfy(sample -> assertThat(sample.written().rows()).isEqualTo(ROWS));
    assertThat(report.format()).contains("RATIO lake-core/raw-parquet = ");
  }

  @Test
  void metadataReferenceWritesTheColumnsLakeCoreWrites() throws IOException {
    AppendReport report =
        AppendBenchmark.run(
            BenchmarkOptions.parse(
                "--rows",
                "2000",
                "--repeats",
                "1",
                "--warmups",
                "0",
                "--out",
                dir.toString(),
                "--keep-files",
                "--targets",
                "raw-parquet+meta,lake-core"),
            new PrintStream(OutputStream.nullOutputStream()));

    Path reference =
        RawParquetTarget.fileOf(
            report.runDirectory().resolve(RawParquetTarget.WITH_METADATA_LABEL), "r1");
    Path lakeFile;
    try (Stream<Path> files = Files.walk(report.runDirectory().resolve("lake"))) {
      lakeFile = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    assertThat(footerRowCount(reference)).isEqualTo(ROWS);
    // 12 user columns, then _record_id, _ingested_at and _lineage's three leaves
    assertThat(columnPaths(reference)).isEqualTo(columnPaths(lakeFile)).hasSize(17);
  }

  @Test
  void unknownTargetIsRejectedByName() {
    assertThatThrownBy(() -> BenchmarkOptions.parse("--targets", "raw-parquet,duckdb"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duckdb");
  }

  @Test
  void nonNumericRowsAreRejectedWithTheValue() {
    assertThatThrownBy(() -> BenchmarkOptions.parse("--rows", "many"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--rows")
        .hasMessageContaining("'many'");
  }

  private static long footerRowCount(Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      return reader.getRecordCount();
    }
  }

  private static List<String> columnPaths(Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      return reader.getFooter().getBlocks().get(0).getColumns().stream()
          .map(ColumnChunkMetaData::getPath)
          .map(Object::toString)
          .toList();
    }
  }
}
