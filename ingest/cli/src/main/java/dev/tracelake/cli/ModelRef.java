package dev.tracelake.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A model named on the command line as {@code name:version}.
 *
 * @param name the model name, e.g. {@code fraud}
 * @param version the model version, e.g. {@code v3}
 */
record ModelRef(String name, String version) {
  /** Parses {@code name:version} for picocli; a bad value is a usage error. */
  static final class Converter implements ITypeConverter<ModelRef> {
    @Override
    public ModelRef convert(String value) {
      int colon = value.lastIndexOf(':');
      if (colon <= 0 || colon == value.length() - 1) {
        throw new TypeConversionException(
            "expected name:version (e.g. fraud:v3), got '" + value + "'");
      }
      return new ModelRef(value.substring(0, colon), value.substring(colon + 1));
    }
  }
}
