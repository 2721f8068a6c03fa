package dev.tracelake.lake;

import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/** Names of column types, for clients that describe columns as text. */
public final class ColumnTypes {
  private ColumnTypes() {}

  /**
   * Parses an Iceberg primitive type name ({@code long}, {@code string}, {@code timestamptz},
   * {@code decimal(10, 2)}, {@code fixed[16]}, ...) into the Arrow type Tracelake stores it from.
   *
   * @throws LakeException INVALID_ARGUMENT for an unknown or non-primitive type name
   */
  public static ArrowType parse(String column, String typeName) {
    Type type;
    try {
      type = Types.fromPrimitiveString(typeName.trim());
    } catch (IllegalArgumentException e) {
      throw LakeException.invalid(
              "Column %s: unknown type %s; use boolean, int, long, float, double, string, binary,"
                  + " date, time, timestamp, timestamptz, decimal(P, S) or fixed[N]",
              InputText.shown(column), InputText.shown(typeName))
          .with("column", column);
    }
    return ArrowSchemas.toArrowPrimitive(type);
  }
}
