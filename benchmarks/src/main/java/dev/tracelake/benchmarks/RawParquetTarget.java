package dev.tracelake.benchmarks;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.TableProperties;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;

/**
 * The baseline: parquet-java's {@link ParquetWriter} writing the Arrow rows to one local file
 * through {@link LocalOutputFile}, with the settings an Iceberg table uses by default (zstd, 128 MB
 * row groups, 1 MB pages, 20,000-row page limit, 2 MB dictionary pages, v1 pages).
 */
public final class RawParquetTarget implements AppendTarget {
  static final String LABEL = "raw-parquet";

  /** The reference that also writes lake-core's metadata columns; see MetadataColumnBatches. */
  static final String WITH_METADATA_LABEL = "raw-parquet+meta";

  private final String label;
  private final Path directory;
  private final List<VectorSchemaRoot> batches;
  private final boolean fsync;
  private final int pageRows;
  private Path file;

  /**
   * @param label the name in the report
   * @param directory where the files go
   * @param batches the rows to write; all with one schema
   * @param fsync whether to force the file and its directory entry to disk after closing it, as
   *     lake-core's file IO does for every file it writes
   * @param pageRows the page row limit (lake-core's tables use {@link
   *     dev.tracelake.lake.Lake#PAGE_ROW_LIMIT})
   */
  public RawParquetTarget(
      String label, Path directory, List<VectorSchemaRoot> batches, boolean fsync, int pageRows) {
    if (batches.isEmpty()) {
      throw new IllegalArgumentException("Target " + label + " needs at least one batch");
    }
    this.label = label;
    this.directory = directory;
    this.batches = batches;
    this.fsync = fsync;
    this.pageRows = pageRows;
  }

  /** Returns the file that run {@code runName} writes. */
  static Path fileOf(Path directory, String runName) {
    return directory.resolve(runName + ".parquet");
  }

  @Override
  public String label() {
    return label;
  }

  @Override
  public void prepare(String runName) throws IOException {
    Files.createDirectories(directory);
    file = fileOf(directory, runName);
    Files.deleteIfExists(file);
  }

  @Override
  public Written append() throws IOException {
    ArrowRowWriteSupport support = new ArrowRowWriteSupport(batches.get(0).getSchema());
    ArrowRowWriteSupport.Row row = new ArrowRowWriteSupport.Row();
    long rows = 0;
    try (ParquetWriter<ArrowRowWriteSupport.Row> writer =
        new Builder(new LocalOutputFile(file), support)
            .withWriteMode(ParquetFileWriter.Mode.CREATE)
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .withRowGroupSize((long) TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES_DEFAULT)
            .withPageSize(TableProperties.PARQUET_PAGE_SIZE_BYTES_DEFAULT)
            .withPageRowCountLimit(pageRows)
            .withDictionaryPageSize(TableProperties.PARQUET_DICT_SIZE_BYTES_DEFAULT)
            .withDictionaryEncoding(true)
            .withMinRowCountForPageSizeCheck(
                TableProperties.PARQUET_ROW_GROUP_CHECK_MIN_RECORD_COUNT_DEFAULT)
            .withMaxRowCountForPageSizeCheck(
                TableProperties.PARQUET_ROW_GROUP_CHECK_MAX_RECORD_COUNT_DEFAULT)
            .withWriterVersion(WriterVersion.PARQUET_1_0)
            .build()) {
      for (VectorSchemaRoot batch : batches) {
        support.bind(batch);
        int count = batch.getRowCount();
        for (int i = 0; i < count; i++) {
          row.index = i;
          writer.write(row);
        }
        rows += count;
      }
    }
    if (fsync) {
      force(file);
      force(directory);
    }
    return new Written(rows, Files.size(file), 1, file.toString());
  }

  @Override
  public void discard() throws IOException {
    Files.deleteIfExists(file);
  }

  private static void force(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static final class Builder
      extends ParquetWriter.Builder<ArrowRowWriteSupport.Row, Builder> {
    private final ArrowRowWriteSupport support;

    Builder(OutputFile file, ArrowRowWriteSupport support) {
      super(file);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<ArrowRowWriteSupport.Row> getWriteSupport(Configuration conf) {
      return support;
    }

    @Override
    protected WriteSupport<ArrowRowWriteSupport.Row> getWriteSupport(ParquetConfiguration conf) {
      return support;
    }
  }
}
