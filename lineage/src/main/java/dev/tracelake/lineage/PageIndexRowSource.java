package dev.tracelake.lineage;

import dev.tracelake.lake.DataFileInfo;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.PlannedColumn;
import dev.tracelake.lake.ScanPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.io.FileIO;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.filter2.columnindex.RowRanges;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.filter2.predicate.FilterPredicate;
import org.apache.parquet.filter2.predicate.Operators;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads records by id through the Parquet page index: of each data file it decodes only the pages
 * that can hold a wanted {@code _record_id}. Tracelake's record ids are time-ordered and written in
 * order, so each page's min/max (the column index) pins a record to about one page per column;
 * parquet-java reads just those pages (the offset index says where they are) and its record reader
 * skips the rows between. Files are read through the lake's FileIO, so local and object-store
 * warehouses both work; footers and page indexes are kept in memory per file (files never change).
 *
 * <p>Columns are matched by Iceberg field id (Parquet field ids), so renamed and added columns read
 * as planned; a planned column a file lacks takes the file's constant when it has one ({@link
 * DataFileInfo#constants()}), else null. Fields inside structs are matched by name. Thread-safe.
 */
public final class PageIndexRowSource implements RowSource {
  /** The footers and page indexes kept by default: 64 MiB. */
  public static final long DEFAULT_CACHE_BYTES = 64L << 20;

  private static final int BATCH_ROWS = 1024;
  // Parquet's codecs want a Hadoop Configuration; an empty one is enough and cheap to share
  private static final org.apache.hadoop.conf.Configuration HADOOP_CONF =
      new org.apache.hadoop.conf.Configuration(false);

  private final FileIO io;
  private final ParquetTails tails;

  private PageIndexRowSource(FileIO io, long cacheBytes) {
    this.io = io;
    this.tails = new ParquetTails(cacheBytes);
  }

  /** Returns a reader of {@code lake}'s data files with the default cache. */
  public static PageIndexRowSource of(Lake lake) {
    return new PageIndexRowSource(lake.fileIo(), DEFAULT_CACHE_BYTES);
  }

  /**
   * Returns a reader of the files {@code io} opens, keeping at most about {@code cacheBytes} of
   * footers and page indexes.
   *
   * @throws IllegalArgumentException when {@code cacheBytes} is negative
   */
  public static PageIndexRowSource of(FileIO io, long cacheBytes) {
    if (cacheBytes < 0) {
      throw new IllegalArgumentException("Cache size must not be negative, got " + cacheBytes);
    }
    return new PageIndexRowSource(io, cacheBytes);
  }

  /** Makes {@code lineage} read explained records through a new page-index reader of the lake. */
  public static PageIndexRowSource attachTo(Lineage lineage, Lake lake) {
    PageIndexRowSource source = of(lake);
    lineage.readRowsWith(source);
    return source;
  }

  /** How many files' footers and page indexes are cached. */
  int cachedFiles() {
    return tails.size();
  }

  @Override
  public void read(
      ScanPlan plan,
      List<String> recordIds,
      BufferAllocator allocator,
      Consumer<VectorSchemaRoot> batches)
      throws IOException {
    if (plan.files().isEmpty() || recordIds.isEmpty()) {
      return;
    }
    WantedIds ids = new WantedIds(recordIds);
    List<Field> fields = new ArrayList<>();
    plan.columns().forEach(c -> fields.add(c.arrowField()));
    Schema schema = new Schema(fields);
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    try {
      root.allocateNew();
      int rows = 0;
      for (DataFileInfo file : plan.files()) {
        rows = readFile(plan, file, ids, root, rows, allocator);
        if (rows >= BATCH_ROWS) {
          root.setRowCount(rows);
          batches.accept(root);
          root.close();
          root = VectorSchemaRoot.create(schema, allocator);
          root.allocateNew();
          rows = 0;
        }
      }
      if (rows > 0) {
        root.setRowCount(rows);
        batches.accept(root);
      }
    } finally {
      root.close();
    }
  }

