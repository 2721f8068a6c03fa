package dev.tracelake.ingest;

import dev.tracelake.lake.ColumnTypes;
import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.SchemaChange;
import dev.tracelake.proto.v1.AddColumn;
import dev.tracelake.proto.v1.ColumnSpec;
import dev.tracelake.proto.v1.EvolveSchemaRequest;
import dev.tracelake.wire.ArrowIpc;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Turns an EvolveSchema request into one lake-core {@link SchemaChange}; nothing else. */
final class SchemaChanges {
  static final int MAX_CHANGES = 1000;
  private static final int MAX_NAME = 1024;
  private static final int MAX_TYPE = 256;
  private static final int MAX_DOC = 8192;

  private SchemaChanges() {}

  /**
   * Builds the change, checking each step's arguments as it goes.
   *
   * @throws IngestException INVALID_ARGUMENT for no changes, too many, a change that sets nothing,
   *     or a malformed Arrow field
   * @throws dev.tracelake.lake.LakeException INVALID_ARGUMENT for an unsafe change (required new
   *     column, metadata column, unknown type)
   */
  static SchemaChange of(LakeTable table, EvolveSchemaRequest request) {
    int count = request.getChangesCount();
    if (count == 0 || count > MAX_CHANGES) {
      throw invalid(
          "Table %s: give 1 to %d schema changes, got %d", table.name(), MAX_CHANGES, count);
    }
    SchemaChange change = table.updateSchema();
    for (int i = 0; i < count; i++) {
      dev.tracelake.proto.v1.SchemaChange c = request.getChanges(i);
      switch (c.getChangeCase()) {
        case ADD_COLUMN -> add(table, change, c.getAddColumn(), i);
        case RENAME_COLUMN ->
            change.renameColumn(
                name("change " + i + ": column", c.getRenameColumn().getColumn()),
                name("change " + i + ": new_name", c.getRenameColumn().getNewName()));
        case WIDEN_COLUMN -> {
          String column = name("change " + i + ": column", c.getWidenColumn().getColumn());
          String type =
              GrpcText.checkLength(
                  "change " + i + ": type", c.getWidenColumn().getType(), MAX_TYPE);
          change.widenColumn(column, ColumnTypes.parse(column, type));
        }
        case MAKE_COLUMN_OPTIONAL ->
            change.makeOptional(
                name("change " + i + ": column", c.getMakeColumnOptional().getColumn()));
        case CHANGE_NOT_SET ->
            throw invalid(
                "Table %s: change %d sets none of add_column, rename_column, widen_column,"
                    + " make_column_optional (or one this server does not know)",
                table.name(), i);
      }
    }
    return change;
  }

  private static void add(LakeTable table, SchemaChange change, AddColumn add, int i) {
    switch (add.getColumnCase()) {
      case SPEC -> {
        ColumnSpec spec = add.getSpec();
        String name = name("change " + i + ": column name", spec.getName());
        String type = GrpcText.checkLength("change " + i + ": type", spec.getType(), MAX_TYPE);
        String doc = GrpcText.checkLength("change " + i + ": doc", spec.getDoc(), MAX_DOC);
        FieldType fieldType =
            new FieldType(!spec.getRequired(), ColumnTypes.parse(name, type), null);
        change.addColumn(new Field(name, fieldType, null), doc.isEmpty() ? null : doc);
      }
      case ARROW_SCHEMA -> {
        Schema schema;
        try {
          schema = ArrowIpc.schema(add.getArrowSchema().toByteArray());
        } catch (IllegalArgumentException e) {
          throw invalid(
              "Table %s: change %d: arrow_schema is not a serialized Arrow schema (%s)",
              table.name(), i, GrpcText.shorten(String.valueOf(e.getMessage())));
        }
        List<Field> fields = schema.getFields();
        if (fields.size() != 1) {
          throw invalid(
              "Table %s: change %d: arrow_schema must hold exactly one field, got %d",
              table.name(), i, fields.size());
        }
        name("change " + i + ": column name", fields.get(0).getName());
        change.addColumn(fields.get(0));
      }
      case COLUMN_NOT_SET ->
          throw invalid(
              "Table %s: change %d: add_column sets neither spec nor arrow_schema",
              table.name(), i);
    }
  }

  private static String name(String field, String value) {
    if (value.isEmpty()) {
      throw invalid("%s is empty", field);
    }
    return GrpcText.checkLength(field, value, MAX_NAME);
  }

  private static IngestException invalid(String format, Object... args) {
    return new IngestException(ErrorKind.INVALID_ARGUMENT, String.format(format, args));
  }
}
