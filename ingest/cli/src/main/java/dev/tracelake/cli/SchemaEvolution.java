package dev.tracelake.cli;

import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.SchemaChange;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code load --evolve}: adds the columns of a file that its table lacks, before the load. */
final class SchemaEvolution {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaEvolution.class);

  private SchemaEvolution() {}

  /**
   * Adds every column of {@code fileSchema} that the table does not have as an optional column, in
   * one schema commit (older snapshots read them as null). Columns the table has keep their types:
   * the load casts values to them. Metadata columns a writer may supply are never added.
   *
   * @return the names of the columns added
   */
  static List<String> addMissingColumns(LakeTable table, Schema fileSchema, Path file) {
    Set<String> existing =
        table.arrowSchema().getFields().stream().map(Field::getName).collect(Collectors.toSet());
    List<Field> missing =
        fileSchema.getFields().stream()
            .filter(f -> !existing.contains(f.getName()))
            .filter(f -> !MetadataColumns.WRITER_SUPPLIED.contains(f.getName()))
            .toList();
    if (missing.isEmpty()) {
      return List.of();
    }
    SchemaChange change = table.updateSchema();
    for (Field f : missing) {
      change.addColumn(new Field(f.getName(), FieldType.nullable(f.getType()), f.getChildren()));
    }
    change.commit();
    List<String> names = missing.stream().map(Field::getName).toList();
    LOG.info("Added columns {} of {} to table {}", names, file, table.name());
    return names;
  }
}