  /** Reads the wanted rows of one file into {@code root} from row {@code firstRow} on. */
  private int readFile(
      ScanPlan plan,
      DataFileInfo file,
      WantedIds ids,
      VectorSchemaRoot root,
      int firstRow,
      BufferAllocator allocator)
      throws IOException {
    String location = file.location();
    VarCharVector scratchIds = null;
    try {
      org.apache.iceberg.io.InputFile input = io.newInputFile(location, file.sizeBytes());
      ParquetTails.Tail tail = tails.get(location, input, file.sizeBytes());
      MessageType fileSchema = tail.footer().getFileMetaData().getSchema();
      Map<Integer, Type> byId = new HashMap<>();
      for (Type t : fileSchema.getFields()) {
        if (t.getId() != null) {
          byId.put(t.getId().intValue(), t);
        }
      }
      Type idField = recordIdField(plan, fileSchema, byId);
      if (idField == null || !idField.isPrimitive()) {
        throw new IOException("Data file " + location + " has no _record_id column");
      }
      List<Type> requested = new ArrayList<>();
      List<ParquetToArrow.Column> columns = new ArrayList<>();
      List<PlannedColumn> absent = new ArrayList<>();
      FieldVector idVector = null;
      for (PlannedColumn c : plan.columns()) {
        Type t = byId.get(c.fieldId());
        if (t == null) {
          absent.add(c);
          continue;
        }
        requested.add(t);
        columns.add(new ParquetToArrow.Column(t, root.getVector(c.name())));
        if (t == idField) {
          idVector = root.getVector(c.name());
        }
      }
      if (idVector == null) {
        // the plan does not keep the id: read it anyway, to check that each row read is one wanted
        scratchIds = new VarCharVector(MetadataColumns.RECORD_ID, allocator);
        idVector = scratchIds;
        requested.add(idField);
        columns.add(new ParquetToArrow.Column(idField, scratchIds));
      }
      MessageType projection = new MessageType(fileSchema.getName(), requested);
      MessageType idOnly = new MessageType(fileSchema.getName(), List.of(idField));
      String createdBy = tail.footer().getFileMetaData().getCreatedBy();
      org.apache.parquet.io.InputFile parquetFile =
          ParquetTails.inputFile(input, file.sizeBytes(), tail);
      FilterPredicate anyId = anyOf(idField.getName(), ids.binaries());
      // first the id column alone, in the pages whose min/max can hold a wanted id: which rows
      Map<Integer, Matches> matches = new TreeMap<>();
      try (ParquetFileReader reader = open(parquetFile, tail, anyId)) {
        reader.setRequestedSchema(idOnly);
        for (int block = 0; block < reader.getRowGroups().size(); block++) {
          Matches found = matchingRows(reader.readFilteredRowGroup(block), idOnly, createdBy, ids);
          if (found != null) {
            matches.put(block, found);
          }
        }
      }
      ParquetToArrow.Rows rows = ParquetToArrow.rows(columns, firstRow);
      if (!matches.isEmpty()) {
        // then every column, in the pages holding exactly those rows
        try (ParquetFileReader reader = open(parquetFile, tail, anyId)) {
          reader.setRequestedSchema(projection);
          MessageColumnIO columnIo =
              new ColumnIOFactory(createdBy, false).getColumnIO(projection, fileSchema, true);
          for (Map.Entry<Integer, Matches> m : matches.entrySet()) {
            List<OffsetIndex> offsets = offsetIndexes(reader, m.getKey(), projection);
            for (RowRanges run : PageRuns.split(m.getValue().rows(), offsets)) {
              PageReadStore pages = reader.readFilteredRowGroup(m.getKey(), run);
              RecordReader<Object> records = columnIo.getRecordReader(pages, rows);
              for (long r = 0; r < pages.getRowCount(); r++) {
                records.read();
              }
            }
          }
        }
      }
      int end = rows.nextRow();
      checkRows(location, matches, idVector, firstRow, end);
      for (PlannedColumn c : absent) {
        FieldVector vector = root.getVector(c.name());
        Object constant = file.constants().get(c.fieldId());
        for (int r = firstRow; r < end; r++) {
          ParquetToArrow.writeConstant(vector, r, constant);
        }
      }
      return end;
    } catch (IOException | RuntimeException e) {
      if (e instanceof IOException && e.getMessage() != null && e.getMessage().contains(location)) {
        throw (IOException) e;
      }
      throw new IOException("Cannot read data file " + location + ": " + e, e);
    } finally {
      if (scratchIds != null) {
        scratchIds.close();
      }
    }
  }

