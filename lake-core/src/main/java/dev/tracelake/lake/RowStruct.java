package dev.tracelake.lake;

import org.apache.iceberg.StructLike;

/** A reusable row of values in Iceberg's internal representation, filled column by column. */
final class RowStruct implements StructLike {
  private final Object[] values;

  RowStruct(int size) {
    this.values = new Object[size];
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public <T> T get(int pos, Class<T> javaClass) {
    return javaClass.cast(values[pos]);
  }

  @Override
  public <T> void set(int pos, T value) {
    values[pos] = value;
  }
}
