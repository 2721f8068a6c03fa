package dev.tracelake.lake;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types.NestedField;

/**
 * A schema change: add optional columns, rename columns, widen types (int to long, float to double,
 * decimal to a larger precision), make required columns optional: Iceberg's safe changes. Columns
 * keep their Iceberg field ids, so every older snapshot still reads correctly. Metadata columns
 * cannot be changed, and nothing else is offered (dropping a column or making one required would
 * make history unreadable or unwritable). Nothing happens until {@link #commit()}, which applies
 * all steps in one metadata commit.
 */
public final class SchemaChange {
  private static final int ATTEMPTS = 10;

  private final LakeTable table;
  private final List<Consumer<UpdateSchema>> steps = new ArrayList<>();
  private final List<Consumer<Table>> checks = new ArrayList<>();

  SchemaChange(LakeTable table) {
    this.table = table;
  }

  /** Adds an optional column of an Arrow type at the end of the user columns. */
  public SchemaChange addColumn(String name, ArrowType type) {
    return addColumn(new Field(name, FieldType.nullable(type), null));
  }

  /** Adds an optional column described by an Arrow field (nested types allowed). */
  public SchemaChange addColumn(Field field) {
    return addColumn(field, null);
  }

  /**
   * Adds an optional column described by an Arrow field (nested types allowed), with documentation.
   *
   * @param doc the column's documentation, or null
   * @throws LakeException INVALID_ARGUMENT when the field is not nullable: rows written before the
   *     column have no value for it
   */
  public SchemaChange addColumn(Field field, String doc) {
    String name = field.getName();
    if (!field.isNullable()) {
      throw LakeException.invalid(
          "Table %s: new column '%s' must be optional: rows written before it have no value for"
              + " it",
          table.name(), name);
    }
    ArrowSchemas.checkColumnNames(table.name().toString(), List.of(field));
    if (MetadataColumns.isReserved(name)) {
      throw LakeException.invalid(
          "Table %s: column '%s' starts with '_', which is reserved for metadata columns",
          table.name(), name);
    }
    Type type =
        ArrowSchemas.toIcebergType(table.name().toString(), name, field, new AtomicInteger(1));
    checks.add(
        t -> {
          if (t.schema().caseInsensitiveFindField(name) != null) {
            throw new LakeException(
                ErrorKind.ALREADY_EXISTS,
                String.format("Table %s already has a column '%s'", table.name(), name));
          }
        });
    steps.add(
        u -> {
          u.addColumn(name, type, doc);
          u.moveBefore(name, MetadataColumns.RECORD_ID);
        });
    return this;
  }

  /** Renames a column; data written under the old name reads under the new one. */
  public SchemaChange renameColumn(String from, String to) {
    checkUserColumn(from);
    ArrowSchemas.checkColumnNames(
        table.name().toString(),
        List.of(new Field(to, FieldType.nullable(new ArrowType.Null()), null)));
    if (MetadataColumns.isReserved(to)) {
      throw LakeException.invalid(
          "Table %s: cannot rename '%s' to '%s': names starting with '_' are reserved",
          table.name(), from, to);
    }
    checks.add(
        t -> {
          if (t.schema().caseInsensitiveFindField(to) != null && !to.equalsIgnoreCase(from)) {
            throw new LakeException(
                ErrorKind.ALREADY_EXISTS,
                String.format(
                    "Table %s: cannot rename '%s' to '%s': that column exists",
                    table.name(), from, to));
          }
        });
    steps.add(u -> u.renameColumn(from, to));
    return this;
  }

  /** Widens a column's type: int to long, float to double, decimal(p, s) to decimal(p', s). */
  public SchemaChange widenColumn(String column, ArrowType type) {
    checkUserColumn(column);
    Type target =
        ArrowSchemas.toIcebergType(
            table.name().toString(),
            column,
            new Field(column, FieldType.nullable(type), null),
            new AtomicInteger(1));
    checks.add(
        t -> {
          Type current = t.schema().findField(column).type();
          if (!current.isPrimitiveType()
              || !target.isPrimitiveType()
              || !org.apache.iceberg.types.TypeUtil.isPromotionAllowed(
                  current, target.asPrimitiveType())) {
            throw LakeException.invalid(
                "Table %s: column '%s' cannot change from %s to %s; allowed widenings are int to"
                    + " long, float to double and decimal to a larger precision",
                table.name(), column, current, target);
          }
        });
    steps.add(u -> u.updateColumn(column, target.asPrimitiveType()));
    return this;
  }

  /** Lets a required column hold nulls from now on; a column that is optional already stays so. */
  public SchemaChange makeOptional(String column) {
    checkUserColumn(column);
    steps.add(u -> u.makeColumnOptional(column));
    return this;
  }

  private void checkUserColumn(String column) {
    if (MetadataColumns.isReserved(column)) {
      throw LakeException.invalid(
          "Table %s: metadata column '%s' cannot be changed", table.name(), column);
    }
    checks.add(
        t -> {
          NestedField field = t.schema().findField(column);
          if (field == null) {
            throw LakeException.notFound(
                "Table %s has no column '%s'; its columns are %s",
                table.name(),
                column,
                t.schema().columns().stream().map(NestedField::name).toList());
          }
        });
  }

  /**
   * Applies every step in one commit.
   *
   * @return the table as it is after the change
   */
  public TableDescription commit() {
    for (int attempt = 1; ; attempt++) {
      Table t = table.load();
      checks.forEach(c -> c.accept(t));
      UpdateSchema update = t.updateSchema();
      try {
        steps.forEach(s -> s.accept(update));
        update.commit();
        return table.describe();
      } catch (IllegalArgumentException | org.apache.iceberg.exceptions.ValidationException e) {
        // steps that contradict each other, e.g. renaming a column to a name added in the same
        // change: Iceberg refuses them before committing anything
        throw LakeException.invalid(
            "Table %s: schema change refused: %s", table.name(), e.getMessage());
      } catch (CommitFailedException e) {
        if (attempt >= ATTEMPTS) {
          throw new LakeException(
              ErrorKind.CONFLICT,
              "Table " + table.name() + ": schema change lost to concurrent commits",
              e);
        }
      }
    }
  }
}