  /** The rows of one row group whose id is wanted, ascending, and those ids. */
  private record Matches(LongList rows, List<String> ids) {}

  /**
   * The offset index of every column of {@code projection} in row group {@code block}, or null when
   * one column has none (then {@link PageRuns} reads row by row).
   */
  private static List<OffsetIndex> offsetIndexes(
      ParquetFileReader reader, int block, MessageType projection) throws IOException {
    Set<ColumnPath> wanted = new HashSet<>();
    for (ColumnDescriptor c : projection.getColumns()) {
      wanted.add(ColumnPath.get(c.getPath()));
    }
    List<OffsetIndex> offsets = new ArrayList<>();
    for (ColumnChunkMetaData chunk : reader.getRowGroups().get(block).getColumns()) {
      if (wanted.contains(chunk.getPath())) {
        OffsetIndex index = reader.readOffsetIndex(chunk);
        if (index == null) {
          return null;
        }
        offsets.add(index);
      }
    }
    return offsets;
  }

  /**
   * Checks that the rows read are exactly the rows the id column pointed at, in order: a second
   * layer under the page-aligned reads, so that a reader bug shows as a read error, never as an
   * input reported missing or another record's values.
   */
  private static void checkRows(
      String location, Map<Integer, Matches> matches, FieldVector idVector, int firstRow, int end)
      throws IOException {
    List<String> expected = new ArrayList<>();
    matches.values().forEach(m -> expected.addAll(m.ids()));
    if (end - firstRow != expected.size()) {
      throw new IOException(
          "Data file "
              + location
              + ": the page index found "
              + expected.size()
              + " wanted rows but "
              + (end - firstRow)
              + " were read");
    }
    for (int i = 0; i < expected.size(); i++) {
      Object got = idVector.isNull(firstRow + i) ? null : idVector.getObject(firstRow + i);
      String id = got == null ? null : got.toString();
      if (!expected.get(i).equals(id)) {
        throw new IOException(
            "Data file "
                + location
                + ": reading record "
                + expected.get(i)
                + " through the page index returned record "
                + id
                + " instead");
      }
    }
  }

  /**
   * Opens a file whose row groups are those whose statistics admit {@code anyId}, and whose
   * filtered reads return the pages whose column index admits it.
   */
  private static ParquetFileReader open(
      org.apache.parquet.io.InputFile file, ParquetTails.Tail tail, FilterPredicate anyId)
      throws IOException {
    ParquetReadOptions options =
        // not builder(): it news up a Hadoop Configuration, which parses core-default.xml from its
        // jar on first use, milliseconds per file
        ParquetReadOptions.builder(new PlainParquetConfiguration())
            .withRecordFilter(FilterCompat.get(anyId))
            .useStatsFilter(true)
            .useColumnIndexFilter(true)
            .useDictionaryFilter(false)
            .useBloomFilter(false)
            .useRecordFilter(false)
            // closing the reader releases its codecs: one factory per reader
            .withCodecFactory(new CodecFactory(HADOOP_CONF, 0))
            .build();
    SeekableInputStream stream = file.newStream();
    try {
      return new IndexCachingReader(file, tail, options, stream);
    } catch (IOException | RuntimeException e) {
      stream.close();
      throw e;
    }
  }

