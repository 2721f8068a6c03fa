package dev.tracelake.cli;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one file into a table as one snapshot: DuckDB reads the file as Arrow batches, cast to the
 * table's column types, and one {@link PendingAppend} writes them all and commits once. Any failure
 * closes the append without committing, so the table is unchanged.
 */
final class FileLoad {
  private static final Logger LOG = LoggerFactory.getLogger(FileLoad.class);

  /**
   * What to load.
   *
   * @param table the table to append to
   * @param file a {@code .parquet}, {@code .csv} or {@code .jsonl} file
   * @param createIfMissing whether to create the table from the file's columns when it does not
   *     exist
   * @param branch the branch to commit to
   * @param provenance who wrote the rows
   * @param evolve whether to add the file's columns that the table lacks (as optional columns, in
   *     one schema commit before the rows are appended)
   */
  record Request(
      TableName table,
      Path file,
      boolean createIfMissing,
      String branch,
      Provenance provenance,
      boolean evolve) {
    Request(
        TableName table, Path file, boolean createIfMissing, String branch, Provenance provenance) {
      this(table, file, createIfMissing, branch, provenance, false);
    }
  }

  /**
   * A finished load.
   *
   * @param snapshotId the new snapshot, or null when the file had no rows and nothing was committed
   */
  record Result(
      String table,
      String file,
      String format,
      boolean created,
      String branch,
      Long snapshotId,
      long rows,
      int dataFiles,
      long bytes) {}

  /** Decides how to show the progress of reading a file. */
  interface ProgressFactory {
    LoadProgress start(SourceFile source);
  }

  private FileLoad() {}

  /**
   * Loads the file.
   *
   * @throws CliException when the file cannot be read (naming the line where known), when the table
   *     is missing and may not be created, or when a column of the file is not in the table
   * @throws LakeException when the table refuses the rows
   */
  static Result run(Lake lake, Request request, ProgressFactory progress) {
    try (SourceFile source = SourceFile.open(request.file());
        BufferAllocator allocator = new RootAllocator()) {
      List<String> header = null;
      if (source.format() == FileFormat.CSV) {
        // before DuckDB sniffs it: a ragged or binary file fails on its first bad line
        header = CsvHeader.names(request.file());
        Optional<LineError> bad = CsvShape.firstBadLine(request.file(), header);
        if (bad.isPresent()) {
          throw bad.get().toException(request.file());
        }
      }
      Schema fileSchema = source.schema(allocator);
      if (header != null) {
        List<String> read = fileSchema.getFields().stream().map(f -> f.getName()).toList();
        if (!read.equals(header)) {
          throw CliException.of(
              "Cannot read %s: DuckDB read its columns as %s, but its header names %s",
              request.file(), read, header);
        }
      }
      TableName name = request.table();
      boolean created = false;
      LakeTable table;
      if (lake.exists(name)) {
        table = lake.table(name);
      } else if (request.createIfMissing()) {
        table = lake.createTable(name, tableColumns(fileSchema));
        created = true;
      } else {
        throw CliException.of(
            "Table %s does not exist; add --create to create it from the columns of %s"
                + " (tables: %s)",
            name, request.file(), lake.tables());
      }
      if (request.evolve() && !created) {
        SchemaEvolution.addMissingColumns(table, fileSchema, request.file());
      }
      Map<String, String> types = columnTypes(table, fileSchema, request.file());
      try {
        return append(table, source, types, allocator, request, progress, created);
      } catch (LakeException | CliException e) {
        if (!created) {
          throw e;
        }
        throw new CliException(
            e.getMessage() + "; table " + name + " was created by this load and is left empty", e);
      }
    }
  }

  private static Result append(
      LakeTable table,
      SourceFile source,
      Map<String, String> types,
      BufferAllocator allocator,
      Request request,
      ProgressFactory progress,
      boolean created) {
    LOG.debug("Loading {} into {} with column types {}", source.file(), table.name(), types);
    // The progress bar may count the file's rows first: DuckDB runs one query at a time.
    try (PendingAppend append = table.newAppend(request.provenance(), request.branch());
        LoadProgress bar = progress.start(source);
        FileBatches batches = source.read(types, allocator)) {
      while (batches.loadNextBatch()) {
        VectorSchemaRoot batch = batches.root();
        append.write(batch);
        bar.advance(batch.getRowCount());
      }
      if (append.rows() == 0) {
        return result(table, source, created, request.branch(), null);
      }
      return result(table, source, created, request.branch(), append.commit());
    }
  }

  private static Result result(
      LakeTable table, SourceFile source, boolean created, String branch, AppendResult append) {
    return new Result(
        table.name().toString(),
        source.file().toString(),
        source.format().displayName(),
        created,
        branch,
        append == null ? null : append.snapshotId(),
        append == null ? 0 : append.rows(),
        append == null ? 0 : append.dataFiles(),
        append == null ? 0 : append.bytes());
  }

  /** The columns a new table gets: the file's, less the metadata columns a writer may supply. */
  private static Schema tableColumns(Schema fileSchema) {
    return new Schema(
        fileSchema.getFields().stream()
            .filter(f -> !MetadataColumns.WRITER_SUPPLIED.contains(f.getName()))
            .toList());
  }

  /**
   * Maps each column of the file to the DuckDB type of the table column of the same name.
   *
   * @throws CliException naming the first column of the file that the table does not have
   */
  private static Map<String, String> columnTypes(LakeTable table, Schema fileSchema, Path file) {
    Map<String, Field> tableColumns = new LinkedHashMap<>();
    table.arrowSchema().getFields().forEach(f -> tableColumns.put(f.getName(), f));
    Map<String, String> types = new LinkedHashMap<>();
    for (Field column : fileSchema.getFields()) {
      Field target = tableColumns.get(column.getName());
      if (target == null) {
        List<String> userColumns =
            tableColumns.keySet().stream().filter(c -> !MetadataColumns.isReserved(c)).toList();
        throw CliException.of(
            "Column '%s' of %s is not in table %s; its columns are %s",
            column.getName(), file, table.name(), userColumns);
      }
      types.put(column.getName(), DuckDbTypes.of(target).orElse(null));
    }
    return types;
  }
}
