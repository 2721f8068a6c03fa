package dev.tracelake.client;

import com.google.protobuf.ByteString;
import dev.tracelake.proto.v1.AddColumn;
import dev.tracelake.proto.v1.ColumnSpec;
import dev.tracelake.proto.v1.MakeColumnOptional;
import dev.tracelake.proto.v1.RenameColumn;
import dev.tracelake.proto.v1.SchemaChange;
import dev.tracelake.proto.v1.WidenColumn;
import dev.tracelake.wire.ArrowIpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Safe schema changes, applied by {@link Table#evolveSchema} in one commit, all or none: add an
 * optional column, rename a column, widen a type (int to long, float to double, decimal to a larger
 * precision), make a column optional. The server refuses anything else with the column and the
 * reason (INVALID_ARGUMENT). Immutable: each method returns a new update.
 */
public final class SchemaUpdate {
  private final List<SchemaChange> changes;

  private SchemaUpdate(List<SchemaChange> changes) {
    this.changes = List.copyOf(changes);
  }

  /** Returns an update with no changes yet. */
  public static SchemaUpdate create() {
    return new SchemaUpdate(List.of());
  }

  /**
   * Adds an optional column of an Iceberg primitive type.
   *
   * @param type e.g. {@code string}, {@code long}, {@code timestamptz}, {@code decimal(12, 2)}
   */
  public SchemaUpdate addColumn(String name, String type) {
    return addColumn(name, type, "");
  }

  /** Adds an optional column of an Iceberg primitive type, with documentation. */
  public SchemaUpdate addColumn(String name, String type, String doc) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(doc, "doc");
    return with(
        SchemaChange.newBuilder()
            .setAddColumn(
                AddColumn.newBuilder()
                    .setSpec(ColumnSpec.newBuilder().setName(name).setType(type).setDoc(doc)))
            .build());
  }

  /** Adds an optional column described by an Arrow field (nested types allowed). */
  public SchemaUpdate addColumn(Field field) {
    Objects.requireNonNull(field, "field");
    byte[] schema = ArrowIpc.schemaBytes(new Schema(List.of(field)));
    return with(
        SchemaChange.newBuilder()
            .setAddColumn(AddColumn.newBuilder().setArrowSchema(ByteString.copyFrom(schema)))
            .build());
  }

  /** Renames a column; data written under the old name reads under the new one. */
  public SchemaUpdate renameColumn(String column, String newName) {
    return with(
        SchemaChange.newBuilder()
            .setRenameColumn(
                RenameColumn.newBuilder()
                    .setColumn(Objects.requireNonNull(column, "column"))
                    .setNewName(Objects.requireNonNull(newName, "newName")))
            .build());
  }

  /** Widens a column's type, e.g. to {@code long}, {@code double}, {@code decimal(14, 2)}. */
  public SchemaUpdate widenColumn(String column, String type) {
    return with(
        SchemaChange.newBuilder()
            .setWidenColumn(
                WidenColumn.newBuilder()
                    .setColumn(Objects.requireNonNull(column, "column"))
                    .setType(Objects.requireNonNull(type, "type")))
            .build());
  }

  /** Lets a required column hold nulls from now on. */
  public SchemaUpdate makeOptional(String column) {
    return with(
        SchemaChange.newBuilder()
            .setMakeColumnOptional(
                MakeColumnOptional.newBuilder().setColumn(Objects.requireNonNull(column, "column")))
            .build());
  }

  /** Returns whether the update holds no change. */
  public boolean isEmpty() {
    return changes.isEmpty();
  }

  List<SchemaChange> changes() {
    return changes;
  }

  private SchemaUpdate with(SchemaChange change) {
    List<SchemaChange> more = new ArrayList<>(changes);
    more.add(change);
    return new SchemaUpdate(more);
  }
}