  /** A file reader that takes the page indexes it has parsed before from the file's tail. */
  private static final class IndexCachingReader extends ParquetFileReader {
    private final ParquetTails.Tail tail;

    IndexCachingReader(
        org.apache.parquet.io.InputFile file,
        ParquetTails.Tail tail,
        ParquetReadOptions options,
        SeekableInputStream stream)
        throws IOException {
      super(file, tail.footer(), options, stream);
      this.tail = tail;
    }

    @Override
    public OffsetIndex readOffsetIndex(ColumnChunkMetaData column) throws IOException {
      return tail.offsetIndex(column, super::readOffsetIndex);
    }

    @Override
    public ColumnIndex readColumnIndex(ColumnChunkMetaData column) throws IOException {
      return tail.columnIndex(column, super::readColumnIndex);
    }
  }

  /**
   * Returns the rows (indexes in the row group) of {@code pages} whose id is wanted, with their
   * ids, or null for none; {@code pages} holds just the id column, of the pages that can hold a
   * wanted id.
   */
  private static Matches matchingRows(
      PageReadStore pages, MessageType idOnly, String createdBy, WantedIds ids) {
    if (pages == null) {
      return null;
    }
    ColumnDescriptor column = idOnly.getColumns().get(0);
    ColumnReader reader =
        new ColumnReadStoreImpl(
                pages, (GroupConverter) ParquetToArrow.ignoring(idOnly), idOnly, createdBy)
            .getColumnReader(column);
    PrimitiveIterator.OfLong rowIndexes = pages.getRowIndexes().orElse(null);
    int maxDefinition = column.getMaxDefinitionLevel();
    LongList rows = null;
    List<String> found = null;
    for (long r = 0; r < pages.getRowCount(); r++) {
      long row = rowIndexes == null ? r : rowIndexes.nextLong();
      if (reader.getCurrentDefinitionLevel() == maxDefinition) {
        Binary id = reader.getBinary();
        if (ids.contains(id)) {
          if (rows == null) {
            rows = new LongList(4);
            found = new ArrayList<>();
          }
          rows.add(row);
          found.add(id.toStringUsingUTF8());
        }
      }
      reader.consume();
    }
    return rows == null ? null : new Matches(rows, found);
  }

  /** The file's {@code _record_id} column: by the planned column's field id, else by name. */
  private static Type recordIdField(
      ScanPlan plan, MessageType fileSchema, Map<Integer, Type> byId) {
    for (PlannedColumn c : plan.columns()) {
      if (c.name().equals(MetadataColumns.RECORD_ID)) {
        return byId.get(c.fieldId());
      }
    }
    return fileSchema.containsField(MetadataColumns.RECORD_ID)
        ? fileSchema.getType(MetadataColumns.RECORD_ID)
        : null;
  }

  /**
   * Returns {@code column = id1 OR column = id2 ...} as a balanced tree. Parquet evaluates each
   * equality against the page index separately, so only pages whose min/max hold an id are read;
   * its IN predicate reads every page between the smallest and the largest id.
   */
  private static FilterPredicate anyOf(String column, Set<Binary> ids) {
    Operators.BinaryColumn c = FilterApi.binaryColumn(column);
    List<FilterPredicate> level = new ArrayList<>();
    for (Binary id : ids) {
      level.add(FilterApi.eq(c, id));
    }
    while (level.size() > 1) {
      List<FilterPredicate> next = new ArrayList<>((level.size() + 1) / 2);
      for (int i = 0; i + 1 < level.size(); i += 2) {
        next.add(FilterApi.or(level.get(i), level.get(i + 1)));
      }
      if (level.size() % 2 == 1) {
        next.add(level.get(level.size() - 1));
      }
      level = next;
    }
    return level.get(0);
  }
}
